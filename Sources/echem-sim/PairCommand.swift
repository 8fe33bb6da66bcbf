import ArgumentParser
import EchemCore
import EchemDrivers
import EchemSim
import EchemWireSim
import Foundation

/// `echem-sim pair`: one simulated cell with a Modbus cycler and a MethodSCRIPT potentiostat
/// wired to it at once, the bench of seeds 000, 003 and 004 (cycling on one instrument, EIS and
/// CV on the other), until SIGTERM or SIGINT.
struct PairCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pair",
        abstract: "One simulated cell behind a Modbus cycler (TCP) and a MethodSCRIPT potentiostat (pty) at once.",
        discussion: """
        Prints one line to stdout once both are serving, then logs to stderr:

          ready tcp 127.0.0.1:50211 unit 1 pty /dev/pts/7

        The cell: whichever instrument drives it (cycler output on, potentiostat cell_on) advances it; the other only measures (the terminal voltage, no current of its own). Switching on while the other drives is refused: the potentiostat's cell_on stops its script with !0032 (critical overload); the cycler's output on trips its output off at once (its status reads off). Cell time moves with the instrument that drives, or, when neither does, with the one that drove last (the cycler at first), so two lockstep clients never both advance the cell.

        Clock: --speed max (lockstep) advances the cycler one --sample-period per poll of actual_voltage and the potentiostat as fast as its client reads, so a test runs as fast as its clients; a factor runs both in scaled real time.

        Examples:
          echem-sim pair --cell protocols/seed-003/3-11-mos6-eis-after-cycles-1-20.yaml --modbus-port 1502 --link /tmp/ttyPSTAT --nominal-voltage 10V --nominal-current 10mA --speed max
          echem-sim pair --chemistry zns_anode --capacity 1mAh --link /tmp/ttyPSTAT --speed 100
        """)

    @Option(help: "Cycler's device profile (drivers/*.toml); a source/sink such as the EA PSB.")
    var profile: String = "drivers/ea-psb-10000.toml"

    @Option(help: ArgumentHelp("Cycler's Modbus TCP port (0 picks a free one; see the ready line).", valueName: "port"))
    var modbusPort: Int = 0

    @Option(help: ArgumentHelp("Address the Modbus TCP server listens on (IPv4).", valueName: "host"))
    var modbusHost: String = "127.0.0.1"

    @Option(help: "Cycler's unit id (TCP: 0…255).")
    var unit: Int = 1

    @Option(help: ArgumentHelp("A symlink to the potentiostat's pty slave side (removed on exit).", valueName: "path"))
    var link: String?

    @Option(help: ArgumentHelp("The potentiostat: nexus (default), es4_hr, es4_lr, espico.", valueName: "device"))
    var device: String = "nexus"

    @Option(help: ArgumentHelp("The cell from a cell file (CELL.yaml) or a protocol's `cell:` (instead of --chemistry and --capacity).", valueName: "file"))
    var cell: String?

    @Option(help: ArgumentHelp("The cell's parameter set, e.g. ideal_linear, zns_anode, mos6.", valueName: "name"))
    var chemistry: String = "ideal_linear"

    @Option(help: ArgumentHelp("The cell's capacity, e.g. 1mAh.", valueName: "capacity"))
    var capacity: String = "1mAh"

    @Option(help: ArgumentHelp("Initial state of charge, 0…1 (default: the parameter set's).", valueName: "fraction"))
    var initialSoc: Double?

    @Option(help: ArgumentHelp("Cycler's rated voltage (EA scalings are % of it). Default: the profile's [limits].", valueName: "volts"))
    var nominalVoltage: String?

    @Option(help: ArgumentHelp("Cycler's rated current; one count of an EA current register is this / 52428.", valueName: "amperes"))
    var nominalCurrent: String?

    @Option(help: ArgumentHelp("Cycler's rated power. Default: rated voltage × rated current when either is given.", valueName: "watts"))
    var nominalPower: String?

    @Option(help: ArgumentHelp("Cell time per wall-clock second for both instruments, or 'max' (lockstep: as fast as the clients read).", valueName: "factor|max"))
    var speed: String = "1"

    @Option(help: ArgumentHelp("Cell time per cycler physics step (one per poll with --speed max), e.g. 1s.", valueName: "duration"))
    var samplePeriod: String = "0.1s"

    @Option(help: ArgumentHelp("How the potentiostat's EIS finds Z: analytic (the linearised cell) or fra (a sine through the model).", valueName: "analytic|fra"))
    var eis: String = "analytic"

    func validate() throws {
        _ = try MethodSCRIPTCommand.model(device)
        guard (0...65_535).contains(modbusPort) else { throw ValidationError("--modbus-port \(modbusPort): expected 0…65535") }
        guard ["analytic", "fra"].contains(eis) else { throw ValidationError("--eis \(eis): expected analytic or fra") }
        if let s = initialSoc, !(0...1).contains(s) { throw ValidationError("--initial-soc must be within 0…1") }
    }

    func run() throws {
        let profile: DeviceProfile
        do { profile = try DeviceProfileLoader.load(contentsOf: URL(fileURLWithPath: self.profile)) } catch {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            throw ExitCode(78)
        }
        guard profile.device.kind != .load else {
            throw ValidationError("--profile \(self.profile): a \(profile.device.family) is an electronic load; the pair's cycler must be able to charge (a source/sink such as drivers/ea-psb-10000.toml)")
        }
        let pair: CellPairSimulator
        do {
            pair = try CellPairSimulator(cycler: try cyclerConfiguration(profile), potentiostat: try MethodSCRIPTCommand.model(device),
                                         link: link, impedance: eis == "fra" ? .timeDomain : .analytic)
        } catch let e as SimulatorError {
            throw ValidationError(e.description)
        }
        let c = pair.cycler.configuration
        let r = c.ratings ?? DeviceRatings.envelope(of: profile)
        Log.line("pair: \(profile.device.family) rated \(SIFormat.format(r.voltage, unit: "V")), \(SIFormat.format(r.current, unit: "A")) "
                 + "and \(pair.potentiostat.configuration.profile.name) on one cell (\(describeCell(c.cell))); "
                 + (c.clock == .lockstep ? "clock: lockstep, \(SIFormat.duration(c.samplePeriod)) per cycler poll" : "clock: ×\(speed)"))
        let signals = TerminationSignals()
        pair.start()
        guard case .tcp(let host, let port) = pair.cycler.endpoint else { return }
        FileHandle.standardOutput.write(Data("ready tcp \(host):\(port) unit \(unit) pty \(pair.potentiostat.path)\n".utf8))
        let caught = signals.wait()
        let s = pair.status
        pair.stop()
        Log.line("signal \(caught): stopped; cell at \(SIFormat.duration(s.seconds)), \(SIFormat.format(s.openCircuitVolts, unit: "V")) "
                 + "open circuit, \(s.refusals) refused switch-ons (\(pair.cycler.counters); "
                 + "\(pair.potentiostat.counters.scriptsRun) scripts)")
    }

    private func cyclerConfiguration(_ profile: DeviceProfile) throws -> ModbusDeviceSimulator.Configuration {
        let clock = try ModbusCommand.clock(speed)
        let period = try ModbusCommand.positive(samplePeriod, .time, "--sample-period")
        let q = try ModbusCommand.positive(capacity, .capacity, "--capacity")
        let host = modbusHost == "localhost" ? "127.0.0.1" : modbusHost
        return ModbusDeviceSimulator.Configuration(
            profile: profile, transport: .tcp(host: host, port: modbusPort), units: [unit],
            cell: try cell.map { .metadata(try CellFile.load($0)) } ?? .chemistry(chemistry, capacityAh: q, initialSOC: initialSoc),
            ratings: try ModbusCommand.ratings(profile, voltage: nominalVoltage, current: nominalCurrent, power: nominalPower),
            clock: clock, samplePeriod: period,
            log: { Log.line($0) })
    }

    private func describeCell(_ cell: SimulatedCell) -> String {
        switch cell {
        case .chemistry(let name, let q, _): "\(name) \(SIFormat.format(q, unit: "Ah"))"
        case .metadata(let m): "\(m.name) (\(m.chemistry ?? "no chemistry"))"
        }
    }
}
