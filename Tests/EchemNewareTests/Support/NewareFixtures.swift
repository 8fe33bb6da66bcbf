import EchemCore
import EchemDrivers
import EchemProtocol
import EchemWireSim
import Foundation
import Testing

/// Paths, seed protocols and a simulator on a real port, shared by the suites.
enum NewareFixtures {
    /// The repository, found from this file through the private package's symlinks.
    static let repository: URL = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func protocolPath(_ relative: String) -> String {
        repository.appendingPathComponent("protocols").appendingPathComponent(relative).path
    }

    static let row11 = "seed-001/1-1-lis-1c-cycling-with-activation.yaml"
    static let row03 = "seed-000/0-3-zns-long-cycling.yaml"

    /// A seed protocol compiled by echemd's own compiler, loops capped for test time.
    static func program(_ relative: String, loopCountCap: Int? = nil) throws -> StepProgram {
        let r = ProtocolCompiler.compile(path: protocolPath(relative), options: CompileOptions(loopCountCap: loopCountCap))
        guard let p = r.program else {
            throw NewareTestFailure("\(relative) does not compile: \(r.errors.map(\.description).joined(separator: "; "))")
        }
        return p
    }

    /// A protocol written inline (YAML), compiled.
    static func program(yaml: String, name: String = "inline.yaml") throws -> StepProgram {
        let r = ProtocolCompiler.compile(text: yaml, filename: name)
        guard let p = r.program else {
            throw NewareTestFailure("inline protocol does not compile: \(r.errors.map(\.description).joined(separator: "; "))")
        }
        return p
    }

    /// A fresh directory under /tmp, removed by the caller.
    static func temporaryDirectory() throws -> String {
        let dir = NSTemporaryDirectory() + "echem-neware-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Writes step-file XML to `dir/name` and returns the path.
    static func write(_ xml: String, to dir: String, name: String = "steps.xml") throws -> String {
        let path = (dir as NSString).appendingPathComponent(name)
        try xml.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// A simulator on a free loopback port whose clock only moves when the test says so.
    static func simulator(devices: Int = 2, subdevices: Int = 1, cell: SimulatedCell = .chemistry("ideal_linear", capacityAh: 1e-3),
                          units: BTSUnitScale = .amperes, stepRoot: String? = nil) throws -> NewareSimulator {
        let sim = try NewareSimulator(.init(port: 0, topology: NewareTopology(devices: devices, subdevicesPerDevice: subdevices),
                                            cell: cell, clock: .lockstep(seconds: 0), unitScale: units, stepFileRoot: stepRoot))
        sim.start()
        return sim
    }

    static func client(_ sim: NewareSimulator, units: BTSUnitScale = .amperes, timeout: Double = 10) -> BTSClient {
        BTSClient(BTSClientConfiguration(host: "127.0.0.1", port: sim.port, commandTimeout: timeout, unitScale: units))
    }

    /// A small cycling step table in SI: rest 60 s, then `cycles` × (CC discharge to 3.0 V, CC
    /// charge to 4.0 V) at `amperes`, on the ideal 1 mAh cell (3.0–4.0 V linear).
    static func cyclingTable(amperes: Double = 1e-3, cycles: Int = 2, recordSeconds: Double = 10) -> NewareStepTable {
        NewareStepTable(steps: [
            NewareStep(id: 1, type: .rest, time: 60),
            NewareStep(id: 2, type: .ccDischarge, current: amperes, stopVoltage: 3.0),
            NewareStep(id: 3, type: .ccCharge, current: amperes, stopVoltage: 4.0),
            NewareStep(id: 4, type: .cycle, cycleStart: 2, cycleCount: cycles),
            NewareStep(id: 5, type: .end),
        ], protection: NewareProtection(maxVolts: 4.5, minVolts: 2.5), record: NewareRecordRule(seconds: recordSeconds),
           remark: "fixture")
    }
}

struct NewareTestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}
