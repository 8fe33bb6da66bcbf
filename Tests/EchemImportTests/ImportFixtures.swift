import EchemCore
import EchemStore
import Foundation

/// The committed fixture files (written by scripts/fixtures/make_import_fixtures.py) and what
/// the simulation behind them did.
enum ImportFixtures {
    static let directory: URL = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    static func text(_ name: String) throws -> String { try String(contentsOfFile: path(name), encoding: .utf8) }

    /// A fresh directory for stores and edited copies; removed by the caller's `defer`.
    static func scratch(_ label: String = #function) throws -> URL {
        let name = label.filter { $0.isLetter || $0.isNumber }
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("echemimport-\(name)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// What the fixture simulation did, step by step, from its 1 s integration (not from any export).
struct FixtureTruth: Decodable {
    struct Step: Decodable {
        var step_count: Int
        var step_id: Int
        var cycle: Int
        var label: String
        var start: Double
        var end: Double
        var capacity_ah: Double
        var energy_wh: Double
        var direction: Int
    }

    var rows: Int
    var cycles: Int
    var start: String
    var steps: [Step]

    static func load(_ name: String) throws -> FixtureTruth {
        try JSONDecoder().decode(FixtureTruth.self, from: Data(contentsOf: URL(fileURLWithPath: ImportFixtures.path(name))))
    }
}

enum Physics {
    /// ∫I dt over a step's stored samples (trapezoid), in Ah: the charge the stored current moved.
    static func chargeThrough(_ samples: [Sample], step: Int) -> Double {
        let rows = samples.filter { $0.stepCount == step }
        guard rows.count > 1 else { return 0 }
        var q = 0.0
        for (a, b) in zip(rows, rows.dropFirst()) { q += (a.amperes + b.amperes) / 2 * (b.testTime - a.testTime) / 3600 }
        return q
    }

    static func close(_ a: Double, _ b: Double, relative: Double, absolute: Double = 1e-9) -> Bool {
        abs(a - b) <= relative * max(abs(a), abs(b)) + absolute
    }
}
