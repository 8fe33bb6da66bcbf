import Foundation
import Testing
import EchemCore
@testable import EchemTOML

/// Robustness by mutation: 2 000 seeded byte-level mutants of a valid document (random and
/// syntax bytes replaced, inserted, deleted, slices duplicated or dropped, invalid UTF-8). Each
/// must parse or give a located error inside the file, never crash or hang; and tomllib must
/// agree on which parse and what they parse to.
@Suite("Mutation robustness")
struct MutationTests {
    typealias SeededRNG = SplitMix64

    static let base = #"""
    # echemd.toml — a base for mutation
    title = "bench \"A\" \u00E9"
    path = 'C:\data\runs'
    notes = """
    multi-line \
      text with "quotes" """
    raw = '''
    raw ''text'' '''

    [daemon]
    socket = "/run/echemd.sock"
    workers = 4
    mask = 0o755
    flags = 0xDEAD_BEEF
    bits = 0b1010
    ratio = -1.5e-3
    limit = +inf
    started = 1979-05-27T07:32:00.25-07:00
    local = 1979-05-27 07:32:00
    day = 2024-02-29
    at = 07:32:00
    enabled = true

    [[channels]]
    id = "ch0"
    driver = "sim-cycler"
    limits = { volts = [2.5, 4.2], amps = 5, deep = { x.y = 1 } }
    tags = [ "a", 'b', # comment
      1, [2, 3.0], ]

    [[channels]]
    id = "ch1"
    a.b.c = 1
    a.d = 2
    [channels.transport]
    "quoted key" = "v"
    [x.y.z]
    [x]
    w = 1
    """#

    static let interesting = Array("[]{}=,.\"'\\#\n\r\t _-+0123456789eExobTZ:".utf8)

    static func mutate(_ input: [UInt8], _ rng: inout SeededRNG) -> [UInt8] {
        var bytes = input
        for _ in 0..<Int.random(in: 1...3, using: &rng) {
            let i = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &rng)
            switch Int.random(in: 0..<8, using: &rng) {
            case 0 where !bytes.isEmpty: bytes[i] = UInt8.random(in: 0...255, using: &rng)
            case 1 where !bytes.isEmpty: bytes[i] = interesting.randomElement(using: &rng)!
            case 2: bytes.insert(interesting.randomElement(using: &rng)!, at: i)
            case 3: bytes.insert(UInt8.random(in: 0...255, using: &rng), at: i)
            case 4 where !bytes.isEmpty: bytes.removeSubrange(i..<min(bytes.count, i + Int.random(in: 1...8, using: &rng)))
            case 5 where !bytes.isEmpty:
                let slice = bytes[i..<min(bytes.count, i + Int.random(in: 1...40, using: &rng))]
                bytes.insert(contentsOf: slice, at: Int.random(in: 0...bytes.count, using: &rng))
            case 6 where bytes.count > 1:
                let j = Int.random(in: 0..<bytes.count, using: &rng)
                bytes.swapAt(i, j)
            default: bytes = Array(bytes.prefix(i))
            }
        }
        return bytes
    }

    static let mutants: [[UInt8]] = {
        var rng = SeededRNG(seed: 20_240_527)
        let base = Array(MutationTests.base.utf8)
        return (0..<2000).map { _ in mutate(base, &rng) }
    }()

    /// Every node's location is inside the document.
    static func allLocationsWithin(_ table: TOMLTable, lines: Int) -> Bool {
        func ok(_ l: TOMLLocation) -> Bool { l.line >= 1 && l.line <= lines && l.column >= 1 }
        func check(_ node: TOMLNode) -> Bool {
            guard ok(node.location) else { return false }
            switch node.value {
            case .array(let items): return items.allSatisfy(check)
            case .table(let t): return ok(t.location) && t.keys.allSatisfy { ok(t.keyLocation($0)!) && check(t[$0]!) }
            default: return true
            }
        }
        return check(TOMLNode(value: .table(table), location: table.location))
    }

    @Test func baseDocumentIsValid() throws {
        let table = try TOMLParser.parse(Self.base, filename: "base.toml")
        #expect(table.keys == ["title", "path", "notes", "raw", "daemon", "channels", "x"])
    }

    @Test func twoThousandMutantsParseOrFailWithALocatedError() throws {
        #expect(Self.mutants.count == 2000)
        var parsed = 0, rejected = 0
        for (n, mutant) in Self.mutants.enumerated() {
            let lines = lineCount(mutant)
            do {
                let table = try TOMLParser.parse(utf8: mutant, filename: "mutant.toml")
                parsed += 1
                #expect(Self.allLocationsWithin(table, lines: lines), "mutant \(n): a location outside the file")
            } catch {
                rejected += 1
                let l = error.location
                let lineLength = mutant.split(separator: 0x0A, omittingEmptySubsequences: false)[l.line - 1].count
                #expect(l.line >= 1 && l.line <= lines, "mutant \(n): \(error) is outside 1...\(lines)")
                #expect(l.column >= 1 && l.column <= lineLength + 1, "mutant \(n): \(error) column beyond the line")
                #expect(error.description.hasPrefix("mutant.toml:\(l.line):\(l.column): error: "))
            }
        }
        // both outcomes must actually be exercised
        #expect(parsed > 100 && rejected > 100, "parsed \(parsed), rejected \(rejected)")
    }

    @Test func tomllibAgreesOnEveryMutant() throws {
        let outcomes = try Tomllib.run(Self.mutants)
        var disagreements: [String] = []
        var bothParsed = 0, bothRejected = 0
        for (n, (mutant, outcome)) in zip(Self.mutants, outcomes).enumerated() {
            let ours = Result { () throws(TOMLSyntaxError) in try TOMLParser.parse(utf8: mutant, filename: "m.toml") }
            switch (ours, outcome) {
            case (.success(let t), .parsed(let theirs)):
                bothParsed += 1
                if let d = Tomllib.difference(Tomllib.tagged(t), theirs) { disagreements.append("mutant \(n): values differ at \(d)") }
            case (.failure, .rejected):
                bothRejected += 1
            case (.success, .rejected(let why)):
                disagreements.append("mutant \(n): we accept, tomllib: \(why)\n\(String(decoding: mutant, as: UTF8.self))")
            case (.failure(let e), .parsed):
                disagreements.append("mutant \(n): tomllib accepts, we say \(e)\n\(String(decoding: mutant, as: UTF8.self))")
            }
        }
        #expect(disagreements.isEmpty, "\(disagreements.count) disagreements:\n\(disagreements.prefix(5).joined(separator: "\n---\n"))")
        #expect(bothParsed > 100 && bothRejected > 100, "both parsed \(bothParsed), both rejected \(bothRejected)")
    }
}
