import EchemCore
import EchemDrivers
import EchemSim
import Foundation
import Synchronization

/// The simulated BTS Client's state: every channel and the test-id counter, behind one lock
/// shared by the server thread (commands) and the physics thread (the clock).
final class NewareBench: Sendable {
    struct State {
        var channels: [NewareSimChannel]
        var index: [ChannelKey: Int]
        /// One per `start` command: every channel of a batch gets the same id (quirk 3).
        var nextTestID = 1
        var requests = 0
    }

    /// Channels are matched on device, sub-device and channel id (not IP or devtype text).
    struct ChannelKey: Hashable {
        var devid: Int
        var subdevid: Int
        var chlid: Int
        init(_ a: BTSChannelAddress) { devid = a.devid; subdevid = a.subdevid; chlid = a.chlid }
    }

    let configuration: NewareSimulator.Configuration
    let limits: NewareChannelLimits
    let state: Mutex<State>

    init(_ c: NewareSimulator.Configuration) throws(SimulatorError) {
        configuration = c
        limits = NewareChannelLimits(minVolts: c.minVolts, maxVolts: c.maxVolts, maxAbsCurrent: c.maxAbsCurrent)
        var channels: [NewareSimChannel] = []
        var index: [ChannelKey: Int] = [:]
        for a in c.topology.channels {
            guard index[ChannelKey(a)] == nil else { throw SimulatorError("topology: channel \(a.pipeline) listed twice") }
            index[ChannelKey(a)] = channels.count
            channels.append(try NewareSimChannel(address: a, cellSpec: c.cell))
        }
        guard !channels.isEmpty else { throw SimulatorError("topology: no channels (give at least one device)") }
        state = Mutex(State(channels: channels, index: index))
    }

    func log(_ s: String) { configuration.log?(s) }

    // MARK: - Clock

    /// Advances every running channel by `seconds` of test time.
    func advance(seconds: Double) {
        let dt = configuration.samplePeriod
        state.withLock { s in
            for k in s.channels.indices where s.channels[k].isRunning {
                s.channels[k].advance(by: seconds, dt: dt, limits: limits)
            }
        }
    }

    /// Advances every channel to bench time `target` (real-time clock).
    func advance(to target: Double) {
        let dt = configuration.samplePeriod
        state.withLock { s in
            for k in s.channels.indices { s.channels[k].advance(to: target, dt: dt, limits: limits) }
        }
    }

    var anyRunning: Bool { state.withLock { s in s.channels.contains { $0.isRunning } } }

    // MARK: - Requests

    /// One request document in, one reply out (never throws: garbage gets an error reply).
    func handle(_ document: [UInt8]) -> [UInt8] {
        let root: BTSXMLElement
        do { root = try BTSXMLParser.parse(document) } catch {
            log("unreadable request: \(error)")
            return errorReply("unreadable request: \(error)")
        }
        guard root.name == "bts", let cmd = root.child("cmd")?.text, !cmd.isEmpty else {
            return errorReply("expected <bts version=\"1.0\"><cmd>COMMAND</cmd>…</bts>, got <\(root.name)>")
        }
        if case .lockstep(let seconds) = configuration.clock, cmd == "inquire" { advance(seconds: seconds) }
        return state.withLock { s in
            s.requests += 1
            return respond(cmd, root, &s)
        }
    }

    /// A reply to something that is not a BTS request at all.
    func errorReply(_ why: String) -> [UInt8] {
        BTSFraming.reply(lines: ["<cmd>error</cmd>", "<result>false</result>", "<error>\(BTSXMLEscape.text(why))</error>"])
    }

    static let supported = ["connect", "getdevinfo", "getchlstatus", "inquire", "inquiredf", "start", "stop", "continue", "goto",
                            "setpause", "cancelpause", "clearflag", "light", "download", "downloadStepLayer"]

    private func respond(_ cmd: String, _ root: BTSXMLElement, _ s: inout State) -> [UInt8] {
        let lines: [String]
        switch cmd {
        case "connect": lines = ["<cmd>connect_resp</cmd>", "<result>ok</result>"]
        case "getdevinfo": lines = deviceInfo(s)
        case "getchlstatus": lines = channelStatus(root, s)
        case "inquire": lines = inquire(root, s)
        case "inquiredf": lines = inquireDataFile(root, s)
        case "start": lines = start(root, &s)
        case "stop", "continue", "goto", "setpause", "cancelpause", "clearflag", "light":
            lines = channelCommand(cmd, root, &s)
        case "download": lines = download(root, s)
        case "downloadStepLayer": lines = stepLayer(root, s)
        default:
            log("unsupported command \(cmd)")
            lines = ["<cmd>\(BTSXMLEscape.text(cmd))_resp</cmd>", "<result>false</result>",
                     "<error>unsupported command '\(BTSXMLEscape.text(cmd))' (supported: \(Self.supported.joined(separator: ", ")))</error>"]
        }
        return BTSFraming.reply(lines: lines)
    }

    /// The channel a request element names, if it is one of ours.
    func channelIndex(_ e: BTSXMLElement, _ s: State) -> Int? {
        BTSChannelAddress(element: e).flatMap { s.index[ChannelKey($0)] }
    }

    /// Per-channel elements of a request: inside `<list>` or directly under `<bts>`.
    func items(_ root: BTSXMLElement, _ tag: String) -> [BTSXMLElement] {
        root.descendants(named: tag)
    }
}
