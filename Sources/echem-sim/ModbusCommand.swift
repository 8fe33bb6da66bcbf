import ArgumentParser
import EchemCore
import EchemDrivers
import EchemWireSim
import Foundation

/// `echem-sim modbus`: one Modbus instrument (or several units on one RTU line) described by a
/// device profile, served over TCP or over a pseudo-terminal until SIGTERM or SIGINT.
struct ModbusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "modbus",
        abstract: "Serve a device profile's Modbus register map, driving a simulated cell from its set-points.",
        discussion: """
        Prints one line to stdout once it is serving, then logs to stderr:

          ready tcp 127.0.0.1:50211 unit 1
          ready rtu /dev/pts/7 unit 1

        Behaviour: set-points written by a client are decoded through the profile's scaling. A source/sink (EA PSB) charges at set_current up to set_voltage, then holds it (CV); with set_sink_current > 0 it discharges down to set_voltage; set_power and set_sink_power cap the power. A load (Maynuo M97) sinks in the mode its command register selects (CC, CV, CW, CR). Measured registers show each reading quantized to one count of the register, and actual_current shows the magnitude (a `sink` status bit, where the profile names one, gives the direction).

        Faults (--faults), probabilities per request, at most one per request:
          drop=P          act on the request, send no reply (the client times out)
          crc=P           damage the reply: bad CRC (RTU), wrong transaction id (TCP)
          delay=P:300ms   send the reply late
          disconnect=P    close the TCP connection instead of answering (TCP only)

        A profile with errors prints its located diagnostics and exits with status 78.

        Examples:
          echem-sim modbus --profile drivers/ea-psb-10000.toml --tcp 127.0.0.1:0 --nominal-voltage 10V --nominal-current 10mA --cell-chemistry zns_anode --capacity 1mAh
          echem-sim modbus --profile drivers/maynuo-m97.toml --pty --link /tmp/ttyLOAD --unit 3 --speed max
        """)

    @Option(help: "Device profile (drivers/*.toml).")
    var profile: String

    @Option(help: ArgumentHelp("Serve Modbus TCP on HOST:PORT (an IPv4 address; port 0 picks a free one).", valueName: "host:port"))
    var tcp: String?

    @Flag(help: "Serve Modbus RTU on a new pseudo-terminal; its slave path is printed in the ready line.")
    var pty = false

    @Option(help: ArgumentHelp("With --pty: also make a symlink to the slave side here (removed on exit).", valueName: "path"))
    var link: String?

    @Option(help: "Unit id (slave address). RTU: 1…247, since 0 is the broadcast address.")
    var unit: Int = 1

    @Option(help: ArgumentHelp("Several units on one bus, each with its own cell, e.g. 1,2 (instead of --unit).", valueName: "ids"))
    var units: String?

    @Option(help: ArgumentHelp("The simulated cell from a cell file (CELL.yaml) or from a protocol file's `cell:`, sized as echemd's simulated channels size it (instead of --cell-chemistry and --capacity).", valueName: "file"))
    var cell: String?

    @Option(help: ArgumentHelp("Simulated cell's parameter set, e.g. ideal_linear, zns_anode, li_s.", valueName: "name"))
    var cellChemistry: String = "ideal_linear"

    @Option(help: ArgumentHelp("Cell capacity, e.g. 1mAh.", valueName: "capacity"))
    var capacity: String = "1mAh"

    @Option(help: ArgumentHelp("Initial state of charge, 0…1 (default: the parameter set's).", valueName: "fraction"))
    var initialSoc: Double?

    @Option(help: ArgumentHelp("The unit's rated voltage (nominal registers; EA scalings are % of it). Default: the profile's [limits].", valueName: "volts"))
    var nominalVoltage: String?

    @Option(help: ArgumentHelp("The unit's rated current. One count of an EA current register is this / 52428.", valueName: "amperes"))
    var nominalCurrent: String?

    @Option(help: ArgumentHelp("The unit's rated power. Default: rated voltage × rated current when either is given, else the profile's.", valueName: "watts"))
    var nominalPower: String?

    @Option(name: .customLong("set"), help: ArgumentHelp("Initial value of a register by name, in SI or as text: --set device_class=0x0010 --set serial_number=A1234.", valueName: "name=value"))
    var presets: [String] = []

    @Option(help: ArgumentHelp("Cell time per wall-clock second (1 = real time), or 'max': one sample per poll of actual_voltage, as fast as the client reads.", valueName: "factor|max"))
    var speed: String = "1"

    @Option(help: ArgumentHelp("Cell time per physics step, e.g. 0.1s or 100ms.", valueName: "duration"))
    var samplePeriod: String = "0.1s"

    @Option(help: ArgumentHelp("Faults to inject, e.g. drop=0.01,crc=0.01,delay=0.01:300ms,disconnect=0.001.", valueName: "spec"))
    var faults: String?

    @Option(help: "Seed of the fault generator (the same seed and requests give the same faults).")
    var seed: UInt64 = 1

    func validate() throws {
        guard (tcp != nil) != pty else { throw ValidationError("give exactly one of --tcp HOST:PORT or --pty") }
        if link != nil && !pty { throw ValidationError("--link needs --pty") }
    }

    func run() throws {
        let profile = try loadProfile()
        let configuration = try makeConfiguration(profile)
        let simulator: ModbusDeviceSimulator
        do { simulator = try ModbusDeviceSimulator(configuration) } catch {
            throw ValidationError(error.description)
        }
        describe(simulator)
        let signals = TerminationSignals()
        simulator.start()
        // Unbuffered, so a parent reading a pipe sees it at once.
        FileHandle.standardOutput.write(Data((readyLine(simulator) + "\n").utf8))
        let caught = signals.wait()
        simulator.stop()
        Log.line("signal \(caught): stopped (\(simulator.counters))")
    }

    /// Located diagnostics and exit 78 (EX_CONFIG) for a profile with mistakes.
    private func loadProfile() throws -> DeviceProfile {
        do {
            return try DeviceProfileLoader.load(contentsOf: URL(fileURLWithPath: profile))
        } catch {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            throw ExitCode(78)
        }
    }

    private func readyLine(_ s: ModbusDeviceSimulator) -> String {
        let ids = s.units.map(String.init).joined(separator: ",")
        let who = s.units.count == 1 ? "unit \(ids)" : "units \(ids)"
        switch s.endpoint {
        case .tcp(let host, let port): return "ready tcp \(host):\(port) \(who)"
        case .rtu(let path, _): return "ready rtu \(path) \(who)"
        }
    }
}
