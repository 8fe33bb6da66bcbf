import EchemCore
import EchemDrivers
import EchemSim

/// One simulated tester channel: its cell, its tests (the last is the latest) and flags.
struct NewareSimChannel {
    let address: BTSChannelAddress
    /// What `start` puts on the channel (a new test, a new cell).
    var cellSpec: SimulatedCell
    var cell: CellModel
    var tests: [NewareTestRun] = []
    var light = false
    /// Set when protection tripped; `clearflag` clears it.
    var alarm = false
    /// Test time this channel has been simulated up to on the bench clock (s).
    var clock = 0.0

    init(address: BTSChannelAddress, cellSpec: SimulatedCell) throws(SimulatorError) {
        self.address = address
        self.cellSpec = cellSpec
        cell = try Self.makeCell(cellSpec)
    }

    var latest: NewareTestRun? { tests.last }

    /// `getchlstatus` text and `inquire@workstatus`. A channel that never ran reports `finish`,
    /// as idle channels in the captures do, so `start` (allowed from finish/stop/protect) works.
    var status: BTSWorkStatus {
        switch latest?.phase {
        case nil, .finished?: return .finish
        case .running?: return .working
        case .pausedAt?, .pausedBefore?: return .pause
        case .stopped?: return .stop
        case .protected?: return .protect
        }
    }

    var isRunning: Bool { latest?.phase == .running }

    /// Runs the latest test for `seconds` of test time in `dt` steps (or until it stops running).
    mutating func advance(by seconds: Double, dt: Double, limits: NewareChannelLimits) {
        advance(to: clock + seconds, dt: dt, limits: limits)
    }

    mutating func advance(to target: Double, dt: Double, limits: NewareChannelLimits) {
        guard !tests.isEmpty, tests[tests.count - 1].phase == .running else {
            clock = max(clock, target)
            return
        }
        let k = tests.count - 1
        while clock + dt <= target + 1e-9 * max(1, target) {
            tests[k].tick(&cell, dt: dt, limits: limits)
            clock += dt
            if tests[k].phase != .running {
                if tests[k].phase == .protected { alarm = true }
                clock = max(clock, target)
                return
            }
        }
    }

    static func makeCell(_ spec: SimulatedCell) throws(SimulatorError) -> CellModel {
        do {
            switch spec {
            case .chemistry(let name, let capacityAh, let soc):
                return try CellModel(parameters: ChemistryLibrary.named(name), capacityAh: capacityAh, initialSOC: soc)
            case .metadata(let cell):
                return try SimulatedChannel.forCell(cell).state().cell
            }
        } catch let e as SimulatorError {
            throw e
        } catch {
            throw SimulatorError("cell: \(error) (chemistries: \(ChemistryLibrary.names.joined(separator: ", ")))")
        }
    }
}
