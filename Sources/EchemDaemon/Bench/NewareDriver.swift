import EchemCore
import EchemDrivers
import Foundation

/// A Neware channel's place on the bench: the BTS Client to talk to, which channel, how the
/// client reports units, and the folder both sides see step files in.
public struct NewareRef: Sendable, Hashable {
    public var host: String
    public var port: Int
    /// `devid-subdevid-chlid`, as BTS and aurora-neware name channels ("1-1-3").
    public var pipeline: String
    /// A setting of the BTS Client (research §1.5 quirk 6): configured, never guessed.
    public var unitScale: BTSUnitScale
    /// Where echemd writes step files (a share the BTS machine reads).
    public var stepFolder: String
    /// The same folder as the BTS Client names it (`D:\echemd\steps`); nil: the same path.
    public var stepFolderRemote: String?
    /// Seconds between polls; at least 5 (the BTS refreshes no faster).
    public var pollSeconds: Double
    /// The BTS machine's time zone, in which detail rows' `atime` is written.
    public var timeZone: String

    public static let minimumPoll = 5.0

    public init(host: String, port: Int = 502, pipeline: String, unitScale: BTSUnitScale, stepFolder: String,
                stepFolderRemote: String? = nil, pollSeconds: Double = 10, timeZone: String = "UTC") {
        self.host = host
        self.port = port
        self.pipeline = pipeline
        self.unitScale = unitScale
        self.stepFolder = stepFolder
        self.stepFolderRemote = stepFolderRemote
        self.pollSeconds = pollSeconds
        self.timeZone = timeZone
    }

    /// The path the BTS Client opens for a step file written as `name` in `stepFolder`.
    public func remotePath(_ name: String) -> String {
        guard let remote = stepFolderRemote else { return (stepFolder as NSString).appendingPathComponent(name) }
        let windows = remote.contains("\\") || (remote.count >= 2 && remote.dropFirst().first == ":")
        let separator: Character = windows ? "\\" : "/"
        return remote.last == separator ? remote + name : remote + String(separator) + name
    }
}

/// A Neware tester channel in supervisor mode. The tester runs the whole protocol from a step
/// file (its own protection section included), so the driver never drives the output sample by
/// sample: `attach` refuses, and runs go through `NewareSupervisor`. Keeping one `BTSClient`
/// per channel keeps commands to it in order.
public final class NewareDriver: BenchDriver {
    public let ref: NewareRef
    public let channelID: String
    let limits: HardLimits
    public let client: BTSClient

    public init(channel: ChannelConfig, ref: NewareRef) {
        self.ref = ref
        self.channelID = channel.id
        self.limits = channel.limits
        self.client = BTSClient(BTSClientConfiguration(host: ref.host, port: ref.port, unitScale: ref.unitScale))
    }

    /// What a step file can hold: current, voltage, CCCV, rest and operator pauses. Sweeps,
    /// impedance, power and resistance are left out here so the compiler refuses them by name.
    public var capabilities: ChannelCapabilities {
        ChannelCapabilities(modes: [.rest, .current, .voltage, .cccv, .operatorPause], minVolts: limits.minVolts,
                            maxVolts: limits.maxVolts, maxAbsCurrent: limits.maxAmperes, maxAbsPower: limits.maxWatts,
                            minSamplePeriod: 0.1)
    }

    public var describe: String {
        "Neware channel \(ref.pipeline) through the BTS Client at \(ref.host):\(ref.port) (supervisor mode, \(ref.unitScale.rawValue) units, polled every \(ref.pollSeconds) s)"
    }

    public func problem(with cell: CellMetadata?) -> String? { nil }

    public func attach(cell: CellMetadata?, restoring: Data?) throws -> any Channel {
        throw ChannelError.unsupported("\(channelID) is a Neware channel: it runs whole protocols as step files (supervisor mode)")
    }

    public func snapshot(_ channel: any Channel) -> Data? { nil }

    /// Nothing: a test running on the tester is left running (it carries its own protection),
    /// so that a restarted daemon can re-attach to it. `stop` ends a test; a daemon exit does not.
    public func safeState() async {}

    /// The step file for a program, or the located reasons the format cannot carry it.
    public func compile(_ program: StepProgram, remark: String = "") -> Result<NewareStepFile, NewareCompileError> {
        do {
            return .success(try NewareStepFile.compile(program, options: .init(
                remark: remark, maxAbsCurrent: limits.maxAmperes, minVolts: limits.minVolts, maxVolts: limits.maxVolts)))
        } catch {
            return .failure(error)
        }
    }

    /// Located lines for each part of the program a step file cannot express (empty: it can).
    public func refusals(_ program: StepProgram) -> [String] {
        guard case .failure(let e) = compile(program) else { return [] }
        return e.problems.map(\.description)
            + ["\(program.source):1:1: note: \(channelID) is a Neware tester channel (supervisor mode): the protocol must compile to a Neware step file"]
    }

    public var runsWholeProtocols: Bool { true }

    /// The channel's full address as the BTS Client lists it (its middle-machine IP and device
    /// type come from `getdevinfo`, so configuration names only the pipeline).
    public func address() async throws -> BTSChannelAddress {
        let info = try await client.deviceInfo()
        guard let found = info.channel(pipeline: ref.pipeline) else {
            let known = info.channels.prefix(12).map(\.address.pipeline)
            throw ChannelError.unsupported("Neware channel \(ref.pipeline) is not in the BTS Client's device list at \(ref.host):\(ref.port) (it lists \(known.isEmpty ? "none" : known.joined(separator: ", "))\(info.channels.count > 12 ? ", …" : ""))")
        }
        return found
    }
}
