import Foundation
import Testing
import EchemCore
@testable import EchemProtocol

/// Robustness by mutation: ~1100 deterministic mutants of the valid fixtures (truncations, wrong
/// types, unknown keys, absurd numbers, 10⁵-deep nesting, binary junk, swapped lines, deleted
/// colons…). Each must either compile or give at least one located error — and never crash or hang.
@Suite("Mutation robustness")
struct MutationTests {
    typealias SeededRNG = SplitMix64

    static let wrongValues = ["[1, 2]", "{a: b}", "yes", "~", "12", "\"text\"", "[]", "{}", "-", "&x y", "*nope", "!!binary AAAA", "|"]
    static let absurdNumbers = ["1e400", "-1e9", "nan", ".nan", "inf", "-.inf", "0", "-0.0", "99999999999999999999",
                                "1e-320", "-7", "0x1F", "1_000"]
    static let unknownKeys = ["bogus_key: 1", "untill: [V <= 1 V]", "Steps: []", "cell: {}", "label: dup", "every: 5"]

    enum Mutation: CaseIterable {
        case truncate, wrongType, unknownKey, absurdNumber, deepNesting, binaryJunk, swapLines, deleteColon,
             deleteLine, duplicateLine, reindent, replaceChar
    }

    /// A mutant as bytes (binary junk may be invalid UTF-8).
    static func mutate(_ text: String, _ rng: inout SeededRNG) -> [UInt8] {
        var lines = text.components(separatedBy: "\n")
        var bytesTail: [UInt8] = []
        for _ in 0..<Int.random(in: 1...3, using: &rng) {
            guard !lines.isEmpty else { break }
            let i = Int.random(in: 0..<lines.count, using: &rng)
            switch Mutation.allCases.randomElement(using: &rng)! {
            case .truncate:
                let all = lines.joined(separator: "\n")
                let cut = Int.random(in: 0...all.count, using: &rng)
                lines = String(all.prefix(cut)).components(separatedBy: "\n")
            case .wrongType:
                if let c = lines[i].range(of: ": ") {
                    lines[i] = String(lines[i][..<c.upperBound]) + wrongValues.randomElement(using: &rng)!
                }
            case .unknownKey:
                let indent = lines[i].prefix { $0 == " " || $0 == "-" }
                lines.insert(String(indent).replacingOccurrences(of: "-", with: " ") + unknownKeys.randomElement(using: &rng)!, at: i)
            case .absurdNumber:
                if let r = lines[i].range(of: #"-?[0-9]+(\.[0-9]+)?(e-?[0-9]+)?"#, options: .regularExpression) {
                    lines[i].replaceSubrange(r, with: absurdNumbers.randomElement(using: &rng)!)
                }
            case .deepNesting:
                let opener = ["[", "{a: ", "- ", "[{", "{\"k\": ["].randomElement(using: &rng)!
                lines.insert("deep: " + String(repeating: opener, count: 100_000 / opener.count), at: i)
            case .binaryJunk:
                let junk = (0..<Int.random(in: 1...16, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
                if Bool.random(using: &rng) { bytesTail += junk } else {
                    lines[i] += String(decoding: junk, as: UTF8.self)
                }
            case .swapLines:
                let j = Int.random(in: 0..<lines.count, using: &rng)
                lines.swapAt(i, j)
            case .deleteColon:
                if let c = lines[i].firstIndex(of: ":") { lines[i].remove(at: c) }
            case .deleteLine:
                lines.remove(at: i)
            case .duplicateLine:
                lines.insert(lines[i], at: i)
            case .reindent:
                lines[i] = String(repeating: " ", count: Int.random(in: 0...9, using: &rng)) + lines[i].drop { $0 == " " }
            case .replaceChar:
                if !lines[i].isEmpty {
                    var chars = Array(lines[i])
                    chars[Int.random(in: 0..<chars.count, using: &rng)] = "{}[]:-,#&*!|>'\"%@`\t x0".randomElement(using: &rng)!
                    lines[i] = String(chars)
                }
            }
        }
        return Array(lines.joined(separator: "\n").utf8) + bytesTail
    }

    @Test("1100 mutants: each compiles or gives a located error; none crashes")
    func mutants() {
        var rng = SeededRNG(seed: 0xEC4E_D001)
        var compiled = 0, rejected = 0
        let cell = CellMetadata(name: "mutation cell", masses: ["composite": 1e-3, "sulfur": 1e-3, "active": 1e-3],
                                massBasis: "composite", nominalCapacity: 2e-3, areaCm2: 1)
        for round in 0..<110 {
            for (name, text) in Fixtures.all {
                let bytes = Self.mutate(text, &rng)
                // half the mutants compile against a cell, so the lowering and checks run too
                let options = round % 2 == 0 ? CompileOptions(cell: cell, loopCountCap: 3) : CompileOptions()
                let r = ProtocolCompiler.compile(bytes: bytes, filename: name, options: options)
                if r.hasErrors {
                    rejected += 1
                    #expect(r.program == nil)
                    #expect(r.errors.allSatisfy { $0.location.line >= 1 && $0.location.column >= 1 && $0.location.file == name },
                            "mutant \(round) of \(name): \(r.errors.map(\.description))")
                } else {
                    compiled += 1
                    #expect(r.program != nil || r.needsCell, "mutant \(round) of \(name) has neither a program nor errors")
                    // what explain does with it must not crash either
                    if let p = r.program { _ = ProgramExplanation.render(p, description: r.protocolDescription) }
                }
            }
        }
        #expect(compiled + rejected == 1100)
        #expect(rejected > 500)     // most mutations break something
        #expect(compiled > 20)      // and some are harmless (comments, reordered keys)
    }
}
