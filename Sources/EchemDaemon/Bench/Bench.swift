import EchemCore
import EchemSim

/// The channels this daemon owns, in configuration order. Which job holds which channel is the
/// scheduler's business; this is only the inventory.
public final class Bench: Sendable {
    public let name: String
    public let channels: [BenchChannel]

    public init(config: DaemonConfig) throws {
        self.name = config.bench
        self.channels = try config.channels.map { BenchChannel(config: $0, driver: try Bench.driver(for: $0, config.simulation)) }
    }

    public func channel(_ id: String) -> BenchChannel? { channels.first { $0.id == id } }

    static func driver(for channel: ChannelConfig, _ simulation: SimulationSettings) throws -> any BenchDriver {
        switch channel.driver {
        case .simulatedCycler: return SimulatedDriver(instrument: .cycler, settings: simulation)
        case .simulatedPotentiostat: return SimulatedDriver(instrument: .potentiostat, settings: simulation)
        case .modbus:
            guard let ref = channel.profile else {
                throw ChannelError.unsupported("channel \(channel.id): a modbus channel needs a profile")
            }
            return try ModbusDriver(channel: channel, ref: ref)
        case .methodscript:
            guard let ref = channel.methodscript else {
                throw ChannelError.unsupported("channel \(channel.id): a methodscript channel needs its model and address")
            }
            return MethodSCRIPTDriver(channel: channel, ref: ref)
        case .neware:
            guard let ref = channel.neware else {
                throw ChannelError.unsupported("channel \(channel.id): a neware channel needs its BTS Client address, channel, units and step folder")
            }
            return NewareDriver(channel: channel, ref: ref)
        }
    }
}

/// One configured channel: its driver and its hard limits.
public final class BenchChannel: Sendable {
    public let config: ChannelConfig
    public let driver: any BenchDriver

    init(config: ChannelConfig, driver: any BenchDriver) {
        self.config = config
        self.driver = driver
    }

    public var id: String { config.id }

    /// What protocols are checked against: the instrument's abilities inside the hard limits.
    public var capabilities: ChannelCapabilities { LimitedChannel.clip(driver.capabilities, to: config.limits) }

    /// A potentiostat can sweep or measure impedance; a job may bind one beside a cycler channel.
    public var isPotentiostat: Bool { capabilities.eis || capabilities.modes.contains(.sweep) }

    /// The channel a run drives, held inside the hard limits.
    func attach(cell: CellMetadata?, restoring: Data?) throws -> any Channel {
        LimitedChannel(try driver.attach(cell: cell, restoring: restoring), limits: config.limits)
    }
}

import Foundation
