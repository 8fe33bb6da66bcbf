import EchemCore
import EchemDrivers
import EchemSim
import Foundation
import Synchronization

/// A MethodSCRIPT potentiostat in software on a pseudo-terminal: it answers the host commands
/// (`t`, `v`, `i`, `e` … empty line, `Z`) with the exact reply lines of the real instrument and
/// runs a bounded subset of the script language (see `ScriptParser`) against a simulated cell.
///
/// ```swift
/// let sim = try MethodSCRIPTSimulator(.init(cell: .chemistry("zns_anode", capacityAh: 1e-3), clock: .lockstep))
/// sim.start()
/// let channel = try await MethodSCRIPTChannel.connect(path: sim.path)
/// …
/// sim.stop()
/// ```
///
/// Clock: `.realTime(speed:)` paces every sample at interval/speed of wall time (an 11-hour CV
/// at 0.1 mV/s takes 40 s at speed 1000); `.lockstep` runs as fast as the client reads (the pty
/// buffer is the back-pressure), for tests.
public final class MethodSCRIPTSimulator: Sendable {
    /// What is connected to the leads.
    public enum Cell: Sendable {
        /// echemd's equivalent-circuit cell model.
        case battery(ChemistryParameters, capacityAh: Double, initialSOC: Double?)
        /// A reversible or quasi-reversible couple at a planar electrode, resting at `restVolts`.
        case redox(RedoxCouple, restVolts: Double)

        /// A shipped parameter set by name (`ChemistryLibrary.names`).
        public static func chemistry(_ name: String, capacityAh: Double, initialSOC: Double? = nil) throws -> Cell {
            .battery(try ChemistryLibrary.named(name), capacityAh: capacityAh, initialSOC: initialSOC)
        }

        func electrode() throws -> SimulatedElectrode {
            switch self {
            case .battery(let p, let q, let soc):
                return .battery(try CellModel(parameters: p, capacityAh: q, initialSOC: soc))
            case .redox(let couple, let rest):
                try couple.validate()
                return .redox(couple, restingAt: rest)
            }
        }
    }

    /// How `meas_loop_eis`/`meas_loop_geis` obtain Z.
    public enum ImpedanceMethod: Sendable, Hashable {
        /// The linearised cell's impedance after holding the DC level for the measurement time
        /// (a cell without a closed form, the redox electrode, falls back to the FRA).
        case analytic(FrequencyResponseAnalyser)
        /// A sine through the time-domain model, correlated over whole periods.
        case timeDomain(FrequencyResponseAnalyser)

        public static let analytic = ImpedanceMethod.analytic(FrequencyResponseAnalyser())
        public static let timeDomain = ImpedanceMethod.timeDomain(FrequencyResponseAnalyser())

        public var analyser: FrequencyResponseAnalyser {
            switch self {
            case .analytic(let a), .timeDomain(let a): a
            }
        }
    }

    public struct Configuration: Sendable {
        public var profile: MethodSCRIPTProfile
        public var cell: Cell
        public var clock: SimulationClock
        public var impedance: ImpedanceMethod
        /// A symlink to the pty's slave side (removed on stop), as `--link` gives.
        public var link: String?
        /// Called for notable events (scripts, aborts, errors); keep it short.
        public var log: (@Sendable (String) -> Void)?

        public init(profile: MethodSCRIPTProfile, cell: Cell, clock: SimulationClock = .realTime(speed: 1),
                    impedance: ImpedanceMethod = .analytic, link: String? = nil,
                    log: (@Sendable (String) -> Void)? = nil) {
            self.profile = profile
            self.cell = cell
            self.clock = clock
            self.impedance = impedance
            self.link = link
            self.log = log
        }
    }

    /// What tests look at.
    public struct Counters: Sendable, Hashable {
        public var commands = 0
        public var scriptsRun = 0
        public var scriptsRejected = 0
        public var aborts = 0
        public var runtimeErrors = 0
        public var linesSent = 0
    }

    public let configuration: Configuration
    /// The pty's slave side: what a client opens.
    public let path: String
    let pty: PseudoTerminal
    /// Lockstep only: the simulator's own descriptor on the slave side, opened before any client
    /// (so a client's TIOCEXCL does not shut it out), to ask how much the client has not read yet.
    let readBack: Int32
    let shared: Mutex<Shared>
    /// A cell shared with another instrument, instead of `Shared.electrode`.
    let leads: (any PotentiostatLeads)?
    private let thread = ServerThread()
    private let closed = Atomic<Bool>(false)

    struct Shared {
        var electrode: SimulatedElectrode
        var counters = Counters()
        var lastScript: [String] = []
    }

    public convenience init(_ configuration: Configuration) throws(SimulatorError) {
        try self.init(configuration, leads: nil)
    }

    /// `leads`: a cell shared with another instrument (`echem-sim pair`); the configuration's
    /// cell is then not used.
    init(_ configuration: Configuration, leads: (any PotentiostatLeads)?) throws(SimulatorError) {
        if case .realTime(let speed) = configuration.clock, !(speed > 0 && speed.isFinite) {
            throw SimulatorError("the speed must be > 0 (1 = real time)")
        }
        let electrode: SimulatedElectrode
        do { electrode = try configuration.cell.electrode() } catch {
            throw SimulatorError("the simulated cell: \(error)")
        }
        pty = try PseudoTerminal()
        path = pty.slavePath
        readBack = configuration.clock == .lockstep ? open(pty.slavePath, O_RDWR | O_NOCTTY | O_NONBLOCK) : -1
        shared = Mutex(Shared(electrode: electrode))
        self.leads = leads
        self.configuration = configuration
        if let link = configuration.link {
            if let type = try? FileManager.default.attributesOfItem(atPath: link)[.type] as? FileAttributeType,
               type == .typeSymbolicLink {
                try? FileManager.default.removeItem(atPath: link)
            }
            guard symlink(pty.slavePath, link) == 0 else {
                let why = String(cString: strerror(errno))
                close(pty.master)
                if readBack >= 0 { close(readBack) }
                throw SimulatorError("--link \(link): \(why)")
            }
        }
    }

    deinit { stop() }

    /// Starts answering on the pty. Idempotent.
    public func start() {
        guard !closed.load(ordering: .acquiring) else { return }
        let host = SimulatorHost(simulator: self, stopping: { [thread] in thread.isStopping })
        thread.start(name: "echem-sim methodscript") { host.serve() }
    }

    /// Stops the device thread, removes the link and closes the pty (the client sees a hang-up).
    /// Idempotent.
    public func stop() {
        guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        thread.stop()
        if let link = configuration.link,
           (try? FileManager.default.destinationOfSymbolicLink(atPath: link)) == pty.slavePath {
            try? FileManager.default.removeItem(atPath: link)
        }
        close(pty.master)
        if readBack >= 0 { close(readBack) }
    }

    /// The cell as it is now.
    public var electrode: SimulatedElectrode { leads?.electrode ?? shared.withLock { $0.electrode } }

    public var counters: Counters { shared.withLock { $0.counters } }

    /// The lines of the last script uploaded (accepted or not).
    public var lastScript: [String] { shared.withLock { $0.lastScript } }

    /// The small-signal impedance of the cell now (the analytic path), nil without a closed form.
    public func analyticImpedance(hertz: Double, dcAmperes: Double = 0) -> Complex? {
        electrode.analyticImpedance(hertz: hertz, dcAmperes: dcAmperes)
    }

    /// The `t` reply: two lines, the first naming the device type by its prefix.
    var firmwareLines: [String] {
        ["t\(configuration.profile.firmwarePrefix) 1.0.0 echem-sim", "R#echemd MethodSCRIPT simulator*"]
    }
}
