import Testing
import EchemCore
@testable import EchemProtocol

@Suite("Every fixture compiles cleanly")
struct FixtureTests {
    @Test("no errors, a program, no unexpected warnings", arguments: Fixtures.all.map(\.name))
    func compiles(name: String) {
        let text = Fixtures.all.first { $0.name == name }!.text
        let r = Fixtures.compile(text, file: name)
        #expect(!r.hasErrors, "\(r.diagnostics.map(\.description))")
        #expect(r.program != nil)
        #expect(r.warnings.isEmpty, "\(r.warnings.map(\.description))")
    }

    @Test("Step.id is 1-based in file order over all steps, event bodies included")
    func stepIDs() throws {
        let p = try #require(Fixtures.compile(Fixtures.znsAnode).program)
        // events come first in the file: their rest and eis are steps 1 and 2
        let body = p.subroutines[p.cycleEvents[0].body].compactMap { if case .step(let s) = $0 { s.id } else { nil } }
        #expect(body == [1, 2])
        #expect(Fixtures.steps(p).map(\.id) == [3, 4, 5, 6, 7])
        #expect(Fixtures.steps(p).allSatisfy { $0.location.line > 0 })
    }

    @Test("summary shows what was written")
    func summaries() throws {
        let p = try #require(Fixtures.compile(Fixtures.pybamm).program)
        #expect(Fixtures.steps(p)[0].summary == "Discharge at 1 mA for 2 hours or until 2.5 V")
        let z = try #require(Fixtures.compile(Fixtures.znsAnode).program)
        #expect(Fixtures.steps(z)[1].summary == "discharge: 140 mA/g until: [V <= 0.01 V, time >= 20 h then end]")
    }
}
