import EchemCore
@testable import EchemDaemon
import EchemStore
import Foundation
import Synchronization
import Testing

/// A real queue folder on disk; jobs go to a real store.
struct SpoolFixture {
    let paths: DaemonPaths
    let store: RunStore
    let spool: SpoolFolder

    init() throws {
        let dir = temporaryDirectory("spool")
        paths = DaemonPaths(state: dir, socket: dir + "/s.sock")
        try paths.createFolders()
        let store = try RunStore(path: paths.store)
        self.store = store
        let intake = JobIntake(bench: try! Bench(config: .simulatedBench(bench: "t")), defaultRecovery: .resume)
        spool = SpoolFolder(paths: paths, intake: intake, log: { _ in }) { job, _ in try store.enqueue(job) }
    }

    func drop(_ text: String, as name: String) throws {
        try text.write(toFile: paths.incoming + "/" + name, atomically: true, encoding: .utf8)
    }
}

@Suite("Queue folder: accepted, rejected, cell companions, nothing deleted")
struct SpoolFolderTests {
    static let noCell = """
    echemd: 1
    name: rate test without a cell header
    steps:
      - Discharge at C/10 until 0.01 V
    """

    @Test("A NAME.cell.yaml dropped first travels with its protocol into accepted/, and its cell is the job's")
    func cellCompanion() async throws {
        let f = try SpoolFixture()
        try f.drop("name: zns cell\nchemistry: zns_anode\nmasses: {composite: 0.8 mg}\nnominal_specific_capacity: 887 mAh/g\n",
                   as: "rt.cell.yaml")
        #expect(await f.spool.claim("rt.cell.yaml") == .skipped("cell file: waits for its protocol"))
        try f.drop(Self.noCell, as: "rt.yaml")
        guard case .accepted(let id, let archived) = await f.spool.claim("rt.yaml") else {
            Issue.record("expected the protocol to be accepted"); return
        }
        #expect(archived == f.paths.accepted + "/rt.yaml")
        #expect(FileManager.default.fileExists(atPath: f.paths.accepted + "/rt.cell.yaml"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: f.paths.incoming).isEmpty)
        let job = try #require(try f.store.job(id: id))
        #expect(job.cell?.chemistry == "zns_anode")
        #expect(job.state == .queued && job.source == archived)
    }

    @Test("Without its cell the same protocol is rejected with a located reason; the same name twice is numbered")
    func rejectedAndNumbered() async throws {
        let f = try SpoolFixture()
        for _ in 0..<2 {
            try f.drop(Self.noCell, as: "rt.yaml")
            guard case .rejected = await f.spool.claim("rt.yaml") else { Issue.record("expected a rejection"); return }
        }
        let rejected = try FileManager.default.contentsOfDirectory(atPath: f.paths.rejected).sorted()
        #expect(rejected == ["rt-2.yaml", "rt-2.yaml.error", "rt.yaml", "rt.yaml.error"])
        let error = try String(contentsOfFile: f.paths.rejected + "/rt.yaml.error", encoding: .utf8)
        #expect(error.contains("rt.yaml:"), "\(error)")
        #expect(error.contains("cell"), "the error says a cell is needed: \(error)")
    }

    @Test("Editor temporaries and non-protocol files: ignored or rejected, never deleted")
    func otherFiles() async throws {
        let f = try SpoolFixture()
        for name in [".rt.yaml.swp", "rt.yaml~", "#rt.yaml#", "rt.yaml.part"] {
            try f.drop("x", as: name)
            #expect(await f.spool.claim(name) == .skipped("temporary file"))
            #expect(FileManager.default.fileExists(atPath: f.paths.incoming + "/" + name))
        }
        try f.drop("hello", as: "notes.txt")
        guard case .rejected(let archived, let errorFile) = await f.spool.claim("notes.txt") else {
            Issue.record("a .txt file is rejected"); return
        }
        #expect(FileManager.default.fileExists(atPath: archived))
        #expect(try String(contentsOfFile: errorFile, encoding: .utf8).contains("not a protocol file"))
    }

    @Test("A file in accepted/ that no job refers to (crash between move and store) is queued at start")
    func reconcile() async throws {
        let f = try SpoolFixture()
        let seed = try String(contentsOfFile: repositoryRoot.path + "/protocols/seed-000/0-3-zns-long-cycling.yaml", encoding: .utf8)
        try seed.write(toFile: f.paths.accepted + "/orphan.yaml", atomically: true, encoding: .utf8)
        await f.spool.reconcile(knownSources: [])
        let jobs = try f.store.jobs()
        #expect(jobs.count == 1 && jobs[0].source == f.paths.accepted + "/orphan.yaml")
        await f.spool.reconcile(knownSources: Set(jobs.map(\.source)))
        #expect(try f.store.jobs().count == 1, "a file with a job is not queued twice")
    }
}
