import Testing
import Foundation
import Synchronization
import EchemCore
@testable import EchemEngine

/// A journal whose storage dies after a number of commits, as a daemon killed mid-run would.
final class DyingJournal: RunJournal, Sendable {
    let inner = MemoryJournal()
    let commitsLeft: Mutex<Int>
    init(commits: Int) { commitsLeft = Mutex(commits) }
    struct Died: Error {}

    func begin(_ run: RunInfo) async throws {}
    func commit(runID: UUID, samples: [Sample], steps: [StepRecord], events: [RunEvent], spectra: [ImpedanceSpectrum],
                checkpoint: EngineCheckpoint?) async throws {
        let alive = commitsLeft.withLock { n -> Bool in n -= 1; return n >= 0 }
        guard alive else { throw Died() }
        try await inner.commit(runID: runID, samples: samples, steps: steps, events: events, spectra: spectra,
                               checkpoint: checkpoint)
    }
    func finish(runID: UUID, status: RunStatus, reason: String, testTime: Double) async throws {}
}

@Suite("Crash recovery")
struct CrashResumeTests {
    func program() -> StepProgram {
        var b = ProgramBuilder()
        b.loop(.counted(count: 3))
        b.step(.current(amperes: 1e-3), ends: [end(.stepTime, .greaterOrEqual, 100)])
        b.step(.rest, ends: [end(.stepTime, .greaterOrEqual, 20)])
        b.step(.current(amperes: -1e-3), ends: [end(.stepCapacity, .greaterOrEqual, 1e-3 * 80 / 3600)])
        b.endLoop()
        return b.program(record: RecordingRule(everySeconds: 0))
    }

    func start(_ journal: any RunJournal, channel: LinearCellChannel, resume: EngineCheckpoint? = nil) async throws -> RunOutcome {
        let p = program()
        let run = RunInfo(id: UUID(uuidString: "00000000-0000-0000-0000-000000000001")!, bench: "t", channel: "c",
                          protocolName: "p", protocolText: "", program: p, cell: nil, startedUnix: 0)
        return try await StepEngine(program: p, run: run, channel: channel, journal: journal,
                                    options: EngineOptions(bench: "t", batchSize: 16, flushSeconds: 1e9),
                                    resumeFrom: resume).execute()
    }

    @Test("A run resumed from its last checkpoint continues mid-step with no gap and no duplicate sample")
    func resumeMidStep() async throws {
        let referenceJournal = MemoryJournal()
        let reference = try await start(referenceJournal, channel: LinearCellChannel())

        let dying = DyingJournal(commits: 12)
        await #expect(throws: DyingJournal.Died.self) {
            _ = try await start(dying, channel: LinearCellChannel())
        }
        let stored = dying.inner.samples
        let checkpoint = try #require(dying.inner.state.withLock { $0.checkpoints.last })
        #expect(checkpoint.stepProgress != nil, "the crash fell inside a step")
        #expect(checkpoint.nextSeq == Int64(stored.count), "the checkpoint never points past stored data")

        // The cell kept its charge while the daemon was down.
        let cell = LinearCellChannel()
        cell.state.withLock { $0.charge = checkpoint.chargeCapacity - checkpoint.dischargeCapacity }
        let resumed = try await start(dying.inner, channel: cell, resume: checkpoint)

        let all = dying.inner.samples
        #expect(resumed.status == .completed)
        #expect(all.map(\.seq) == Array(0..<Int64(all.count)), "no gap and no duplicate at the seam")
        #expect(dying.inner.steps.count == referenceJournal.steps.count)
        let final = all.last!, refFinal = referenceJournal.samples.last!
        #expect(abs(final.chargeCapacity - refFinal.chargeCapacity) < 1e-12)
        #expect(abs(final.dischargeCapacity - refFinal.dischargeCapacity) < 1e-12)
        #expect(resumed.cycle == reference.cycle)
        // The interrupted step ran its full 100 s (or 80 s of charge) in two parts.
        for (a, b) in zip(dying.inner.steps, referenceJournal.steps) {
            #expect(abs(a.capacity - b.capacity) < 1e-12)
        }
    }
}
