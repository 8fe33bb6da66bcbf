import EchemCore
@testable import EchemProtocol

/// Valid protocols written for these tests (the repo's protocols/ folder belongs to others).
/// Each exercises a family of constructs; the mutation test starts from all of them.
enum Fixtures {
    /// Seed 000: ZnS anode, 140 mA/g first cycle then 840 mA/g, EIS before and after 20 cycles.
    static let znsAnode = """
    echemd: 1
    name: ZnS anode, 140 then 840 mA/g, 300 cycles
    description: |
      Seed 000 rows 0-1, 0-3 and 0-6.
    cell:
      name: ZnS-QDs@mNC half cell
      chemistry: zns_anode
      area: 1.131 cm2
      masses:
        composite: 0.70 mg/cm2
      mass_basis: composite
      nominal_specific_capacity: 1000 mAh/g
    record: {every: 10 s, dV: 5 mV}
    safety: {voltage: [0 V, 3.1 V], current: 5 mA, debounce: 1 s, action: stop}
    events:
      - after_cycles: [1, 20, 500]
        steps:
          - rest: 1 h
          - eis: {from: 1 MHz, to: 0.1 Hz, amplitude: 10 mV}
    steps:
      - rest: 6 h
      - label: lithiate
        discharge: 140 mA/g
        until:
          - V <= 0.01 V
          - time >= 20 h then end
      - label: delithiate
        charge: 140 mA/g
        until: [V >= 3.0 V]
      - loop:
          label: long_cycling
          count: 299
          steps:
            - discharge: 840 mA/g
              until: [V <= 0.01 V]
            - charge: 840 mA/g
              until: [V >= 3.0 V]

    """

    /// Seed 001: Li–S rate test, C-rates on the sulfur mass, nested loops.
    static let lisRate = """
    echemd: 1
    name: Li-S rate test 0.1C to 2C
    cell:
      name: UHS ZIF-67 S host
      chemistry: li_s
      area: 1 cm2
      masses:
        sulfur: 4.5 mg/cm2
      nominal_specific_capacity: 1675 mAh/g sulfur
    safety:
      voltage: [1.5 V, 3.0 V]
    steps:
      - loop:
          label: rates
          count: 2
          advances_cycle: false
          steps:
            - loop:
                count: 5
                steps:
                  - Discharge at C/10 until 1.7 V
                  - Charge at C/10 until 2.8 V
            - loop:
                count: 5
                steps:
                  - discharge: 2C
                    until: [V <= 1.7 V, time >= 1 h]
                  - charge: 2C
                    until: [V >= 2.8 V, time >= 1 h]

    """

    /// GITT (Weppner–Huggins): pulse and rest until the cut-off, latched.
    static let gitt = """
    echemd: 1
    name: GITT discharge
    cell:
      name: MoS6 pellet
      masses: {active: 2 mg}
      mass_basis: active
      nominal_specific_capacity: 600 mAh/g
      active_amount: 4.1 µmol
      molar_volume: 23.9 cm3/mol
      interfacial_area: 0.785 cm2
    record: {every: 5 s, dV: 1 mV}
    steps:
      - ocv: 2 h
      - repeat:
          label: gitt
          until: [V <= 1.0 V]
          max_passes: 200
          advances_cycle: false
          steps:
            - discharge: 0.1C
              until: [time >= 10 min, V <= 1.0 V]
              record: {every: 1 s}
            - rest: 40 min

    """

    /// Seed 000 row 0-2 and seed 004: CV from OCV, a different first cycle.
    static let cvSweep = """
    echemd: 1
    name: CV four cycles
    steps:
      - rest: 1 h
      - sweep:
          start: ocv
          vertices: [0.01 V, 2.5 V]
          scan_rate: 0.1 mV/s
          cycles: 4
          first_cycle: {vertices: [1.7 V, 3.2 V], scan_rate: 0.2 mV/s}
          end: 3.0 V
      - sweep:
          start: 3.0 V
          vertices: [1.7 V]
          scan_rate: 1 mV/s
          return_to_start: false

    """

    /// Operando EIS every 30 min during a discharge; galvanostatic EIS at the end.
    static let operandoEIS = """
    echemd: 1
    name: operando EIS during discharge
    cell: {name: Li-S coin, masses: {sulfur: 1 mg}, mass_basis: sulfur, nominal_specific_capacity: 1675 mAh/g}
    steps:
      - label: operando_discharge
        discharge: 0.05C
        until: [V <= 1.7 V]
        every:
          - interval: 30 min
            steps:
              - eis: {from: 100 kHz, to: 10 mHz, amplitude: 5 mV}
      - eis:
          mode: galvanostatic
          from: 10 kHz
          to: 100 mHz
          points_per_decade: 5
          amplitude: 10 µA
          dc: 0 A
          settle_cycles: 2
          integration_cycles: 4

    """

    /// Every remaining control mode: temperature, operator, hold with compliance, CCCV, power, resistance.
    static let modes = """
    echemd: 1
    name: every mode
    safety: {voltage: [2.5 V, 4.3 V], temperature: [-30 degC, 70 degC], step_time: 100 h}
    steps:
      - temperature: {setpoint: 60 degC, soak: 2 h}
      - operator: Move the cell to the potentiostat
      - cccv: {current: 1 mA, voltage: 4.2 V}
        until: ["|I| <= 50 µA", time >= 5 h]
      - hold: {voltage: 4.2 V, current_limit: 5 mA}
        until: [time >= 1 h]
      - chronoamperometry: -3 V
        until: [time >= 10 min]
      - power: -10 mW
        until: [V <= 3.0 V, energy >= 5 mWh]
      - resistance: 100 ohm
        until: [V <= 2.7 V]
      - chronopotentiometry: 10 µA
        until: [dV >= 50 mV, capacity >= 0.1 mAh]
      - current: -1 mA
        until: ["dV/dt <= -1 mV/min", test_time >= 10 d, T >= 65 degC, cycle >= 3]

    """

    /// PyBaMM strings only, absolute units (no cell needed).
    static let pybamm = """
    echemd: 1
    name: PyBaMM shorthand
    steps:
      - Discharge at 1 mA for 2 hours or until 2.5 V
      - Rest for 2 hours
      - Charge at 1 mA until 4.1 V
      - Hold at 4.1 V until 50 µA
      - Charge at 200 mW for 45 minutes
      - Discharge at 4 Ohm until 3 V

    """

    /// Goto, pause, end; per-step limits tighten the global ones.
    static let gotoFlow = """
    echemd: 1
    name: formation with a recovery branch
    safety: {voltage: [2.0 V, 4.4 V], current: 10 mA, debounce: 2 s}
    steps:
      - label: formation
        charge: 1 mA
        until:
          - V >= 4.2 V
          - time >= 30 h then goto recover
        limits: {voltage: [2.5 V, 4.3 V], current: 2 mA}
      - discharge: 1 mA
        until: [V <= 3.0 V, time >= 30 h then pause]
      - label: done
        rest: 10 min
        until: [{when: "V <= 2.9 V", then: end}]
      - label: recover
        rest: 1 h
      - operator: Check the cell

    """

    /// Li‖Cu plating/stripping at an areal current; cycles counted on discharge after charge.
    static let lithiumCopper = """
    echemd: 1
    name: Li||Cu plating
    cell: {name: Li-Cu, area: 1.131 cm2}
    cycle_definition: discharge_after_charge
    events:
      - every_cycles: 50
        steps:
          - rest: 12 h
    steps:
      - loop:
          count: 100
          advances_cycle: false
          steps:
            - discharge: 1 mA/cm2
              until: [time >= 1 h]
            - charge: 1 mA/cm2
              until: [V >= 0.5 V, time >= 2 h]

    """

    /// aurora-unicycler JSON, as the package writes it (nulls included).
    static let unicyclerJSON = """
    {
        "unicycler": {"version": "0.4.6"},
        "sample": {"name": "$NAME", "capacity_mAh": 2.0},
        "record": {"current_mA": null, "voltage_V": 0.01, "time_s": 10.0},
        "safety": {"max_voltage_V": 4.5, "min_voltage_V": 2.5, "max_current_mA": 5.0, "min_current_mA": -5.0,
                   "max_capacity_mAh": null, "delay_s": 1.0},
        "method": [
            {"id": null, "step": "open_circuit_voltage", "until_time_s": 600.0},
            {"id": null, "step": "tag", "tag": "longterm"},
            {"id": null, "step": "constant_current", "rate_C": 0.5, "current_mA": null, "until_time_s": 10800.0, "until_voltage_V": 4.2},
            {"id": null, "step": "constant_voltage", "voltage_V": 4.2, "until_time_s": 3600.0, "until_rate_C": 0.05, "until_current_mA": null},
            {"id": null, "step": "constant_current", "rate_C": "D/2", "current_mA": null, "until_time_s": null, "until_voltage_V": 3.0},
            {"id": null, "step": "loop", "loop_to": "longterm", "cycle_count": 100},
            {"id": null, "step": "impedance_spectroscopy", "amplitude_V": 0.01, "amplitude_mA": null, "start_frequency_Hz": 100000.0,
             "end_frequency_Hz": 0.1, "points_per_decade": 10, "measures_per_point": 1, "drift_correction": false},
            {"id": null, "step": "voltage_scan", "start_voltage_V": 3.0, "end_voltage_V": 4.0, "scan_rate_mV_per_s": 0.1}
        ]
    }

    """

    /// Every fixture with a file name (the extension decides the reader).
    static let all: [(name: String, text: String)] = [
        ("zns.yaml", znsAnode), ("lis-rate.yaml", lisRate), ("gitt.yaml", gitt), ("cv.yaml", cvSweep),
        ("operando.yaml", operandoEIS), ("modes.yaml", modes), ("pybamm.yaml", pybamm), ("goto.yaml", gotoFlow),
        ("li-cu.yaml", lithiumCopper), ("unicycler.json", unicyclerJSON),
    ]

    static func compile(_ text: String, file: String = "test.yaml", options: CompileOptions = .init()) -> CompileResult {
        ProtocolCompiler.compile(text: text, filename: file, options: options)
    }

    /// The steps of a program in instruction order (loops flattened away).
    static func steps(_ p: StepProgram?) -> [Step] {
        (p?.instructions ?? []).compactMap { if case .step(let s) = $0 { return s } else { return nil } }
    }

    static func amperes(_ s: Step) -> Double? {
        switch s.control {
        case .current(let a), .cccv(let a, _): return a
        default: return nil
        }
    }
}
