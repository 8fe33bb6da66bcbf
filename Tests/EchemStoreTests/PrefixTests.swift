import EchemCore
import Foundation
import Testing
@testable import EchemStore

@Suite("Run id prefixes typed at the CLI")
struct PrefixTests {
    static let a = UUID(uuidString: "3F2A9C0E-1111-4000-8000-000000000001")!
    static let b = UUID(uuidString: "3f2b0000-2222-4000-8000-000000000002")!
    static let c = UUID(uuidString: "aa000000-3333-4000-8000-000000000003")!

    func store(_ dir: TempDir) async throws -> RunStore {
        let store = try RunStore(path: dir.file("store.sqlite"))
        for id in [Self.a, Self.b, Self.c] {
            try await store.begin(RunInfo(id: id, bench: "b", channel: "c", protocolName: "p", protocolText: "",
                                          program: StepProgram(name: "p", source: "", instructions: []), cell: nil,
                                          startedUnix: 0))
        }
        return store
    }

    @Test("a unique prefix resolves, in either case, as does the full id")
    func uniquePrefix() async throws {
        let dir = try TempDir(); defer { dir.remove() }
        let store = try await store(dir)
        #expect(try store.run(prefix: "3f2a").info.id == Self.a)
        #expect(try store.run(prefix: "3F2A9").info.id == Self.a)
        #expect(try store.run(prefix: "a").info.id == Self.c)
        #expect(try store.run(prefix: " 3f2b0000-2222 ").info.id == Self.b)
        #expect(try store.run(prefix: Self.a.uuidString).info.id == Self.a)
    }

    @Test("an ambiguous prefix is an error that lists the candidates")
    func ambiguous() async throws {
        let dir = try TempDir(); defer { dir.remove() }
        let store = try await store(dir)
        #expect(throws: StoreError.ambiguousPrefix(prefix: "3f2", candidates: [RunKey.text(Self.a), RunKey.text(Self.b)])) {
            try store.run(prefix: "3f2")
        }
        let message = StoreError.ambiguousPrefix(prefix: "3f2", candidates: ["x", "y"]).description
        #expect(message.contains("ambiguous") && message.contains("x, y"))
    }

    @Test("no match and non-hex input are distinct errors; LIKE wildcards never reach SQL")
    func noMatchAndInvalid() async throws {
        let dir = try TempDir(); defer { dir.remove() }
        let store = try await store(dir)
        #expect(throws: StoreError.noRunMatches(prefix: "bb")) { try store.run(prefix: "bb") }
        #expect(throws: StoreError.invalidPrefix("%")) { try store.run(prefix: "%") }
        #expect(throws: StoreError.invalidPrefix("3f_a")) { try store.run(prefix: "3f_a") }
        #expect(throws: StoreError.invalidPrefix("")) { try store.run(prefix: "") }
    }
}
