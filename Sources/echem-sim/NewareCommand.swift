import ArgumentParser
import EchemCore
import EchemDrivers
import EchemWireSim
import Foundation

/// `echem-sim neware`: a simulated Neware BTS Client (the BTS API over TCP) with a bench of
/// channels running step files on the cell model, until SIGTERM or SIGINT.
struct NewareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "neware",
        abstract: "Serve the Neware BTS API (XML over TCP), running step files on simulated cells.",
        discussion: """
        Prints one line to stdout once it is listening, then logs to stderr:

          ready tcp 127.0.0.1:5502

        Channels: --devices devices (device ids from --first-device-id), each with --subdevices sub-devices of --channels channels, devtype 27 (BTS85). `start` reads the step file at the path it names: a POSIX path as it is, a Windows path (C:\\steps\\a.xml) under --step-root. Each start puts a fresh cell on the channel.

        Clock (--speed): a factor (1 = real time, 3600 = an hour per second), 'max' (as fast as the CPU allows), or --poll-advance DURATION (each `inquire` advances running tests by that much test time, and nothing else does).

        Quirks of the real BTS Client are reproduced: `donwload_resp`, `Channelid` in getdevinfo, subdevid="1" in getchlstatus replies (turn off with --no-stray-subdevid), one test id per start batch, cycle ids from 0 in download and from 1 in downloadStepLayer. --units chooses whether current, capacity and energy are reported in A/Ah/Wh or mA/mAh/mWh.

        Examples:
          echem-sim neware --port 5502 --devices 2 --speed max --chemistry li_s --capacity 1.9mAh
          echem-sim neware --port 0 --cell protocols/seed-001/1-1-lis-1c-cycling-with-activation.yaml --speed 600 --units mA
        """)

    @Option(help: "TCP port (502 is the BTS default but needs privileges; 0 picks a free one).")
    var port: Int

    @Option(help: "IPv4 address to listen on.")
    var host: String = "127.0.0.1"

    @Option(help: "Number of devices (middle machines).")
    var devices: Int = 2

    @Option(help: "Device id of the first device.")
    var firstDeviceId: Int = 1

    @Option(help: "Sub-devices per device.")
    var subdevices: Int = 1

    @Option(help: "Channels per sub-device.")
    var channels: Int = 8

    @Option(help: ArgumentHelp("Test time per wall-clock second (1 = real time), or 'max'.", valueName: "factor|max"))
    var speed: String = "1"

    @Option(help: ArgumentHelp("Instead of --speed: each inquire advances running tests by this much test time, e.g. 10min.", valueName: "duration"))
    var pollAdvance: String?

    @Option(help: ArgumentHelp("Cell parameter set, e.g. ideal_linear, zns_anode, li_s.", valueName: "name"))
    var chemistry: String = "ideal_linear"

    @Option(help: ArgumentHelp("Cell capacity, e.g. 1mAh.", valueName: "capacity"))
    var capacity: String = "1mAh"

    @Option(help: ArgumentHelp("Initial state of charge, 0…1 (default: the parameter set's).", valueName: "fraction"))
    var initialSoc: Double?

    @Option(help: ArgumentHelp("A cell file or a protocol with a cell: map; sizes the cell as echemd's own simulated channel does (instead of --chemistry/--capacity).", valueName: "file"))
    var cell: String?

    @Option(help: ArgumentHelp("Test time per physics step, e.g. 1s.", valueName: "duration"))
    var samplePeriod: String = "1s"

    @Option(help: ArgumentHelp("Units of current, capacity and energy in replies: A (A, Ah, Wh) or mA (mA, mAh, mWh).", valueName: "A|mA"))
    var units: String = "A"

    @Option(help: ArgumentHelp("Directory that stands for the BTS machine's drive in Windows step-file paths.", valueName: "dir"))
    var stepRoot: String?

    @Option(help: ArgumentHelp("Channel current range (±), e.g. 100mA.", valueName: "current"))
    var maxCurrent: String = "100mA"

    @Option(help: ArgumentHelp("Channel voltage range, lower end.", valueName: "volts"))
    var minVoltage: String = "-5V"

    @Option(help: ArgumentHelp("Channel voltage range, upper end.", valueName: "volts"))
    var maxVoltage: String = "5V"

    @Flag(help: "Report the sub-device asked for in getchlstatus replies (a real BTS 8 sometimes says subdevid=\"1\").")
    var noStraySubdevid = false

    func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port \(port): expected 0…65535") }
        guard devices >= 1, subdevices >= 1, channels >= 1 else {
            throw ValidationError("--devices, --subdevices and --channels must each be ≥ 1")
        }
        if pollAdvance != nil && speed != "1" { throw ValidationError("give --speed or --poll-advance, not both") }
    }

    func run() throws {
        let configuration = try makeConfiguration()
        let simulator: NewareSimulator
        do { simulator = try NewareSimulator(configuration) } catch { throw ValidationError(error.description) }
        Log.line("neware: \(simulator.channels.count) channels (devtype 27, devices \(configuration.topology.deviceIDs.map(String.init).joined(separator: ",")) × "
                 + "\(subdevices) × \(channels)); clock \(clockText(configuration.clock)); units \(configuration.unitScale.rawValue)")
        let signals = TerminationSignals()
        simulator.start()
        FileHandle.standardOutput.write(Data("ready tcp \(simulator.host):\(simulator.port)\n".utf8))
        let caught = signals.wait()
        simulator.stop()
        Log.line("signal \(caught): stopped after \(simulator.requestCount) requests")
    }

    private func makeConfiguration() throws -> NewareSimulator.Configuration {
        let clock: NewareClock
        if let pollAdvance {
            clock = .lockstep(seconds: try ModbusCommand.quantity(pollAdvance, .time, "--poll-advance"))
        } else if speed.lowercased() == "max" {
            clock = .unbounded
        } else {
            guard let factor = Double(speed), factor > 0, factor.isFinite else {
                throw ValidationError("--speed \(speed): expected a factor > 0 (1 = real time) or 'max'")
            }
            clock = .realTime(speed: factor)
        }
        let simulatedCell: SimulatedCell
        if let cell {
            simulatedCell = .metadata(try CellFile.load(cell))
        } else {
            let q = try ModbusCommand.quantity(capacity, .capacity, "--capacity")
            guard q > 0 else { throw ValidationError("--capacity must be > 0") }
            if let s = initialSoc, !(0...1).contains(s) { throw ValidationError("--initial-soc must be within 0…1") }
            simulatedCell = .chemistry(chemistry, capacityAh: q, initialSOC: initialSoc)
        }
        guard let scale = BTSUnitScale(name: units) else { throw ValidationError("--units \(units): expected A or mA") }
        let period = try ModbusCommand.quantity(samplePeriod, .time, "--sample-period")
        guard period > 0 else { throw ValidationError("--sample-period must be > 0") }
        return NewareSimulator.Configuration(
            host: host == "localhost" ? "127.0.0.1" : host, port: port,
            topology: NewareTopology(devices: devices, firstDeviceID: firstDeviceId, subdevicesPerDevice: subdevices,
                                     channelsPerSubdevice: channels),
            cell: simulatedCell, clock: clock, samplePeriod: period, unitScale: scale, stepFileRoot: stepRoot,
            minVolts: try ModbusCommand.quantity(minVoltage, .voltage, "--min-voltage"),
            maxVolts: try ModbusCommand.quantity(maxVoltage, .voltage, "--max-voltage"),
            maxAbsCurrent: try ModbusCommand.quantity(maxCurrent, .current, "--max-current"),
            strayStatusSubdevice: !noStraySubdevid, log: { Log.line($0) })
    }

    private func clockText(_ c: NewareClock) -> String {
        switch c {
        case .realTime(let s): return "×\(SIFormat.number(s))"
        case .unbounded: return "max"
        case .lockstep(let s): return "\(SIFormat.duration(s)) per inquire"
        }
    }
}
