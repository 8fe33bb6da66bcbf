import EchemCore
import EchemEngine
import EchemPlatform
import EchemStore
import Foundation

/// Owns the queue and the channels: matches queued jobs to free channels, starts and controls
/// their runs, records every job transition, and recovers interrupted runs at start.
public actor Scheduler {
    let store: RunStore
    let bench: Bench
    let hub: LiveHub
    let intake: JobIntake
    let paths: DaemonPaths
    let liveness: Liveness
    let log: @Sendable (String) -> Void

    /// Which job holds which channel (a bound potentiostat is held too).
    private var holders: [String: UUID] = [:]
    private var runners: [UUID: any JobExecution] = [:]
    private var tasks: [UUID: Task<Void, Never>] = [:]
    /// Why a running job is being ended, when an operator ended it (cancel vs stop).
    private var endRequests: [UUID: JobState] = [:]
    private var eligibility: [UUID: [String]] = [:]
    private var draining = false

    public init(store: RunStore, bench: Bench, hub: LiveHub, intake: JobIntake, paths: DaemonPaths,
                liveness: Liveness, log: @escaping @Sendable (String) -> Void) {
        self.store = store
        self.bench = bench
        self.hub = hub
        self.intake = intake
        self.paths = paths
        self.liveness = liveness
        self.log = log
    }

    // MARK: - Start and recovery

    /// At start: every channel to its safe state first, then each interrupted run resumed or
    /// failed by its policy, then the queue runs.
    public func recover() async throws {
        for ch in bench.channels { await ch.driver.safeState() }
        for job in try store.jobs(in: [.running, .paused]) {
            guard let runID = job.runID else {
                // Claimed but never started (killed between the two writes): it simply queues again.
                try store.updateJob(job.id, state: .queued, reason: "requeued after a daemon restart (it had not started)")
                continue
            }
            let policy = job.target.recovery ?? intake.defaultRecovery
            let stored = try? store.run(id: runID)
            if let stored, stored.status == .running || stored.status == .paused,
               let record = try? store.supervision(runID: runID), record.driver == NewareSupervisor.driverName {
                // The tester ran on by itself: re-attach whatever the policy; `stop` stops the test.
                do {
                    try reattach(job, run: stored.info, record: record, stop: policy == .stop)
                    continue
                } catch {
                    log("job \(short(job.id)): cannot re-attach to the tester (\(error)); marking it failed")
                }
            }
            let checkpoint = try? store.latestCheckpoint(runID: runID)
            if policy == .resume, let stored, stored.status == .running || stored.status == .paused, let checkpoint {
                do {
                    try start(job, resuming: stored.info, checkpoint: checkpoint)
                    log("recovered job \(short(job.id)) on \(job.channel ?? "?"): run \(short(runID)) resumes at sample \(checkpoint.nextSeq)")
                    continue
                } catch {
                    log("job \(short(job.id)): cannot resume (\(error)); marking it failed")
                }
            }
            let reason = policy == .stop
                ? "the daemon stopped unexpectedly during the run; recovery policy is stop"
                : "the daemon stopped unexpectedly and the run could not be resumed"
            if let stored, stored.status == .running || stored.status == .paused {
                try await store.finish(runID: runID, status: .failed, reason: reason, testTime: checkpoint?.testTime ?? 0)
            }
            try finalize(job.id, state: .failed, reason: reason)
        }
        schedule()
    }

    // MARK: - Queue

    /// Stores an accepted job and starts it if a channel is free.
    public func submit(_ job: JobRecord, eligible: [String]) throws -> JobRecord {
        let stored = try store.enqueue(job)
        eligibility[stored.id] = eligible
        hub.publish(Documents.jobState(stored))
        schedule()
        return (try? store.job(id: stored.id)) ?? stored
    }

    /// Starts every queued job that has a free capable channel: higher priority first, then first
    /// come, first served. A job waiting for a busy channel does not block jobs for other channels.
    public func schedule() {
        guard !draining, let queued = try? store.jobs(in: [.queued]) else { return }
        let ordered = queued.sorted { ($0.target.priority, -$0.seq) > ($1.target.priority, -$1.seq) }
        for job in ordered {
            if let p = job.target.potentiostat, holders[p] != nil { continue }
            let candidates = eligibleChannels(job).filter { holders[$0] == nil }
            guard let channel = candidates.first else { continue }
            do {
                try start(job, on: channel)
            } catch {
                log("job \(short(job.id)) failed to start on \(channel): \(error)")
                try? finalize(job.id, state: .failed, reason: "could not start on \(channel): \(error)")
            }
        }
    }

    private func eligibleChannels(_ job: JobRecord) -> [String] {
        if let known = eligibility[job.id] { return known }
        let outcome = intake.prepare(JobIntake.Submission(text: job.protocolText, filename: job.filename, cell: job.cell,
                                                          target: job.target, source: job.source))
        eligibility[job.id] = outcome.eligibleChannels
        return outcome.eligibleChannels
    }

    // MARK: - Starting a run

    private func start(_ job: JobRecord, on channelID: String) throws {
        guard let channel = bench.channel(channelID) else { throw DaemonError.unknownChannel(channelID) }
        let pstat = try job.target.potentiostat.map { id -> BenchChannel in
            guard let p = bench.channel(id) else { throw DaemonError.unknownChannel(id) }
            return p
        }
        let caps = pstat.map { BoundCellChannel.capabilities(cycler: channel.capabilities, potentiostat: $0.capabilities) }
            ?? channel.capabilities
        let compiled = intake.compile(job, capabilities: caps)
        guard let program = compiled.program, !compiled.hasErrors else {
            let first = compiled.errors.first?.description ?? "needs cell metadata"
            throw DaemonError.invalidAtStart(first)
        }
        let run = RunInfo(bench: bench.name, channel: channelID, protocolName: program.name, protocolText: job.protocolText,
                          program: program, cell: program.cell ?? job.cell, startedUnix: Date().timeIntervalSince1970)
        try launch(job, run: run, program: program, channel: channel, potentiostat: pstat, checkpoint: nil)
    }

    private func start(_ job: JobRecord, resuming run: RunInfo, checkpoint: EngineCheckpoint) throws {
        guard let channel = bench.channel(run.channel) else { throw DaemonError.unknownChannel(run.channel) }
        let pstat = job.potentiostat.flatMap { bench.channel($0) }
        try launch(job, run: run, program: run.program, channel: channel, potentiostat: pstat, checkpoint: checkpoint)
    }

    private func launch(_ job: JobRecord, run: RunInfo, program: StepProgram, channel: BenchChannel,
                        potentiostat: BenchChannel?, checkpoint: EngineCheckpoint?) throws {
        if let neware = channel.driver as? NewareDriver {
            return try supervise(job, run: run, channel: channel, driver: neware, saved: nil, stopOnAttach: false)
        }
        let snapshotPath = paths.simulatorState + "/\(run.id.uuidString.lowercased()).json"
        let saved = checkpoint == nil ? nil : AtomicFile.read(snapshotPath)
        let device: any Channel
        let driven: any Channel
        if let p = potentiostat {
            // One cell on two instruments. Simulated: both see one simulated cell (the
            // potentiostat's model, which can do everything), so the physics stays consistent.
            let shared = channel.driver is SimulatedDriver && p.driver is SimulatedDriver
            let pDevice = try p.driver.attach(cell: run.cell, restoring: saved)
            let cDevice = shared ? pDevice : try channel.driver.attach(cell: run.cell, restoring: nil)
            device = pDevice
            driven = BoundCellChannel(cycler: LimitedChannel(cDevice, limits: channel.config.limits),
                                      potentiostat: LimitedChannel(pDevice, limits: p.config.limits), sharedClock: shared)
        } else {
            device = try channel.driver.attach(cell: run.cell, restoring: saved)
            driven = LimitedChannel(device, limits: channel.config.limits)
        }
        let jobID = job.id
        for hardware in outageReporters(device, driven) {
            hardware.onOutage { [weak self] outage in
                switch outage {
                case .lost(let why): Task { await self?.pauseChanged(jobID, paused: true, reason: why) }
                case .back(let why): Task { await self?.pauseChanged(jobID, paused: false, reason: why) }
                }
            }
        }
        let runner = JobRunner(
            job: job, channelID: channel.id, potentiostatID: potentiostat?.id, program: program, run: run,
            channel: driven, device: device, driver: potentiostat?.driver ?? channel.driver, store: store, hub: hub,
            liveness: liveness,
            options: EngineOptions(bench: bench.name, unixTimeFromWallClock: true),
            checkpoint: checkpoint, snapshotPath: snapshotPath,
            onPauseChange: { [weak self] paused, reason in
                Task { await self?.pauseChanged(jobID, paused: paused, reason: reason) }
            })
        // Budget before the watchdog calls an engine stalled: generous against slow sample periods.
        let reason = checkpoint == nil ? "running on \(channel.id)" : "resumed on \(channel.id) after a daemon restart"
        try begin(runner, reason: reason, budget: .seconds(120),
                  announce: checkpoint == nil ? nil
                      : Documents.runStart(run, job: job.id, channel: channel.id, potentiostat: potentiostat?.id, resumed: true))
    }

    // MARK: - Supervised runs

    /// A job whose test runs on a Neware tester, from its start or re-attached after a restart.
    private func supervise(_ job: JobRecord, run: RunInfo, channel: BenchChannel, driver: NewareDriver,
                           saved: NewareSupervisor.State?, stopOnAttach: Bool) throws {
        let jobID = job.id
        let log = self.log
        let runner = NewareSupervisor(
            job: job, run: run, channelID: channel.id, driver: driver, store: store, hub: hub, liveness: liveness,
            saved: saved, stopOnAttach: stopOnAttach,
            onPauseChange: { [weak self] paused, reason in
                Task { await self?.pauseChanged(jobID, paused: paused, reason: reason) }
            }, log: log)
        let reason = saved == nil ? "running on \(channel.id) (Neware \(driver.ref.pipeline), supervisor mode)"
            : "re-attached to the test on \(channel.id) after a daemon restart"
        try begin(runner, reason: reason, budget: .seconds(max(120, driver.ref.pollSeconds * 4 + 60)))
    }

    private func reattach(_ job: JobRecord, run: RunInfo, record: SupervisionRecord, stop: Bool) throws {
        guard let channel = bench.channel(run.channel), let driver = channel.driver as? NewareDriver else {
            throw DaemonError.unknownChannel(run.channel)
        }
        let saved = try JSONDecoder().decode(NewareSupervisor.State.self, from: record.json)
        guard saved.pipeline == driver.ref.pipeline else {
            throw DaemonError.invalidAtStart("channel \(channel.id) is now Neware \(driver.ref.pipeline), but the run's test is on \(saved.pipeline)")
        }
        try supervise(job, run: run, channel: channel, driver: driver, saved: saved, stopOnAttach: stop)
        log("recovered job \(short(job.id)) on \(channel.id): re-attached to Neware test \(saved.testID.map(String.init) ?? "(its start was in flight)"), downloading after seqid \(saved.mapper.lastSeqid)")
    }

    /// Holds the channels, records the job as running and starts the execution's task.
    private func begin(_ runner: any JobExecution, reason: String, budget: Duration, announce: LiveDocument? = nil) throws {
        let job = runner.job
        let jobID = job.id
        holders[runner.channelID] = jobID
        if let p = runner.potentiostatID { holders[p] = jobID }
        runners[jobID] = runner
        liveness.register(jobID, budget: budget)
        try store.updateJob(jobID, state: .running, reason: reason, channel: runner.channelID,
                            potentiostat: runner.potentiostatID, runID: runner.runID)
        publishJob(jobID)
        for id in [runner.channelID] + (runner.potentiostatID.map { [$0] } ?? []) {
            hub.publish(Documents.channelState(id, state: "running", job: jobID, run: runner.runID, reason: reason))
        }
        if let announce { hub.publish(announce) }
        log("job \(short(jobID)) \(job.name): \(reason), run \(short(runner.runID))")
        tasks[jobID] = Task { [weak self] in
            let result = await runner.execute()
            await self?.finished(jobID, result: result)
        }
    }

    // MARK: - Ends

    /// The hardware channels of a run whose devices may be lost: the device itself, or both
    /// instruments of a bound cell; each once.
    private func outageReporters(_ device: any Channel, _ driven: any Channel) -> [DeviceOutageReporting] {
        var candidates: [any Channel] = [device]
        if let bound = driven as? BoundCellChannel {
            candidates += [bound.cycler, bound.potentiostat].map { ($0 as? LimitedChannel)?.inner ?? $0 }
        }
        var seen = Set<ObjectIdentifier>()
        return candidates.compactMap { $0 as? DeviceOutageReporting }.filter { seen.insert(ObjectIdentifier($0)).inserted }
    }

    private func finished(_ jobID: UUID, result: Result<RunOutcome, any Error>) {
        guard let runner = runners.removeValue(forKey: jobID) else { return }
        tasks[jobID] = nil
        liveness.remove(jobID)
        for (ch, holder) in holders where holder == jobID { holders[ch] = nil }
        let requested = endRequests.removeValue(forKey: jobID)
        let exitStatus: String
        let reason: String
        var outcome: RunOutcome?
        switch result {
        case .success(let o):
            outcome = o
            reason = o.reason
            exitStatus = o.status == .running ? "interrupted" : o.status.rawValue
        case .failure(let e):
            reason = "\(e)"
            exitStatus = "failed"
        }
        hub.publish(Documents.runStop(run: runner.runID, channel: runner.channelID, job: jobID, exitStatus: exitStatus,
                                      reason: reason, testTime: outcome?.testTime, samples: outcome?.samplesStored))
        if exitStatus == "interrupted" {
            // Shutdown: the job stays running in the queue; the next start resumes it by its policy.
            log("job \(short(jobID)) interrupted at sample \(outcome?.samplesStored ?? 0): \(reason)")
        } else {
            let state: JobState
            switch exitStatus {
            case "completed": state = .done
            case "stopped": state = requested ?? .done
            default: state = .failed
            }
            try? finalize(jobID, state: state, reason: "\(exitStatus): \(reason)")
            runner.cleanUp()
            analyse(runner.runID)
            log("job \(short(jobID)) \(state.rawValue): \(exitStatus): \(reason)")
        }
        for ch in [runner.channelID] + (runner.potentiostatID.map { [$0] } ?? []) {
            hub.publish(Documents.channelState(ch, state: "idle", job: nil, run: nil, reason: "\(exitStatus): \(reason)"))
        }
        schedule()
    }

    /// CV peaks, scan-rate fits and EIS fits of an ended run, stored with it. On a thread of its
    /// own (SQLite reads and fits block); a failure is logged and never touches the run.
    private func analyse(_ runID: UUID) {
        let store = self.store, log = self.log
        Thread.detachNewThread {
            do {
                let kinds = try RunAnalyser.analyseAndStore(store: store, runID: runID)
                log("run \(runID.uuidString.lowercased().prefix(8)): analysis stored (\(kinds.joined(separator: ", ")))")
            } catch {
                log("run \(runID.uuidString.lowercased().prefix(8)): no analysis stored: \(error)")
            }
        }
    }

    private func finalize(_ id: UUID, state: JobState, reason: String) throws {
        try store.updateJob(id, state: state, reason: reason)
        eligibility[id] = nil
        publishJob(id)
    }

    private func pauseChanged(_ jobID: UUID, paused: Bool, reason: String) {
        guard let runner = runners[jobID] else { return }
        _ = try? store.updateJob(jobID, state: paused ? .paused : .running, reason: reason)
        publishJob(jobID)
        for id in [runner.channelID] + (runner.potentiostatID.map { [$0] } ?? []) {
            hub.publish(Documents.channelState(id, state: paused ? "paused" : "running", job: jobID,
                                               run: runner.runID, reason: reason))
        }
    }

    private func publishJob(_ id: UUID) {
        if let job = try? store.job(id: id) { hub.publish(Documents.jobState(job)) }
    }

    // MARK: - Controls

    public enum Action: Sendable {
        case cancel(reason: String)
        case pause(PauseMode)
        case resume
        case stop(reason: String)
        case goto(label: String)
    }

    /// Applies an operator action to a job (found by job id prefix, run id prefix or channel id).
    /// Returns what was done, in words.
    public func control(_ target: String, _ action: Action) throws -> (job: UUID, message: String) {
        let job = try resolve(target)
        let runner = runners[job.id]
        switch action {
        case .cancel(let reason):
            if let runner {
                endRequests[job.id] = .cancelled
                runner.stop(reason: reason)
                return (job.id, "cancelling: the run on \(runner.channelID) stops within one sample")
            }
            guard job.state == .queued else { throw DaemonError.notControllable(job.id, job.state, "cancel") }
            try finalize(job.id, state: .cancelled, reason: reason)
            return (job.id, "cancelled before it started")
        case .pause(let mode):
            guard let runner, job.state == .running else { throw DaemonError.notControllable(job.id, job.state, "pause") }
            runner.pause(mode)
            return (job.id, mode == .now ? "pausing now: output off within one sample" : "pausing at the end of the step in progress")
        case .resume:
            // Only a paused job resumes: a stray resume must never cancel a later pause.
            guard let runner, job.state == .paused else { throw DaemonError.notControllable(job.id, job.state, "resume") }
            runner.resume()
            return (job.id, "resuming")
        case .stop(let reason):
            guard let runner else { throw DaemonError.notControllable(job.id, job.state, "stop") }
            endRequests[job.id] = .done
            runner.stop(reason: reason)
            return (job.id, "stopping: output off within one sample")
        case .goto(let label):
            guard let runner else { throw DaemonError.notControllable(job.id, job.state, "goto") }
            guard runner.labels.contains(label) else {
                throw DaemonError.unknownLabel(label, runner.labels.sorted())
            }
            runner.goto(label: label)
            return (job.id, "going to \(label) at the next sample")
        }
    }

    /// A channel id, a job id prefix, or a run id prefix.
    func resolve(_ target: String) throws -> JobRecord {
        if let holder = holders[target], let job = try store.job(id: holder) { return job }
        if bench.channel(target) != nil { throw DaemonError.channelIdle(target) }
        if let job = try? store.job(prefix: target) { return job }
        if let run = try? store.run(prefix: target),
           let job = try store.jobs().last(where: { $0.runID == run.info.id }) { return job }
        throw DaemonError.unknownTarget(target)
    }

    // MARK: - Views

    public struct ChannelView: Sendable {
        public var channel: BenchChannel
        public var job: JobRecord?
        public var runID: UUID?
    }

    public func channelViews() -> [ChannelView] {
        bench.channels.map { ch in
            let job = holders[ch.id].flatMap { try? store.job(id: $0) }
            return ChannelView(channel: ch, job: job, runID: holders[ch.id].flatMap { runners[$0]?.runID })
        }
    }

    /// The run on a channel now (for subscriptions that backfill by channel).
    public func activeRun(channel: String) -> UUID? {
        holders[channel].flatMap { runners[$0]?.runID }
    }

    public var runningCount: Int { runners.count }

    /// Answers from inside the actor: the watchdog's proof that the scheduler is not wedged.
    public func healthy() -> Bool { true }

    // MARK: - Shutdown

    /// SIGTERM: every engine commits its batch with a checkpoint and turns its output off; runs
    /// stay resumable. Then every channel is put in its safe state.
    public func shutdown() async {
        draining = true
        for runner in runners.values { runner.interrupt(reason: "daemon shutdown") }
        let pending = Array(tasks.values)
        for t in pending { await t.value }
        for ch in bench.channels { await ch.driver.safeState() }
    }

    private func short(_ id: UUID) -> String { String(id.uuidString.lowercased().prefix(8)) }
}

public enum DaemonError: Error, Sendable, CustomStringConvertible {
    case unknownChannel(String)
    case channelIdle(String)
    case unknownTarget(String)
    case unknownLabel(String, [String])
    case notControllable(UUID, JobState, String)
    case invalidAtStart(String)

    public var description: String {
        switch self {
        case .unknownChannel(let c): return "no channel '\(c)' on this bench"
        case .channelIdle(let c): return "channel \(c) is idle: nothing to control"
        case .unknownTarget(let t): return "'\(t)' names no channel, job or run (expected a channel id, or a job or run id prefix)"
        case .unknownLabel(let l, let all):
            return "no step label '\(l)' in this protocol (expected one of: \(all.isEmpty ? "none defined" : all.joined(separator: ", ")))"
        case .notControllable(let id, let state, let action):
            return "job \(id.uuidString.lowercased().prefix(8)) is \(state.rawValue); cannot \(action) it"
        case .invalidAtStart(let first): return "the protocol no longer compiles for its channel: \(first)"
        }
    }
}
