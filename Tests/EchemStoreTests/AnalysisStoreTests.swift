import EchemCore
import Foundation
import Testing
@testable import EchemStore

@Suite("Analyses stored with a run")
struct AnalysisStoreTests {
    /// An EIS fit as the analysis module writes it: R_ct = 85.2 Ω ± 0.4 Ω.
    static let eisJSON = #"{"spectra":[{"index":1,"R_ct":85.2,"se":0.4}]}"#

    @Test("an analysis survives closing and reopening the store file, with its kind, JSON and time")
    func survivesReopen() async throws {
        let dir = try TempDir(); defer { dir.remove() }
        let run = SyntheticRun(samplesPerStep: 4, cycles: 1)
        let first = try RunStore(path: dir.file("store.sqlite"))
        try await run.store(into: first)
        try first.saveAnalysis(runID: run.info.id, kind: "eis", json: Self.eisJSON, computedUnix: 1_718_000_123.5)
        try first.close()

        let reopened = try RunStore(path: dir.file("store.sqlite"))
        let back = try reopened.analyses(runID: run.info.id)
        #expect(back == [StoredAnalysis(kind: "eis", json: Self.eisJSON, computedUnix: 1_718_000_123.5)])
        #expect(back[0].computed == Date(timeIntervalSince1970: 1_718_000_123.5))
        #expect(try reopened.samples(runID: run.info.id) == run.samples, "the run's own data is untouched")
    }

    @Test("saving a kind again replaces its document and time; other kinds stay")
    func saveReplacesOneKind() async throws {
        let dir = try TempDir(); defer { dir.remove() }
        let store = try RunStore(path: dir.file("store.sqlite"))
        let run = SyntheticRun(samplesPerStep: 4, cycles: 1)
        try await run.store(into: store)
        try store.saveAnalysis(runID: run.info.id, kind: "cv", json: #"{"steps":[]}"#, computedUnix: 10)
        try store.saveAnalysis(runID: run.info.id, kind: "eis", json: Self.eisJSON, computedUnix: 10)
        try store.saveAnalysis(runID: run.info.id, kind: "eis", json: #"{"spectra":[]}"#, computedUnix: 20)
        let back = try store.analyses(runID: run.info.id)
        #expect(back.map(\.kind) == ["cv", "eis"])
        #expect(back[1].json == #"{"spectra":[]}"#)
        #expect(back.map(\.computedUnix) == [10, 20])
    }

    @Test("replacing the set removes kinds the recomputation no longer produces (a stale error)")
    func replaceRemovesStaleKinds() async throws {
        let dir = try TempDir(); defer { dir.remove() }
        let store = try RunStore(path: dir.file("store.sqlite"))
        let run = SyntheticRun(samplesPerStep: 4, cycles: 1)
        let other = SyntheticRun(samplesPerStep: 4, cycles: 1)
        try await run.store(into: store)
        try await other.store(into: store)
        try store.replaceAnalyses(runID: run.info.id, documents: [("error", #"{"messages":["no samples"]}"#)],
                                  computedUnix: 1)
        try store.saveAnalysis(runID: other.info.id, kind: "eis", json: Self.eisJSON, computedUnix: 1)
        try store.replaceAnalyses(runID: run.info.id, documents: [("overview", "{}"), ("eis", Self.eisJSON)],
                                  computedUnix: 2)
        #expect(try store.analyses(runID: run.info.id).map(\.kind) == ["eis", "overview"])
        #expect(try store.analyses(runID: other.info.id).map(\.kind) == ["eis"], "another run's analyses are not touched")
    }

    @Test("a run with no analysis reads back an empty list; an unknown run is an error naming it")
    func emptyAndUnknown() async throws {
        let dir = try TempDir(); defer { dir.remove() }
        let store = try RunStore(path: dir.file("store.sqlite"))
        let run = SyntheticRun(samplesPerStep: 4, cycles: 1)
        try await run.store(into: store)
        #expect(try store.analyses(runID: run.info.id).isEmpty)
        let stranger = UUID()
        #expect(throws: StoreError.unknownRun(stranger.uuidString.lowercased())) {
            try store.saveAnalysis(runID: stranger, kind: "cv", json: "{}")
        }
        #expect(throws: StoreError.unknownRun(stranger.uuidString.lowercased())) { try store.analyses(runID: stranger) }
    }

    @Test("a kind that is not a short name, JSON that does not parse, or a kind given twice is refused with the reason")
    func badDocumentsAreRefused() async throws {
        let dir = try TempDir(); defer { dir.remove() }
        let store = try RunStore(path: dir.file("store.sqlite"))
        let run = SyntheticRun(samplesPerStep: 4, cycles: 1)
        try await run.store(into: store)
        let id = run.info.id
        #expect(throws: InvalidAnalysis.self) { try store.saveAnalysis(runID: id, kind: "", json: "{}") }
        #expect(throws: InvalidAnalysis.self) { try store.saveAnalysis(runID: id, kind: "CV peaks", json: "{}") }
        do {
            try store.saveAnalysis(runID: id, kind: "eis", json: "{\"spectra\": [")
            Issue.record("truncated JSON was stored")
        } catch let e as InvalidAnalysis {
            #expect(e.description.contains("not valid JSON"), "\(e)")
        }
        #expect(throws: InvalidAnalysis.self) {
            try store.replaceAnalyses(runID: id, documents: [("cv", "{}"), ("cv", "[]")])
        }
        #expect(try store.analyses(runID: id).isEmpty, "nothing was written by a refused call")
    }
}
