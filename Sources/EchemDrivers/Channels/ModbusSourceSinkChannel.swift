import EchemCore
import Foundation

/// A cycler channel made of a Modbus DC source/sink (EA PSB class) or an electronic load
/// (Maynuo M97 class), driven in scheduler mode through its device profile.
///
/// How the engine's set-points map onto a source/sink's own regulation (the device switches
/// between CC and CV by itself, which is exactly CCCV):
/// - charge at I (CC, compliance Vmax): set_voltage = Vmax, set_current = I, sink current 0;
/// - discharge at |I| (CC sink, compliance Vmin): set_voltage = Vmin, set_sink_current = |I|, source current 0;
/// - hold V (CV, current limit Imax): set_voltage = V, source and sink current limits = Imax;
/// - power: set_power (charge) or set_sink_power (discharge), with the voltage as the clamp.
/// A load (discharge only) uses its mode sequences (`mode_cc`, `mode_cv`, `mode_cp`, `mode_cr`).
///
/// The device reports |I|; the sign (+ charges the cell) comes from the profile's `sink` status bit
/// when it has one, else from the direction of the active set-point.
public final class ModbusSourceSinkChannel: Channel, @unchecked Sendable {
    // @unchecked: the mutable state below is touched only by the engine task that owns the channel.
    public let registers: DeviceRegisters
    public let capabilities: ChannelCapabilities
    public let clock: SampleClock
    public var samplePeriod: Double { clock.period }
    private var direction: CurrentDirection = .none
    private var outputOn = false
    /// The power set-points hold a CP value (they cap every later mode until restored).
    private var powerLimited = false
    /// What `connect` did with the instrument's own protection thresholds, for the log.
    public internal(set) var protectionReport: [String] = []

    /// Connects, reads the nominal values the scalings need, takes remote control, and leaves
    /// the output off. `limits` are the channel's hard limits (never beyond the device's own).
    /// `clock` outlives the connection (pass the same one after a reconnect).
    public static func connect(profile: DeviceProfile, bus: ModbusBus, unit: Int, clock: SampleClock,
                               minVolts: Double, maxVolts: Double, maxAmperes: Double, maxWatts: Double?) async throws -> ModbusSourceSinkChannel {
        var regs = DeviceRegisters(profile: profile, bus: bus, unit: unit)
        try await regs.readNominals()
        if regs.hasSequence(.remoteOn) { try await regs.run(.remoteOn) }
        try await regs.run(.outputOff)
        let protection = try await ProtectionProgramming.program(regs, maxVolts: maxVolts, maxAmperes: maxAmperes, maxWatts: maxWatts)
        let channel = ModbusSourceSinkChannel(registers: regs, clock: clock, minVolts: minVolts, maxVolts: maxVolts,
                                              maxAmperes: maxAmperes, maxWatts: maxWatts)
        channel.protectionReport = protection
        return channel
    }

    init(registers: DeviceRegisters, clock: SampleClock, minVolts: Double, maxVolts: Double, maxAmperes: Double,
         maxWatts: Double?) {
        self.registers = registers
        self.clock = clock
        let p = registers.profile
        var modes: Set<ControlKind> = [.rest, .current, .voltage, .cccv, .operatorPause]
        if p.register("set_power") != nil || p.register("set_sink_power") != nil { modes.insert(.power) }
        if p.register("set_resistance") != nil { modes.insert(.resistance) }
        let nominalV = registers.nominals["nominal_voltage"] ?? p.limits.maxVoltage
        let nominalI = registers.nominals["nominal_current"] ?? p.limits.maxCurrent
        capabilities = ChannelCapabilities(
            modes: modes, minVolts: max(minVolts, 0), maxVolts: min(maxVolts, nominalV),
            maxAbsCurrent: min(maxAmperes, nominalI), maxAbsPower: maxWatts.map { min($0, p.limits.maxPower ?? $0) },
            minSamplePeriod: clock.period)
    }

    var canSink: Bool { registers.profile.device.kind.canSink }
    var canSource: Bool { registers.profile.device.kind.canSource }

    public func apply(_ setpoint: Setpoint) async throws {
        let vMax = setpoint.maxVolts ?? capabilities.maxVolts
        let vMin = max(setpoint.minVolts ?? capabilities.minVolts, 0)
        let iMax = setpoint.maxAbsCurrent ?? capabilities.maxAbsCurrent
        switch setpoint.mode {
        case .off:
            try await outputOff()
            return
        case .current(let a) where a >= 0:
            try await restorePowerLimits()
            guard canSource else { throw ChannelError.unsupported("\(registers.profile.device.family) cannot charge (a load sinks only)") }
            try await set("set_voltage", vMax)
            try await set("set_current", a)
            try await setIfPresent("set_sink_current", 0)
            direction = a > 0 ? .charge : .none
        case .current(let a):
            try await restorePowerLimits()
            guard canSink else { throw ChannelError.unsupported("\(registers.profile.device.family) cannot discharge") }
            try await set("set_voltage", vMin)
            if registers.profile.register("set_sink_current") != nil {
                try await set("set_sink_current", -a)
                try await setIfPresent("set_current", 0)
            } else {
                try await set("set_current", -a) // a load: its one current register sinks
            }
            try await mode(.modeCC)
            direction = .discharge
        case .voltage(let v):
            try await restorePowerLimits()
            try await set("set_voltage", v)
            try await setIfPresent("set_current", iMax)
            try await setIfPresent("set_sink_current", iMax)
            try await mode(.modeCV)
            // Keep the sign of the current that led here (CCCV taper), the usual case.
        case .power(let w):
            try await set("set_voltage", w >= 0 ? vMax : vMin)
            if w >= 0 {
                try await set("set_power", w)
                try await setIfPresent("set_sink_power", 0)
                try await setIfPresent("set_current", iMax)
            } else {
                try await set(registers.profile.register("set_sink_power") != nil ? "set_sink_power" : "set_power", -w)
                try await setIfPresent("set_sink_current", iMax)
            }
            try await mode(.modeCP)
            powerLimited = true
            direction = w >= 0 ? .charge : .discharge
        case .resistance(let ohms):
            try await set("set_resistance", ohms)
            try await mode(.modeCR)
            direction = .discharge
        case .sweep:
            throw ChannelError.unsupported("a Modbus source/sink cannot run a potential sweep; bind a potentiostat")
        }
        if !outputOn {
            try await registers.run(.outputOn)
            outputOn = true
        }
    }

    public func nextReading() async throws -> ChannelReading {
        let time = try await clock.nextSample()
        let before = registers.bus.statistics
        let volts = try await read("actual_voltage")
        let magnitude = try await read("actual_current")
        let sinking = try await isSinking()
        let amperes = outputOn ? (sinking ? -abs(magnitude) : abs(magnitude)) : 0
        let after = registers.bus.statistics
        // A reading that needed retries arrived late: the run's log says so (a gap in the sampling).
        let note = after.retries > before.retries
            ? "modbus: \(after.retries - before.retries) retr\(after.retries - before.retries == 1 ? "y" : "ies") for this reading (\(after.timeouts - before.timeouts) timeout(s), \(after.corruptReplies - before.corruptReplies) corrupt repl(ies))"
            : nil
        return ChannelReading(time: time, volts: volts, amperes: amperes, note: note)
    }

    public func outputOff() async throws {
        do {
            try await registers.run(.outputOff)
        } catch {
            throw ChannelError.disconnected("\(registers.profile.device.family): output off failed: \(error)")
        }
        outputOn = false
        direction = .none
    }

    public func measureImpedance(_ spec: EISSpec) async throws -> [ImpedancePoint] {
        throw ChannelError.unsupported("a Modbus source/sink has no frequency response analyser; bind a potentiostat")
    }

    public func setChamberTemperature(_ celsius: Double) async throws {
        throw ChannelError.unsupported("no temperature chamber on this channel")
    }

    // MARK: - Registers

    private func set(_ name: String, _ value: Double) async throws {
        do { try await registers.write(name, value) } catch {
            throw ChannelError.fault("\(name) = \(value): \(error)")
        }
    }

    private func setIfPresent(_ name: String, _ value: Double) async throws {
        if registers.profile.register(name) != nil { try await set(name, value) }
    }

    /// After a CP step the device would keep capping power: put the power set-points back to the
    /// channel's maximum (hardware applies all its limits at once, like the simulator).
    private func restorePowerLimits() async throws {
        guard powerLimited else { return }
        let full = capabilities.maxAbsPower ?? registers.nominals["nominal_power"] ?? registers.profile.limits.maxPower ?? 0
        try await setIfPresent("set_power", full)
        try await setIfPresent("set_sink_power", full)
        powerLimited = false
    }

    private func mode(_ sequence: ControlSequenceName) async throws {
        if registers.hasSequence(sequence) {
            do { try await registers.run(sequence) } catch { throw ChannelError.fault("\(sequence.rawValue): \(error)") }
        }
    }

    private func read(_ name: String) async throws -> Double {
        do { return try await registers.read(name) } catch {
            throw ChannelError.disconnected("\(name): \(error)")
        }
    }

    /// The device's own word if its status register has a `sink` bit; else the set-point's direction.
    private func isSinking() async throws -> Bool {
        if let status = registers.profile.register("status"), status.bits.contains(where: { $0.name == "sink" }) {
            do { return try await registers.readBits("status")["sink"] ?? false } catch {
                throw ChannelError.disconnected("status: \(error)")
            }
        }
        return !canSource || direction == .discharge
    }
}
