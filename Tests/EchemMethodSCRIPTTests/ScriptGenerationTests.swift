import EchemCore
import EchemDrivers
import Testing

/// The scripts the engine's set-points compile to, on a Nexus profile with 1 s samples.
@Suite("MethodSCRIPT script generation")
struct ScriptGenerationTests {
    let compiler = MethodSCRIPTCompiler(profile: .nexus, samplePeriod: 1)

    /// The measurement body every technique streams: time, potential, current per package.
    static let body = """
          timer_get t
          pck_start
          pck_add t
          pck_add p
          pck_add c
          pck_end

        """

    @Test("rest is an open-circuit measurement with the cell off, one package per second")
    func openCircuit() throws {
        let p = try compiler.program(for: .off)
        #expect(p.text == """
            var t
            var p
            set_pgstat_chan 0
            set_pgstat_mode 2
            cell_off
            timer_start
            meas_loop_ocp p 1 86400
              timer_get t
              pck_start
              pck_add t
              pck_add p
              pck_end
            endloop
            on_finished:
              cell_off

            """)
        #expect(p.loops == [.hold] && p.restartsWhenDone)
        #expect(p.upload.hasPrefix("e\nvar t\n") && p.upload.hasSuffix("cell_off\n\n"))
    }

    @Test("a potential hold is chronoamperometry at 3.55 V with a current guard for a 10 mA compliance")
    func chronoamperometry() throws {
        let p = try compiler.program(for: Setpoint(.voltage(volts: 3.55), maxAbsCurrent: 0.01))
        #expect(p.text == """
            var t
            var p
            var c
            set_pgstat_chan 0
            set_pgstat_mode 2
            set_range_minmax da 3550m 3550m
            set_range ba 10m
            set_autoranging ba 100p 10m
            set_e 3550m
            cell_on
            timer_start
            meas_loop_ca p c 3550m 1 86400

            """ + Self.body + """
              if c > 10m
                send_string "compliance: current above 10mA"
                breakloop
              endif
              if c < -10m
                send_string "compliance: current below -10mA"
                breakloop
              endif
            endloop
            on_finished:
              cell_off

            """)
        #expect(p.purpose == .potentiostatic)
    }

    @Test("a current hold is chronopotentiometry at 100 µA in galvanostatic mode 6 with 2.5/4.2 V guards")
    func chronopotentiometry() throws {
        let p = try compiler.program(for: Setpoint(.current(amperes: 1e-4), minVolts: 2.5, maxVolts: 4.2))
        #expect(p.text == """
            var t
            var p
            var c
            set_pgstat_chan 0
            set_pgstat_mode 6
            set_range ba 100u
            set_autoranging ba 100u 100u
            set_i 0
            cell_on
            timer_start
            meas_loop_cp p c 100u 1 86400

            """ + Self.body + """
              if p > 4200m
                send_string "compliance: potential above 4200mV"
                breakloop
              endif
              if p < 2500m
                send_string "compliance: potential below 2500mV"
                breakloop
              endif
            endloop
            on_finished:
              cell_off

            """)
    }

    @Test("a 3-cycle CV at 0.1 mV/s, 1 mV steps, is one meas_loop_cv with nscans(3), then a hold at the start")
    func cyclicVoltammetry() throws {
        let s = Sweep(startVolts: 3.5, vertices: [3.6, 3.4], scanRateVoltsPerSecond: 1e-4, cycles: 3)
        let p = try compiler.program(for: Setpoint(.sweep(s)))
        #expect(p.text == """
            var t
            var p
            var c
            set_pgstat_chan 0
            set_pgstat_mode 2
            set_range_minmax da 3400m 3600m
            set_range ba 1
            set_autoranging ba 100p 1
            set_e 3500m
            cell_on
            timer_start
            meas_loop_cv p c 3500m 3600m 3400m 1m 100u nscans(3)

            """ + Self.body + """
            endloop
            meas_loop_ca p c 3500m 1 86400

            """ + Self.body + """
            endloop
            on_finished:
              cell_off

            """)
        #expect(p.loops == [.sweep(firstCycle: 1), .sweepHold(lastCycle: 3)])
        #expect(p.packageInterval == 10)  // 1 mV at 0.1 mV/s
    }

    @Test("a different first cycle (seed 4-5: 1.7–3.2 V, then 1.7–2.8 V) is two CV loops")
    func differentFirstCycle() throws {
        let s = Sweep(startVolts: 2.0, vertices: [1.7, 2.8], scanRateVoltsPerSecond: 1e-4, cycles: 3,
                      firstCycleVertices: [1.7, 3.2])
        let p = try compiler.program(for: Setpoint(.sweep(s)))
        #expect(p.lines.filter { $0.hasPrefix("meas_loop") } == [
            "meas_loop_cv p c 2 1700m 3200m 1m 100u",
            "meas_loop_cv p c 2 1700m 2800m 1m 100u nscans(2)",
            "meas_loop_ca p c 2 1 86400",
        ])
        #expect(p.loops == [.sweep(firstCycle: 1), .sweep(firstCycle: 2), .sweepHold(lastCycle: 3)])
    }

    @Test("an LSV from the open-circuit potential probes the OCP into e_start and sweeps from it")
    func linearSweepFromOCV() throws {
        let s = Sweep(startVolts: .nan, vertices: [2.5], scanRateVoltsPerSecond: 1e-3, cycles: 1, returnsToStart: false)
        let p = try compiler.program(for: Setpoint(.sweep(s)))
        #expect(Array(p.lines.prefix(15)) == [
            "var e_start", "var t", "var p", "var c",
            "set_pgstat_chan 0", "set_pgstat_mode 2", "set_range_minmax da -10 10", "set_range ba 1",
            "set_autoranging ba 100p 1", "cell_off", "meas_loop_ocp e_start 100m 500m", "endloop",
            "set_e e_start", "cell_on", "timer_start",
        ])
        #expect(p.lines.filter { $0.hasPrefix("meas_loop") } == [
            "meas_loop_ocp e_start 100m 500m", "meas_loop_lsv p c e_start 2500m 1m 1m", "meas_loop_ca p c 2500m 1 86400",
        ])
        #expect(p.loops == [.probe, .sweep(firstCycle: 1), .sweepHold(lastCycle: 1)])
    }

    @Test("a CV that ends at another potential runs its last cycle as LSV legs")
    func cvEndingElsewhere() throws {
        let s = Sweep(startVolts: 3.5, vertices: [3.6, 3.4], scanRateVoltsPerSecond: 1e-3, cycles: 2, endVolts: 3.45)
        let p = try compiler.program(for: Setpoint(.sweep(s)))
        #expect(p.lines.filter { $0.hasPrefix("meas_loop") } == [
            "meas_loop_cv p c 3500m 3600m 3400m 1m 1m",
            "meas_loop_lsv p c 3500m 3600m 1m 1m", "meas_loop_lsv p c 3600m 3400m 1m 1m",
            "meas_loop_lsv p c 3400m 3450m 1m 1m", "meas_loop_ca p c 3450m 1 86400",
        ])
        #expect(p.loops == [.sweep(firstCycle: 1), .sweep(firstCycle: 2), .sweep(firstCycle: 2), .sweep(firstCycle: 2),
                            .sweepHold(lastCycle: 2)])
    }

    @Test("PEIS at open circuit: 100 kHz → 10 mHz, 10/decade is 71 points at 5 mV rms around the probed OCP")
    func potentiostaticEIS() throws {
        let p = try compiler.impedance(EISSpec(mode: .potentiostatic, startHz: 1e5, endHz: 0.01, pointsPerDecade: 10,
                                               amplitude: 0.005))
        #expect(p.text == """
            var e_dc
            var t
            var f
            var r
            var j
            set_pgstat_chan 0
            set_pgstat_mode 3
            set_range ba 1
            set_autoranging ba 100p 1
            cell_off
            meas_loop_ocp e_dc 100m 500m
            endloop
            set_e e_dc
            cell_on
            timer_start
            meas_loop_eis f r j 5m 100k 10m 71i e_dc
              timer_get t
              pck_start
              pck_add t
              pck_add f
              pck_add r
              pck_add j
              pck_end
            endloop
            on_finished:
              cell_off

            """)
        #expect(p.loops == [.probe, .impedance])
    }

    @Test("GEIS: 10 kHz → 1 Hz, 5/decade at 100 µA rms around −1 mA in galvanostatic mode")
    func galvanostaticEIS() throws {
        let p = try compiler.impedance(EISSpec(mode: .galvanostatic, startHz: 1e4, endHz: 1, pointsPerDecade: 5,
                                               amplitude: 1e-4, dcLevel: -1e-3))
        #expect(p.lines.contains("set_pgstat_mode 6"))
        #expect(p.lines.contains("set_i -1m"))
        #expect(p.lines.contains("meas_loop_geis f r j 100u 10k 1 21i -1m"))
    }

    @Test("what the instrument cannot do is refused before the device is touched")
    func refusals() {
        #expect(throws: ChannelError.unsupported("constant power on a MethodSCRIPT potentiostat (it regulates potential or current)")) {
            try compiler.program(for: Setpoint(.power(watts: 0.01)))
        }
        #expect(throws: ChannelError.self) { try compiler.program(for: Setpoint(.voltage(volts: 12))) }
        let pico = MethodSCRIPTCompiler(profile: .emStatPico)
        #expect(throws: ChannelError.unsupported("constant current: the EmStat Pico has no galvanostat mode")) {
            try pico.program(for: Setpoint(.current(amperes: 1e-4)))
        }
        #expect(throws: ChannelError.self) {
            try pico.impedance(EISSpec(mode: .potentiostatic, startHz: 1e6, endHz: 1, pointsPerDecade: 10, amplitude: 0.01))
        }
    }

    @Test("literals are integers with SI prefixes")
    func literals() {
        #expect(MethodSCRIPTLiteral.format(1e-4) == "100u")
        #expect(MethodSCRIPTLiteral.format(2.5) == "2500m")
        #expect(MethodSCRIPTLiteral.format(-0.5) == "-500m")
        #expect(MethodSCRIPTLiteral.format(86_400) == "86400")
        #expect(MethodSCRIPTLiteral.format(1e5) == "100k")
        #expect(MethodSCRIPTLiteral.format(0) == "0")
        #expect(MethodSCRIPTLiteral.parse("500m")! == (0.5, false))
        #expect(MethodSCRIPTLiteral.parse("41i")! == (41, true))
        #expect(MethodSCRIPTLiteral.parse("5x") == nil)
    }
}
