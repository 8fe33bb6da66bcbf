import Foundation
import Testing
import EchemCore
@testable import EchemProtocol

/// Nothing may crash or hang: deep nesting, binary junk, huge files and alias bombs give one located error.
@Suite("Hostile input")
struct HostileInputTests {
    func single(_ text: String, file: String = "x.yaml") -> Diagnostic? {
        let r = ProtocolCompiler.compile(text: text, filename: file)
        #expect(r.program == nil)
        #expect(r.hasErrors)
        #expect(r.errors.allSatisfy { $0.location.line >= 1 && $0.location.column >= 1 })
        return r.errors.first
    }

    @Test("100 000 nested [ is rejected before libyaml recurses")
    func deepFlow() {
        let d = single("echemd: 1\nsteps: " + String(repeating: "[", count: 100_000))
        #expect(d?.message.contains("nesting deeper than") == true)
        #expect(d?.location.line == 2)
    }

    @Test("100 000 nested { and chained '- ' sequences are rejected")
    func deepMapsAndDashes() {
        #expect(single(String(repeating: "{a: ", count: 100_000))?.message.contains("nesting") == true)
        #expect(single("steps:\n" + String(repeating: "- ", count: 100_000) + "x\n")?.message.contains("nesting") == true)
    }

    @Test("deep block indentation is rejected")
    func deepIndent() {
        var s = ""
        for i in 0..<1000 { s += String(repeating: " ", count: i) + "k\(i):\n" }
        #expect(single(s)?.message.contains("nesting") == true)
    }

    @Test("binary junk: invalid UTF-8 and control characters are located")
    func binary() {
        var bytes = Array("echemd: 1\nname: t\n".utf8)
        bytes += [0xFF, 0xFE, 0x00, 0x13]
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("junk-\(UUID().uuidString).yaml").path
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let r = ProtocolCompiler.compile(path: path)
        #expect(r.errors.count == 1)
        #expect(r.errors.first?.location.line == 3)
        #expect(r.errors.first?.location.column == 1)
        #expect(r.errors.first?.message.contains("binary") == true)
        let nul = single("echemd: 1\nname: t\u{0}x\n")
        #expect(nul?.location.line == 2 && nul?.location.column == 8)
    }

    @Test("more than 4 MB is refused at 1:1")
    func tooBig() {
        let d = single("# " + String(repeating: "x", count: 4 * 1024 * 1024 + 10))
        #expect(d?.location.line == 1 && d?.message.contains("4 MB") == true)
    }

    @Test("an alias bomb (billion laughs) is refused")
    func aliasBomb() {
        var s = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for i in 1..<12 { s += "a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ") + "]\n" }
        let d = single(s)
        #expect(d?.message.contains("aliases") == true)
    }

    @Test("empty text, a bare scalar and a list at top level")
    func degenerate() {
        #expect(single("")?.message.contains("empty") == true)
        #expect(single("just words")?.message.contains("must be a map") == true)
        #expect(single("- a\n- b\n")?.location.line == 1)
    }

    @Test("JSON that is not unicycler, and broken JSON, are located")
    func badJSON() {
        let r = ProtocolCompiler.compile(text: "{\"steps\": []}", filename: "x.json")
        #expect(r.errors.contains { $0.message.contains("unknown key 'steps'") && $0.location.column == 2 })
        let d = single("{\"method\": [\n  {\"step\": \"constant_current\",, }\n]}", file: "x.json")
        #expect(d?.location.line == 2)
    }
}
