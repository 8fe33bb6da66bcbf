import EchemCore
import EchemDrivers
import Foundation
import Synchronization

/// A MethodSCRIPT potentiostat (PalmSens Nexus, EmStat4, EmStat Pico) on a serial port. The port
/// is opened on the first use of each run and closed when the run's channel goes to its safe
/// state, so a device that is unplugged between runs is found again by the next one.
public final class MethodSCRIPTDriver: BenchDriver {
    public let ref: MethodSCRIPTRef
    let channelID: String
    private let open = Mutex<MethodSCRIPTChannel?>(nil)

    /// The configuration has checked the address and model (`ConfigLoader.methodscriptRef`).
    public init(channel: ChannelConfig, ref: MethodSCRIPTRef) {
        self.ref = ref
        self.channelID = channel.id
    }

    public var capabilities: ChannelCapabilities { ref.profile.capabilities(minSamplePeriod: ref.samplePeriod) }

    public var describe: String {
        "\(ref.profile.name) (MethodSCRIPT) on \(ref.address) at \(ref.baud ?? ref.profile.baud) baud, holds sampled every \(ref.samplePeriod) s"
    }

    public func problem(with cell: CellMetadata?) -> String? { nil }

    public func attach(cell: CellMetadata?, restoring: Data?) throws -> any Channel {
        OpenOnUse(driver: self, capabilities: capabilities)
    }

    public func snapshot(_ channel: any Channel) -> Data? { nil }

    /// Aborts any script (the instrument's `on_finished` switches the cell off) if the port opens.
    public func safeState() async {
        if let c = try? await channel() { try? await c.outputOff() }
    }

    func channel() async throws -> MethodSCRIPTChannel {
        if let c = open.withLock({ $0 }) { return c }
        let c = try await MethodSCRIPTChannel.connect(
            path: ref.address, profile: ref.profile, baud: ref.baud,
            options: MethodSCRIPTChannel.Options(samplePeriod: ref.samplePeriod))
        if c.firmware.hasPrefix(ref.profile.firmwarePrefix) == false {
            FileHandle.standardError.write(Data("echemd: \(channelID): warning: configured as \(ref.profile.name) but the firmware says '\(c.firmware)'\n".utf8))
        }
        open.withLock { $0 = c }
        return c
    }
}

/// A MethodSCRIPT channel's device: where it is and what it is.
public struct MethodSCRIPTRef: Sendable, Hashable {
    public var address: String
    public var profile: MethodSCRIPTProfile
    public var baud: Int?
    public var samplePeriod: Double

    public init(address: String, profile: MethodSCRIPTProfile, baud: Int?, samplePeriod: Double) {
        self.address = address
        self.profile = profile
        self.baud = baud
        self.samplePeriod = samplePeriod
    }
}

/// The run's view of a MethodSCRIPT channel: opens the port on first use.
final class OpenOnUse: Channel, @unchecked Sendable {
    // @unchecked: immutable after init; the device channel is an actor.
    let driver: MethodSCRIPTDriver
    let capabilities: ChannelCapabilities

    init(driver: MethodSCRIPTDriver, capabilities: ChannelCapabilities) {
        self.driver = driver
        self.capabilities = capabilities
    }

    func apply(_ setpoint: Setpoint) async throws { try await driver.channel().apply(setpoint) }
    func nextReading() async throws -> ChannelReading { try await driver.channel().nextReading() }
    func outputOff() async throws { try await driver.channel().outputOff() }
    func measureImpedance(_ spec: EISSpec) async throws -> [ImpedancePoint] { try await driver.channel().measureImpedance(spec) }
    func setChamberTemperature(_ celsius: Double) async throws { try await driver.channel().setChamberTemperature(celsius) }
}
