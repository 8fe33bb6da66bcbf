import EchemCore

/// One cell wired to a cycler channel and a potentiostat channel (seeds 000, 003, 004: cycling on
/// one instrument, CV and EIS on the other). Sweeps and impedance go to the potentiostat; every
/// other control goes to the cycler. Before one instrument drives the cell the other is switched
/// to open circuit, so the two never fight over it. Readings come from whichever drives the cell.
public final class BoundCellChannel: Channel, @unchecked Sendable {
    // @unchecked: `active` is only touched from the engine task that owns this channel.
    public let cycler: any Channel
    public let potentiostat: any Channel
    public let capabilities: ChannelCapabilities
    private var active: Role = .cycler
    /// Two instruments keep two clocks; the engine needs one monotone channel time. Reported
    /// time advances by each instrument's own increments, restarting its baseline at a handover.
    private var reportedTime: Double?
    private var lastRawTime: Double?

    enum Role { case cycler, potentiostat }

    /// - Parameter sharedClock: both wrap one device (a simulated cell seen by two simulated
    ///   instruments), so there is one clock and no handover to open circuit is needed.
    public init(cycler: any Channel, potentiostat: any Channel, sharedClock: Bool = false) {
        self.cycler = cycler
        self.potentiostat = potentiostat
        self.same = sharedClock || cycler === potentiostat
        self.capabilities = BoundCellChannel.capabilities(cycler: cycler.capabilities,
                                                          potentiostat: potentiostat.capabilities)
    }

    private let same: Bool

    /// The cycler's controls plus the potentiostat's sweeps and impedance; potentials inside both ranges.
    public static func capabilities(cycler c: ChannelCapabilities, potentiostat p: ChannelCapabilities) -> ChannelCapabilities {
        var caps = c
        caps.modes = c.modes.union(p.modes.intersection([.sweep, .eis]))
        caps.eis = p.eis
        caps.minHz = p.minHz
        caps.maxHz = p.maxHz
        caps.minVolts = max(c.minVolts, p.minVolts)
        caps.maxVolts = min(c.maxVolts, p.maxVolts)
        return caps
    }

    private func handOver(to role: Role) async throws {
        guard role != active else { return }
        if !same {
            try await (active == .cycler ? cycler : potentiostat).outputOff()
            lastRawTime = nil
        }
        active = role
    }

    public func apply(_ setpoint: Setpoint) async throws {
        if case .sweep = setpoint.mode {
            try await handOver(to: .potentiostat)
            try await potentiostat.apply(setpoint)
        } else if case .off = setpoint.mode {
            try await (active == .cycler ? cycler : potentiostat).apply(setpoint)
        } else {
            try await handOver(to: .cycler)
            try await cycler.apply(setpoint)
        }
    }

    public func nextReading() async throws -> ChannelReading {
        var r = try await (active == .cycler ? cycler : potentiostat).nextReading()
        if same { return r }
        let raw = r.time
        let advanced = lastRawTime.map { max(0, raw - $0) } ?? 0
        let t = (reportedTime ?? raw) + advanced
        lastRawTime = raw
        reportedTime = t
        r.time = t
        return r
    }

    public func outputOff() async throws {
        try await cycler.outputOff()
        if !same { try await potentiostat.outputOff() }
    }

    public func measureImpedance(_ spec: EISSpec) async throws -> [ImpedancePoint] {
        try await handOver(to: .potentiostat)
        return try await potentiostat.measureImpedance(spec)
    }

    public func setChamberTemperature(_ celsius: Double) async throws {
        try await cycler.setChamberTemperature(celsius)
    }
}
