import CModbus
import Dispatch
import EchemCore
import EchemDrivers
import EchemSim
import Synchronization

/// One simulated instrument (one unit id): its register image, what its client has set, and the
/// cell model behind its terminals (its own, or one shared with another instrument).
///
/// Two parties touch it: the server thread (`serve`, for every request) and the physics loop
/// (`step`). The image, controls and last reading live under one lock; libmodbus answers from
/// the image while that lock is held, so a reply never shows half of a step.
final class SimulatedDevice: Sendable {
    let unit: Int
    let map: DeviceMap
    let regulator: Regulator
    let terminals: any DeviceTerminals
    let lockstep: Bool
    private let core: Mutex<Core>
    private let log: (@Sendable (String) -> Void)?
    // Lockstep: the server thread asks the physics loop for a step and waits for it.
    private let stepRequests: AsyncStream<DispatchSemaphore>.Continuation
    let stepStream: AsyncStream<DispatchSemaphore>

    struct Core {
        let image: RegisterImage
        var controls = DeviceControls()
        var applied: Setpoint = .off
        var last: ChannelReading?
        var steps = 0
    }

    init(unit: Int, profile: DeviceProfile, ratings: DeviceRatings, presets: [String: RegisterPreset],
         cell: SimulatedCell, samplePeriod: Double, noise: SimulatedChannel.Noise, lockstep: Bool,
         terminals shared: (any DeviceTerminals)? = nil,
         log: (@Sendable (String) -> Void)?) throws(SimulatorError) {
        self.unit = unit
        self.lockstep = lockstep
        self.log = log
        let image = try RegisterImage(profile: profile)
        let nominals = try Self.publishNominals(profile, ratings, image)
        map = try DeviceMap(profile: profile, nominals: nominals)
        regulator = Regulator(kind: profile.device.kind, ratings: ratings,
                              loadCurrentRole: profile.register(.setSinkCurrent) != nil ? .setSinkCurrent : .setCurrent)
        try Self.fillIdentity(profile, map, unit: unit, ratings: ratings, presets: presets, image)
        if let shared {
            terminals = shared
        } else {
            terminals = try Self.makeChannel(cell, ratings: ratings, samplePeriod: samplePeriod, noise: noise)
        }
        var c = Core(image: image)
        c.controls.decodeSetpoints(from: image, map)
        let rest = ChannelReading(time: terminals.time, volts: terminals.openCircuitVoltage(), amperes: 0)
        Self.publish(rest, &c, map)
        core = Mutex(c)
        (stepStream, stepRequests) = AsyncStream.makeStream(of: DispatchSemaphore.self)
    }

    // MARK: - Server side

    /// Answers one request: refuses what the instrument would refuse, steps the cell first if
    /// this is a lockstep poll, lets libmodbus answer from the image (`answer`) under the lock,
    /// then decodes what was written. `refuse` sends an exception instead.
    func serve(_ pdu: ModbusPDU, answer: (UnsafeMutablePointer<modbus_mapping_t>) -> Void,
               refuse: (UInt8, String) -> Void) {
        if let (code, why) = refusal(of: pdu) {
            refuse(code, why)
            return
        }
        if lockstep, polls(pdu) { stepAndWait() }
        let switched = core.withLock { c -> Bool? in
            answer(c.image.mapping)
            guard pdu.write != nil else { return nil }
            let wasOn = c.controls.output
            c.controls.applyWrite(pdu, image: c.image, map)
            Self.publishSwitches(&c, map)
            // The instrument's output stage reacts within milliseconds, long before the next
            // sample: a client reading right after "output off" sees no current.
            if wasOn && !c.controls.output, let last = c.last {
                Self.publish(ChannelReading(time: last.time, volts: last.volts, amperes: 0), &c, map)
            }
            return wasOn == c.controls.output ? nil : c.controls.output
        }
        // Outside the lock: a shared cell takes its own lock, and may refuse "on".
        if let on = switched, let why = terminals.outputSwitched(on: on) {
            core.withLock { c in
                c.controls.output = false
                c.controls.tripped = "interlock: \(why)"
                Self.publishSwitches(&c, map)
            }
            log?("unit \(unit): output on refused, output off: \(why)")
        }
    }

    /// Writes the instrument would refuse: to read-only registers or to part of a multi-word
    /// one (illegal data address), or a value outside what the register accepts (illegal data
    /// value, e.g. an EA set-point above 0xD0E5 = 102 %).
    private func refusal(of pdu: ModbusPDU) -> (UInt8, String)? {
        guard let span = pdu.write else { return nil }
        let address = UInt8(MODBUS_EXCEPTION_ILLEGAL_DATA_ADDRESS)
        let value = UInt8(MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE)
        for spec in map.registers(overlapping: span) {
            guard spec.access.canWrite else { return (address, "\(spec.name) is read-only") }
            guard spec.addresses.allSatisfy(span.addresses.contains) else {
                return (address, "\(spec.name) takes \(spec.encoding.words) registers, written in part")
            }
            guard spec.encoding.type.isNumeric, !pdu.writtenWords.isEmpty else { continue }
            let from = spec.address - span.addresses.lowerBound
            let raw = spec.encoding.decode(Array(pdu.writtenWords[from..<(from + spec.encoding.words)]))
            guard spec.rawRange.contains(raw) else {
                return (value, "\(spec.name): raw \(raw) is outside \(spec.rawRange.lowerBound)…\(spec.rawRange.upperBound)")
            }
        }
        return nil
    }

    /// A read that covers `actual_voltage`: the poll of one sample.
    private func polls(_ pdu: ModbusPDU) -> Bool {
        guard let read = pdu.read, let v = map.spec(.actualVoltage) else { return false }
        return read.table == v.table && read.addresses.contains(v.address)
    }

    private func stepAndWait() {
        let done = DispatchSemaphore(value: 0)
        stepRequests.yield(done)
        if done.wait(timeout: .now() + 5) == .timedOut {
            log?("unit \(unit): the physics loop did not step within 5 s")
        }
    }

    // MARK: - Physics side

    /// One sample: the instrument's regulation picks the drive, the cell model advances one
    /// sample period, and the measured registers show the result.
    func step() async {
        let (controls, lastVolts, applied) = core.withLock { ($0.controls, $0.last?.volts, $0.applied) }
        let v0 = terminals.openCircuitVoltage()
        var setpoint = regulator.setpoint(controls, openCircuitVolts: v0, terminalVolts: lastVolts ?? v0)
        if setpoint != applied {
            do {
                try await terminals.apply(setpoint)
            } catch {
                log?("unit \(unit): the cell model refused \(setpoint): \(error); output off")
                setpoint = .off
                try? await terminals.apply(.off)
            }
        }
        let reading: ChannelReading
        do { reading = try await terminals.nextReading() } catch {
            log?("unit \(unit): cell model: \(error)")
            return
        }
        let trip = core.withLock { c -> String? in
            c.applied = setpoint
            c.steps += 1
            Self.publish(reading, &c, map)
            guard c.controls.output, let why = c.controls.protectionTrip(volts: reading.volts, amperes: reading.amperes) else { return nil }
            // The firmware's protection: output off at once, whatever the client does next.
            c.controls.output = false
            c.controls.tripped = why
            Self.publishSwitches(&c, map)
            Self.publish(ChannelReading(time: reading.time, volts: reading.volts, amperes: 0), &c, map)
            return why
        }
        if let trip {
            _ = terminals.outputSwitched(on: false)
            log?("unit \(unit): protection tripped, output off: \(trip)")
        }
    }

    /// Ends the lockstep loop (`for await` over `stepStream`).
    func finishSteps() { stepRequests.finish() }

    // MARK: - State for tests and the daemon

    /// The unit's own cell model (nil when its terminals are wired to a shared cell).
    var channel: SimulatedChannel? { terminals as? SimulatedChannel }

    var controls: DeviceControls { core.withLock { $0.controls } }
    var applied: Setpoint { core.withLock { $0.applied } }
    var steps: Int { core.withLock { $0.steps } }
    var lastReading: ChannelReading? { core.withLock { $0.last } }

    /// A register's words as a client would read them.
    func words(_ name: String) -> [UInt16]? {
        guard let spec = map.profile.register(name) else { return nil }
        return core.withLock { $0.image.words(spec) }
    }
}
