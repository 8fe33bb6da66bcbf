import EchemCore
import EchemDrivers
import EchemSim

/// One simulated cell behind two real wire protocols at once (`echem-sim pair`): a Modbus
/// source/sink (a device profile, e.g. EA PSB, over TCP or RTU) and a MethodSCRIPT potentiostat
/// on a pseudo-terminal, both wired to the same `SharedCell`. Whichever instrument drives the
/// cell advances it; the other only measures; switching on while the other drives is refused
/// (see `SharedCell` for the rules).
///
/// ```swift
/// let pair = try CellPairSimulator(cycler: .init(profile: ea, transport: .tcp(port: 0),
///                                                cell: .chemistry("mos6", capacityAh: 1e-3), clock: .lockstep))
/// pair.start()
/// // a Modbus client on pair.cycler.endpoint, a MethodSCRIPT client on pair.potentiostat.path
/// pair.stop()
/// ```
public final class CellPairSimulator: Sendable {
    /// The shared cell now, for tests and logs.
    public struct Status: Sendable, Hashable {
        /// Cell time (s).
        public var seconds: Double
        /// Terminal voltage after the last step, and the voltage if no current flowed now.
        public var volts: Double
        public var openCircuitVolts: Double
        /// "cycler", "potentiostat", or nil when the cell is at open circuit.
        public var driver: String?
        /// The instrument whose open-circuit readings move cell time when neither drives.
        public var clock: String
        /// Switch-ons refused because the other instrument drove the cell.
        public var refusals: Int
        /// Charge passed into and out of the cell since the start, by either instrument (Ah).
        public var chargedAh: Double
        public var dischargedAh: Double
    }

    public let cycler: ModbusDeviceSimulator
    public let potentiostat: MethodSCRIPTSimulator
    let cell: SharedCell

    /// - Parameters:
    ///   - cycler: the Modbus side, one unit; its `cell` is the shared cell and its `clock` is
    ///     both instruments' clock (`.lockstep`: each advances the cell as its client reads).
    ///   - potentiostat: the MethodSCRIPT instrument; `link` a symlink to its pty.
    public init(cycler: ModbusDeviceSimulator.Configuration, potentiostat profile: MethodSCRIPTProfile,
                link: String? = nil, impedance: MethodSCRIPTSimulator.ImpedanceMethod = .analytic) throws(SimulatorError) {
        guard cycler.units.count == 1 else { throw SimulatorError("units: the pair's cycler is one unit") }
        let model = try SharedCell.model(cycler.cell)
        let shared = SharedCell(model, log: cycler.log)
        let ratings = cycler.ratings ?? DeviceRatings.envelope(of: cycler.profile)
        let cyclerSide = CyclerSide(shared, ratings: ratings, samplePeriod: cycler.samplePeriod)
        self.cycler = try ModbusDeviceSimulator(cycler, terminals: cyclerSide)
        let own = MethodSCRIPTSimulator.Cell.battery(model.parameters, capacityAh: model.capacityAh, initialSOC: nil)
        var potentiostatLog: (@Sendable (String) -> Void)?
        if let log = cycler.log { potentiostatLog = { log("potentiostat: \($0)") } }
        let configuration = MethodSCRIPTSimulator.Configuration(
            profile: profile, cell: own, clock: cycler.clock, impedance: impedance, link: link, log: potentiostatLog)
        do throws(SimulatorError) {
            potentiostat = try MethodSCRIPTSimulator(configuration, leads: PotentiostatSide(shared))
        } catch {
            self.cycler.stop()
            throw error
        }
        cell = shared
    }

    deinit { stop() }

    /// Starts both instruments. Idempotent.
    public func start() {
        cycler.start()
        potentiostat.start()
    }

    /// Stops both (the pty's link is removed, the port closed). Idempotent.
    public func stop() {
        potentiostat.stop()
        cycler.stop()
    }

    public var status: Status {
        let s = cell.status
        return Status(seconds: s.seconds, volts: s.volts, openCircuitVolts: s.openCircuitVolts, driver: s.driver?.rawValue,
                      clock: s.clock.rawValue, refusals: s.refusals,
                      chargedAh: s.cell.state.chargedAh, dischargedAh: s.cell.state.dischargedAh)
    }
}
