import ArgumentParser
import EchemCore
import EchemDrivers
import EchemSim
import EchemWireSim
import Foundation

/// `echem-sim methodscript`: a PalmSens MethodSCRIPT potentiostat on a pseudo-terminal, with a
/// battery cell model or a reversible redox couple on its leads, until SIGTERM or SIGINT.
struct MethodSCRIPTCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "methodscript",
        abstract: "Serve a MethodSCRIPT potentiostat (EmStat4, Nexus, EmStat Pico) on a pseudo-terminal.",
        discussion: """
        Prints one line to stdout once it is serving, then logs to stderr:

          ready pty /dev/pts/7

        Host commands: t (firmware, two lines), v, i, e … empty line (run a script), Z (abort).
        Scripts: var, store_var, copy_var, add_var/sub_var/mul_var/div_var, set_* (recorded; set_e,
        set_i and set_pgstat_mode act), cell_on, cell_off, timer_start, timer_get, wait,
        meas_loop_cv (with nscans), meas_loop_lsv, meas_loop_ca, meas_loop_cp, meas_loop_ocp,
        meas_loop_eis, meas_loop_geis, pck_start/pck_add/pck_end, loop/endloop, if/elseif/else/endif,
        breakloop, send_string, on_finished:. Other commands answer the device's !XXXX error.

        Examples:
          echem-sim methodscript --pty --link /tmp/ttyPSTAT --chemistry zns_anode --capacity 2mAh --speed 100
          echem-sim methodscript --pty --cell redox --e0 0.2V --concentration 1 --speed max
          echem-sim methodscript --pty --device es4_hr --eis fra
        """)

    @Flag(help: "Serve on a new pseudo-terminal; its slave path is printed in the ready line.")
    var pty = false

    @Option(help: ArgumentHelp("Also make a symlink to the pty's slave side here (removed on exit).", valueName: "path"))
    var link: String?

    @Option(help: ArgumentHelp("The instrument, a model of drivers/methodscript/*.toml by model name or firmware prefix: nexus (default), emstat4-hr, emstat4-lr, emstat-pico.", valueName: "device"))
    var device: String = "nexus"

    @Option(help: ArgumentHelp("Line speed clients should use (a pty ignores it); default: the device's (921600, EmStat Pico 230400).", valueName: "baud"))
    var baud: Int?

    @Option(help: ArgumentHelp("What is on the leads: battery (echemd's cell model) or redox (a reversible couple).", valueName: "battery|redox"))
    var cell: String = "battery"

    @Option(help: ArgumentHelp("Battery cell's parameter set, e.g. ideal_linear, zns_anode, li_s.", valueName: "name"))
    var chemistry: String = "ideal_linear"

    @Option(help: ArgumentHelp("Battery cell's capacity, e.g. 1mAh.", valueName: "capacity"))
    var capacity: String = "1mAh"

    @Option(help: ArgumentHelp("Battery cell's initial state of charge, 0…1 (default: the set's).", valueName: "fraction"))
    var initialSoc: Double?

    @Option(help: ArgumentHelp("Redox couple's formal potential, e.g. 0.2V.", valueName: "volts"))
    var e0: String = "0.2V"

    @Option(help: ArgumentHelp("Redox couple's bulk concentration in mM (mol/m³).", valueName: "mM"))
    var concentration: Double = 1

    @Option(help: ArgumentHelp("Redox couple's diffusion coefficient in cm²/s.", valueName: "cm2/s"))
    var diffusion: Double = 1e-5

    @Option(help: ArgumentHelp("Electrode area in cm² (default: a 3 mm disc, 0.0707).", valueName: "cm2"))
    var area: Double = 0.0707

    @Option(help: ArgumentHelp("Standard rate constant k° in cm/s for a quasi-reversible couple (default: reversible).", valueName: "cm/s"))
    var k0: Double?

    @Option(help: ArgumentHelp("Double-layer capacitance of the redox electrode in F.", valueName: "farad"))
    var doubleLayer: Double = 0

    @Option(help: ArgumentHelp("Potential the redox electrode rests at (default: E° − 0.3 V).", valueName: "volts"))
    var rest: String?

    @Option(help: ArgumentHelp("Cell time per wall-clock second (1 = real time), or 'max': as fast as the client reads.", valueName: "factor|max"))
    var speed: String = "1"

    @Option(help: ArgumentHelp("How EIS finds Z: analytic (the linearised cell) or fra (a sine through the time-domain model).", valueName: "analytic|fra"))
    var eis: String = "analytic"

    func validate() throws {
        guard pty else { throw ValidationError("give --pty (a MethodSCRIPT device is a serial port; the simulator serves a pseudo-terminal)") }
        _ = try Self.model(device)
        guard ["battery", "redox"].contains(cell) else { throw ValidationError("--cell \(cell): expected battery or redox") }
        guard ["analytic", "fra"].contains(eis) else { throw ValidationError("--eis \(eis): expected analytic or fra") }
        if let baud, !SerialSettings.supportedBaudRates.contains(baud) {
            throw ValidationError("--baud \(baud): expected one of \(SerialSettings.supportedBaudRates.map(String.init).joined(separator: ", "))")
        }
    }

    func run() throws {
        let configuration = try makeConfiguration()
        let simulator: MethodSCRIPTSimulator
        do { simulator = try MethodSCRIPTSimulator(configuration) } catch { throw ValidationError(error.description) }
        let p = configuration.profile
        Log.line("\(p.name) (t: \(p.firmwarePrefix)) at \(baud ?? p.baud) baud; \(describeCell()); "
                 + "clock: \(speed == "max" ? "as fast as the client reads" : "×\(speed)"); EIS: \(eis)")
        let signals = TerminationSignals()
        simulator.start()
        FileHandle.standardOutput.write(Data("ready pty \(simulator.path)\n".utf8))
        let caught = signals.wait()
        simulator.stop()
        Log.line("signal \(caught): stopped (\(simulator.counters.scriptsRun) scripts, \(simulator.counters.aborts) aborts)")
    }

    func makeConfiguration() throws -> MethodSCRIPTSimulator.Configuration {
        let clock: SimulationClock
        if speed.lowercased() == "max" { clock = .lockstep } else {
            guard let factor = Double(speed), factor > 0, factor.isFinite else {
                throw ValidationError("--speed \(speed): expected a factor > 0 (1 = real time) or 'max'")
            }
            clock = .realTime(speed: factor)
        }
        let simulated: MethodSCRIPTSimulator.Cell
        if cell == "redox" {
            let e = try ModbusCommand.quantity(e0, .voltage, "--e0")
            let restVolts = try rest.map { try ModbusCommand.quantity($0, .voltage, "--rest") } ?? e - 0.3
            let couple = RedoxCouple(e0Volts: e, concentrationMolPerCm3: concentration * 1e-6,
                                     diffusionCm2PerSecond: diffusion, areaCm2: area, doubleLayerFarads: doubleLayer,
                                     k0CmPerSecond: k0)
            do { try couple.validate() } catch { throw ValidationError("--cell redox: \(error)") }
            simulated = .redox(couple, restVolts: restVolts)
        } else {
            let q = try ModbusCommand.quantity(capacity, .capacity, "--capacity")
            guard q > 0 else { throw ValidationError("--capacity must be > 0") }
            if let s = initialSoc, !(0...1).contains(s) { throw ValidationError("--initial-soc must be within 0…1") }
            do { simulated = try .chemistry(chemistry, capacityAh: q, initialSOC: initialSoc) } catch {
                throw ValidationError("--chemistry \(chemistry): \(error) (one of \(ChemistryLibrary.names.joined(separator: ", ")))")
            }
        }
        return MethodSCRIPTSimulator.Configuration(
            profile: try Self.model(device), cell: simulated, clock: clock,
            impedance: eis == "fra" ? .timeDomain : .analytic, link: link, log: { Log.line($0) })
    }

    private func describeCell() -> String {
        cell == "redox"
            ? "redox couple E° \(e0), \(concentration) mM, D \(diffusion) cm²/s, \(area) cm²" + (k0.map { ", k° \($0) cm/s" } ?? " (reversible)")
            : "cell \(chemistry) \(capacity)"
    }
}

extension MethodSCRIPTCommand {
    /// `--device`: a model of the drivers folder's `methodscript/*.toml` (`$ECHEMD_DRIVERS`,
    /// `/usr/share/echemd/drivers` or `./drivers`), by model name or firmware prefix.
    static func model(_ device: String) throws -> MethodSCRIPTProfile {
        let catalog: MethodSCRIPTCatalog
        do { catalog = try MethodSCRIPTCatalog.standard() } catch { throw ValidationError(error.description) }
        guard let profile = catalog.named(device) else {
            throw ValidationError("--device \(device): expected one of \(catalog.models.joined(separator: ", ")) (drivers/methodscript/*.toml)")
        }
        return profile
    }
}
