import EchemCore
import EchemDrivers
import EchemEngine
import EchemStore
import Foundation
import Synchronization

/// Supervisor mode: a Neware tester runs the job's step file by itself; echemd starts it, polls
/// the BTS Client (`inquire`, every `poll` ≥ 5 s), downloads new detail rows into the store (mapped back to the program's steps
/// and cycles) and turns operator controls into BTS commands.
///
/// The tester keeps running when echemd stops, so a daemon restart re-attaches from the state
/// committed with the last stored rows and downloads everything after that seqid: rows carry
/// `seq = seqid − 1` and the store refuses gaps, so no seqid can go missing.
///
/// Controls: pause now = BTS `stop` (resumable with `continue`); pause at step end = `setpause`
/// (the tester's reserved pause); resume = `continue`; goto = `goto` to the label's `Step_ID`;
/// stop and cancel = `stop`, then the last rows, then the run ends.
final class NewareSupervisor: JobExecution {
    let job: JobRecord
    let run: RunInfo
    let channelID: String
    let driver: NewareDriver
    let store: RunStore
    let hub: LiveHub
    let liveness: Liveness
    let onPauseChange: @Sendable (Bool, String) -> Void
    let log: @Sendable (String) -> Void
    /// An anode half cell states coulombic efficiency as charge over discharge (as `JobRunner`).
    let chargeOverDischarge: Bool
    /// The state committed with the last stored rows when re-attaching after a restart.
    let saved: State?
    /// Recovery policy `stop`: stop the test on re-attach, keep its data.
    let stopOnAttach: Bool
    let requests = Mutex(Requests())
    /// Wakes the poll loop early when a control arrives (at most one pending wake is kept).
    let wakes = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))

    static let driverName = "neware"

    init(job: JobRecord, run: RunInfo, channelID: String, driver: NewareDriver, store: RunStore, hub: LiveHub,
         liveness: Liveness, saved: State?, stopOnAttach: Bool,
         onPauseChange: @escaping @Sendable (Bool, String) -> Void, log: @escaping @Sendable (String) -> Void) {
        self.job = job
        self.run = run
        self.channelID = channelID
        self.driver = driver
        self.store = store
        self.hub = hub
        self.liveness = liveness
        self.saved = saved
        self.stopOnAttach = stopOnAttach
        self.onPauseChange = onPauseChange
        self.log = log
        self.chargeOverDischarge = JobRunner.cycleStartsWithDischarge(run.program)
    }

    var runID: UUID { run.id }
    var potentiostatID: String? { nil }
    var labels: [String] { Array(run.program.labels.keys) }

    // MARK: - Controls (any thread; picked up by the poll loop at once)

    func pause(_ mode: PauseMode) { request { $0.pause = mode } }
    func resume() { request { $0.resume = true } }
    func stop(reason: String) { request { $0.stop = reason } }
    func goto(label: String) { request { $0.gotoLabel = label } }
    func interrupt(reason: String) { request { $0.interrupt = reason } }
    func cleanUp() {}

    func request(_ change: (inout Requests) -> Void) {
        requests.withLock { change(&$0) }
        wakes.continuation.yield()
    }

    func takeRequests() -> Requests {
        requests.withLock { r in
            defer { r = Requests() }
            return r
        }
    }

    /// Sleeps one poll period, or less if a control arrives (or arrived during the last poll).
    func waitForPoll() async {
        let seconds = driver.ref.pollSeconds
        let stream = wakes.stream
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                var wake = stream.makeAsyncIterator()
                _ = await wake.next()   // nil when cancelled
            }
            group.addTask { try? await Task.sleep(for: .seconds(seconds)) }
            await group.next()
            group.cancelAll()
        }
    }

    // MARK: - The run

    func execute() async -> Result<RunOutcome, any Error> {
        do { return .success(try await supervise()) } catch { return .failure(error) }
    }

    func supervise() async throws -> RunOutcome {
        let file: NewareStepFile
        switch driver.compile(run.program, remark: job.name) {
        case .success(let f): file = f
        case .failure(let e): throw e
        }
        let zone = TimeZone(identifier: driver.ref.timeZone) ?? TimeZone(identifier: "UTC")!
        guard let address = try await reachTester(reattaching: saved != nil) else {
            return RunOutcome(status: .running, reason: "daemon shutdown before the BTS Client answered", testTime: 0,
                              samplesStored: Int64(saved?.mapper.lastSeqid ?? 0), cycle: saved?.mapper.cycle ?? 1)
        }
        var state: State
        if var saved {
            if saved.testID == nil { saved.testID = try await adoptStartedTest(saved, address: address) }
            state = saved
            try await commit(MappedBatch(), state: state, events: [RunEvent(
                testTime: saved.mapper.lastTestTime, kind: "supervisor",
                message: "re-attached to test \(state.testID ?? 0) on Neware channel \(saved.pipeline) after a daemon restart; downloading from seqid \(saved.mapper.lastSeqid + 1)")])
            hub.publish(Documents.runStart(run, job: job.id, channel: channelID, potentiostat: nil, resumed: true))
            if stopOnAttach, state.stopReason == nil {
                let why = "the daemon stopped unexpectedly during the run; recovery policy is stop"
                _ = try await driver.client.stop([address])
                state.stopReason = why
            }
        } else {
            state = try await startTest(file, address: address)
            hub.publish(Documents.runStart(run, job: job.id, channel: channelID, potentiostat: nil, resumed: false))
            if !file.notes.isEmpty {
                try await commit(MappedBatch(), state: state,
                                 events: file.notes.map { RunEvent(testTime: 0, kind: "supervisor", message: $0) })
            }
        }
        var mapper = NewareRowMapper(map: file.map, state: state.mapper, timeZone: zone)
        let kinds = Self.stepKinds(run.program)
        let stepLimits = Self.stepTimeLimits(run.program)
        var pausedShown = state.operatorPause
        var contactLostAt: ContinuousClock.Instant?
        // `inquire` at most once per poll period, also while a backlog is downloaded page by page.
        var status: BTSWorkStatus = .other("unknown")
        var inquiredAt: ContinuousClock.Instant?

        while true {
            let r = takeRequests()
            if let why = r.interrupt {
                // The test goes on on the tester; the next start re-attaches to it.
                return RunOutcome(status: .running, reason: why, testTime: mapper.state.lastTestTime,
                                  samplesStored: Int64(mapper.state.lastSeqid), cycle: mapper.state.cycle)
            }
            var events: [RunEvent] = []
            do {
                events += try await apply(r, file: file, address: address, state: &state, at: mapper.state.lastTestTime)
                // `inquire` first: rows recorded before the status was read are all downloaded below.
                let poll = Duration.seconds(driver.ref.pollSeconds)
                if inquiredAt.map({ ContinuousClock.now - $0 >= poll - .milliseconds(50) }) ?? true || r.hasAny {
                    status = try await driver.client.inquire([address]).first?.status ?? .other("unknown")
                    inquiredAt = .now
                }
                let page = try await driver.client.downloadRows(address, testID: state.testID ?? 0, after: mapper.state.lastSeqid,
                                                                limit: Self.rowsPerCommit)
                if let lost = contactLostAt {
                    let s = (ContinuousClock.now - lost) / .seconds(1)
                    events.append(RunEvent(testTime: mapper.state.lastTestTime, kind: "supervisor",
                                           message: "BTS Client answering again after \(Int(s.rounded())) s; rows downloaded since seqid \(mapper.state.lastSeqid + 1)"))
                    contactLostAt = nil
                }
                if status == .working || status == .pause { state.resumeSent = false }
                var batch = MappedBatch(mapper.map(page.rows), kinds: kinds, open: state.openStep)
                liveness.beat(job.id)
                let ended = page.rows.count < Self.rowsPerCommit && Self.hasEnded(status, state: state)
                if ended { batch.merge(mapper.finish(), kinds: kinds) }
                state.mapper = mapper.state
                state.openStep = batch.open
                if ended, var last = state.openStep {
                    last.endTestTime = mapper.state.lastTestTime
                    last.endReason = Self.endReason(status, state: state)
                    batch.closed.append(last)
                    state.openStep = nil
                }
                try await commit(batch, state: state, events: events + batch.notes.map {
                    RunEvent(testTime: mapper.state.lastTestTime, kind: "supervisor", message: $0)
                })
                if ended {
                    if status == .protect, run.program.safety.action == .stop {
                        // `protect` can be continued at the BTS Client; the program asks for a stop.
                        _ = try? await driver.client.stop([address])
                    }
                    return try await finish(status, state: state, mapper: mapper)
                }
                if let why = Self.stepTimeBreach(state, limits: stepLimits, kinds: kinds, now: mapper.state.lastTestTime) {
                    // The step file cannot carry a step-time limit: echemd enforces it, within one poll.
                    try BTSClient.require(try await driver.client.stop([address]), "stop")
                    state.stopReason = why
                    state.safetyStop = true
                    try await commit(MappedBatch(), state: state, events: [RunEvent(testTime: mapper.state.lastTestTime,
                                                                                     kind: "safety", message: why)])
                    continue
                }
                let paused = state.operatorPause || status == .pause
                if paused != pausedShown {
                    pausedShown = paused
                    liveness.setPaused(job.id, paused)
                    onPauseChange(paused, paused ? pauseReason(status, state: state, mapper: mapper) : "running on the tester again")
                }
                if page.rows.count == Self.rowsPerCommit { continue }   // a backlog: keep downloading
            } catch let error as BTSError {
                if contactLostAt == nil {
                    contactLostAt = .now
                    try? await commit(MappedBatch(), state: state, events: [RunEvent(
                        testTime: mapper.state.lastTestTime, kind: "supervisor",
                        message: "BTS Client not answering (\(error)); the tester runs on by itself, rows will be downloaded when it answers")])
                    log("job \(job.id.uuidString.prefix(8)): BTS Client not answering: \(error)")
                }
                liveness.beat(job.id)
            }
            await waitForPoll()
        }
    }

    /// Sends what the operator asked for since the last poll. A command the tester refuses is
    /// logged as a run event and dropped; a lost connection puts the requests back for the next
    /// poll (a command sent twice is refused the second time, which is harmless).
    func apply(_ r: Requests, file: NewareStepFile, address: BTSChannelAddress, state: inout State,
                       at time: Double) async throws -> [RunEvent] {
        var events: [RunEvent] = []
        let client = driver.client
        func note(_ message: String) { events.append(RunEvent(testTime: time, kind: "operator", message: message)) }
        /// true when the tester answered ok; false (with an event) when it refused.
        func send(_ command: String, _ op: () async throws(BTSError) -> [BTSChannelResult]) async throws -> Bool {
            do {
                try BTSClient.require(try await op(), command)
                return true
            } catch {
                switch error {
                case .refused, .deviceError:
                    note("the tester refused \(command): \(error)")
                    return false
                default:
                    requests.withLock { $0.merge(r) }
                    throw error
                }
            }
        }
        if let why = r.stop, state.stopReason == nil {
            // Already stopped by an operator pause: the stop only has to be recorded.
            let stopped = state.operatorPause ? true
                : try await send("stop", { () async throws(BTSError) in try await client.stop([address]) })
            if stopped {
                state.stopReason = why
                state.operatorPause = false
                note("stop sent to the tester: \(why)")
            }
        }
        if let label = r.gotoLabel, state.stopReason == nil {
            if let step = file.map.newareStep(label: label) {
                if try await send("goto", { () async throws(BTSError) in try await client.goto([address], step: step) }) {
                    note("goto \(label) sent to the tester (Step_ID \(step))")
                }
            } else {
                note("goto \(label): no Neware step for this label")
            }
        }
        if let mode = r.pause, state.stopReason == nil, !state.operatorPause {
            switch mode {
            case .now:
                if try await send("stop", { () async throws(BTSError) in try await client.stop([address]) }) {
                    state.operatorPause = true
                    note("paused now (BTS stop; continue resumes the step)")
                }
            case .atStepEnd:
                if try await send("setpause", { () async throws(BTSError) in try await client.setPause([address]) }) {
                    note("pause reserved at the end of the step (BTS setpause)")
                }
            }
        }
        if r.resume, state.stopReason == nil {
            if try await send("continue", { () async throws(BTSError) in try await client.resume([address]) }) {
                state.operatorPause = false
                state.resumeSent = true
                note("resumed (BTS continue)")
            }
        }
        return events
    }

    func finish(_ status: BTSWorkStatus, state: State, mapper: NewareRowMapper) async throws -> RunOutcome {
        let (runStatus, reason): (RunStatus, String)
        switch status {
        case .finish: (runStatus, reason) = (.completed, "the tester finished the step file")
        case .protect: (runStatus, reason) = (.safetyStop, "the tester's protection stopped the test (Neware status protect)")
        default: (runStatus, reason) = (state.safetyStop ? .safetyStop : .stopped,
                                        state.stopReason ?? "stopped at the BTS Client, not through echemd")
        }
        let t = mapper.state.lastTestTime
        try await store.finish(runID: run.id, status: runStatus, reason: reason, testTime: t)
        return RunOutcome(status: runStatus, reason: reason, testTime: t, samplesStored: Int64(mapper.state.lastSeqid),
                          cycle: mapper.state.cycle)
    }

    func commit(_ batch: MappedBatch, state: State, events: [RunEvent]) async throws {
        let json = try JSONEncoder().encode(state)
        var steps = batch.closed
        if let open = state.openStep { steps.append(open) }
        try await store.commitSupervised(runID: run.id, samples: batch.samples, steps: steps, events: events,
                                         driver: Self.driverName, state: json)
        // Published after the commit: a client never sees a row a crash could take back.
        if !batch.samples.isEmpty {
            hub.publish(.samples(SamplePage(run: run.id, channel: channelID, samples: batch.samples, backfill: false)))
        }
        for s in batch.closed { hub.publish(Documents.stepEnd(s, run: run.id, channel: channelID)) }
        for s in batch.started { hub.publish(Documents.stepStart(s, summary: s.label ?? "step \(s.stepID)", run: run.id, channel: channelID)) }
        for c in batch.cycles {
            hub.publish(Documents.cycleSummary(c, run: run.id, channel: channelID,
                                               chargeOverDischarge: chargeOverDischarge))
        }
        for e in events { hub.publish(Documents.runEvent(e, run: run.id, channel: channelID)) }
    }


}
