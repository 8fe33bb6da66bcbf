import EchemCore
import EchemProtocol
import EchemStore
import Foundation

/// Turns a submitted protocol (a dropped file or a socket request) into a queued job, or into
/// located errors. Validation is the same compile the job gets at start, against the actual
/// channels of this bench, so a job that is accepted can run.
public struct JobIntake: Sendable {
    public let bench: Bench
    public let defaultRecovery: RecoveryPolicy

    public init(bench: Bench, defaultRecovery: RecoveryPolicy) {
        self.bench = bench
        self.defaultRecovery = defaultRecovery
    }

    public struct Submission: Sendable {
        public var text: String
        /// How diagnostics name the file.
        public var filename: String
        /// A cell from `NAME.cell.yaml` or the request; wins over the file's `cell:` header.
        public var cell: CellMetadata?
        /// A target from the request; wins over the file's `job:` header.
        public var target: JobTarget?
        public var source: String
        public var submittedBy: UInt32?

        public init(text: String, filename: String, cell: CellMetadata? = nil, target: JobTarget? = nil,
                    source: String, submittedBy: UInt32? = nil) {
            self.text = text
            self.filename = filename
            self.cell = cell
            self.target = target
            self.source = source
            self.submittedBy = submittedBy
        }
    }

    /// Errors and warnings say FILE:LINE:COL; a job comes back only when there is no error.
    public struct Outcome: Sendable {
        public var job: JobRecord?
        public var diagnostics: [String]
        /// The channels this job could run on (checked against each one's capabilities and limits).
        public var eligibleChannels: [String]
    }

    public func prepare(_ s: Submission) -> Outcome {
        let first = ProtocolCompiler.compile(text: s.text, filename: s.filename)
        if first.program == nil && first.hasErrors && !first.needsCell {
            return Outcome(job: nil, diagnostics: first.diagnostics.map(\.description), eligibleChannels: [])
        }
        let cell = s.cell ?? first.cell
        var target = s.target ?? first.job ?? JobTarget()
        if target.recovery == nil { target.recovery = defaultRecovery }
        let at = "\(s.filename):1:1"

        // Which channels to try: the named one, or every channel (cyclers first, so a plain
        // cycling job does not occupy the potentiostat while a cycler is free).
        var candidates: [BenchChannel]
        if let id = target.channel {
            guard let ch = bench.channel(id) else {
                return reject("\(at): error: job.channel '\(id)' is not a channel of bench \(bench.name) (expected any, or one of: \(bench.channels.map(\.id).joined(separator: ", ")))")
            }
            candidates = [ch]
        } else {
            candidates = bench.channels.sorted { !$0.isPotentiostat && $1.isPotentiostat }
        }
        var potentiostat: BenchChannel?
        if let id = target.potentiostat {
            guard let p = bench.channel(id), p.isPotentiostat else {
                let choices = bench.channels.filter(\.isPotentiostat).map(\.id)
                return reject("\(at): error: job.potentiostat '\(id)' is not a potentiostat channel of bench \(bench.name) (expected one of: \(choices.isEmpty ? "none configured" : choices.joined(separator: ", ")))")
            }
            potentiostat = p
            candidates.removeAll { $0.id == p.id }
        }

        var eligible: [String] = []
        var firstFailure: CompileResult?
        var driverProblem: String?
        var testerRefusal: [String]?
        for ch in candidates {
            if let p = potentiostat, ch.driver.runsWholeProtocols {
                driverProblem = driverProblem ?? "\(at): error: \(ch.id) runs the whole protocol itself (supervisor mode) and cannot share a cell with potentiostat \(p.id) (drop job.potentiostat, or choose another cycler)"
                continue
            }
            if let problem = ch.driver.problem(with: cell) ?? potentiostat?.driver.problem(with: cell) {
                driverProblem = driverProblem ?? "\(at): error: \(ch.id): \(problem)"
                continue
            }
            let caps = potentiostat.map { JobIntake.boundCapabilities(cycler: ch, potentiostat: $0) } ?? ch.capabilities
            let r = ProtocolCompiler.compile(text: s.text, filename: s.filename,
                                             options: CompileOptions(cell: cell, capabilities: caps))
            if let program = r.program, !r.hasErrors {
                // What the instrument itself cannot carry (a step-file format) is refused now, located.
                let refusals = ch.driver.refusals(program)
                if refusals.isEmpty { eligible.append(ch.id) } else if testerRefusal == nil { testerRefusal = refusals }
            } else if firstFailure == nil {
                firstFailure = r
            }
        }
        guard let firstChannel = eligible.first else {
            var lines = (firstFailure?.diagnostics ?? first.diagnostics).map(\.description)
            if firstFailure?.needsCell ?? first.needsCell {
                lines.append("\(at): error: this protocol needs cell metadata (C-rates, mA/g or mA/cm2): give a cell: header or drop a NAME.cell.yaml beside it")
            }
            if let testerRefusal, firstFailure == nil { lines = testerRefusal }
            if let driverProblem, firstFailure == nil, testerRefusal == nil { lines = [driverProblem] }
            if lines.isEmpty { lines.append("\(at): error: no channel of bench \(bench.name) can run this protocol") }
            return Outcome(job: nil, diagnostics: lines, eligibleChannels: [])
        }
        let compiled = ProtocolCompiler.compile(text: s.text, filename: s.filename,
                                                options: CompileOptions(cell: cell, capabilities: bench.channel(firstChannel)!.capabilities))
        let name = URL(fileURLWithPath: s.filename).lastPathComponent
        let job = JobRecord(name: name, source: s.source, protocolName: compiled.program?.name ?? name,
                            protocolText: s.text, filename: s.filename, cell: compiled.program?.cell ?? cell,
                            target: target, submittedBy: s.submittedBy)
        return Outcome(job: job, diagnostics: compiled.diagnostics.map(\.description), eligibleChannels: eligible)
    }

    /// Compiles a queued job for the channel it is about to run on.
    public func compile(_ job: JobRecord, capabilities: ChannelCapabilities) -> CompileResult {
        ProtocolCompiler.compile(text: job.protocolText, filename: job.filename,
                                 options: CompileOptions(cell: job.cell, capabilities: capabilities))
    }

    static func boundCapabilities(cycler: BenchChannel, potentiostat: BenchChannel) -> ChannelCapabilities {
        BoundCellChannel.capabilities(cycler: cycler.capabilities, potentiostat: potentiostat.capabilities)
    }

    private func reject(_ line: String) -> Outcome { Outcome(job: nil, diagnostics: [line], eligibleChannels: []) }
}
