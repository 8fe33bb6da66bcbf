/// One BTS API request: the body inside `<bts>`, and what its reply is called.
///
/// Shapes follow research §1.4 (aurora-neware's requests, captured against BTS 8.0, and
/// Vanguard-1's for the commands aurora lacks), including `count = "N"` with spaces.
public struct BTSRequest: Sendable, Hashable {
    /// The `<cmd>` text (`start`, `download`, …).
    public var command: String
    public var body: String
    /// Reply `<cmd>` names accepted, e.g. `download_resp` and the real misspelling `donwload_resp`.
    public var replyCommands: [String]
    /// Safe to send again after a reconnect (reads are, writes are not).
    public var idempotent: Bool

    public init(command: String, body: String, replyCommands: [String]? = nil, idempotent: Bool) {
        self.command = command
        self.body = body
        self.replyCommands = replyCommands ?? [command + "_resp"]
        self.idempotent = idempotent
    }

    public var bytes: [UInt8] { BTSFraming.request(body: body) }

    /// Largest `count` of one `download` (the API's own limit).
    public static let maxDownloadRows = 1000

    // MARK: - Builders

    public static func connect(username: String, password: String) -> BTSRequest {
        BTSRequest(command: "connect",
                   body: "<cmd>connect</cmd><username>\(BTSXMLEscape.text(username))</username>"
                       + "<password>\(BTSXMLEscape.text(password))</password><type>bfgs</type>",
                   idempotent: true)
    }

    public static let getDeviceInfo = BTSRequest(command: "getdevinfo", body: "<cmd>getdevinfo</cmd>", idempotent: true)

    /// `<cmd>X</cmd><list count = "N"><TAG ch-attrs EXTRA>TEXT</TAG>…</list>`: the shape of every
    /// per-channel command.
    static func perChannel(_ command: String, tag: String, _ channels: [BTSChannelAddress], extra: String = "",
                           text: String? = "true", idempotent: Bool) -> BTSRequest {
        var body = "<cmd>\(command)</cmd><list count = \"\(channels.count)\">"
        for c in channels {
            body += "<\(tag) \(c.attributes)\(extra.isEmpty ? "" : " " + extra)"
            if let text { body += ">\(BTSXMLEscape.text(text))</\(tag)>" } else { body += " />" }
        }
        return BTSRequest(command: command, body: body + "</list>", idempotent: idempotent)
    }

    public static func channelStatus(_ channels: [BTSChannelAddress]) -> BTSRequest {
        perChannel("getchlstatus", tag: "status", channels, idempotent: true)
    }

    public static func inquire(_ channels: [BTSChannelAddress]) -> BTSRequest {
        perChannel("inquire", tag: "inquire", channels, extra: "aux=\"0\" barcode=\"1\"", idempotent: true)
    }

    public static func light(_ channels: [BTSChannelAddress], on: Bool) -> BTSRequest {
        perChannel("light", tag: "light", channels, text: on ? "true" : "false", idempotent: true)
    }

    public static func stop(_ channels: [BTSChannelAddress]) -> BTSRequest {
        perChannel("stop", tag: "stop", channels, idempotent: false)
    }

    public static func resume(_ channels: [BTSChannelAddress]) -> BTSRequest {
        perChannel("continue", tag: "continue", channels, idempotent: false)
    }

    public static func clearFlag(_ channels: [BTSChannelAddress]) -> BTSRequest {
        perChannel("clearflag", tag: "clearflag", channels, idempotent: false)
    }

    /// Jump to step-file `Step_ID` `step` on each channel.
    public static func goto(_ channels: [BTSChannelAddress], step: Int) -> BTSRequest {
        perChannel("goto", tag: "goto", channels, extra: "step=\"\(step)\"", idempotent: false)
    }

    /// Reserve a pause when cycle `cycleID` reaches step `stepID` (−1: any; both −1 pause at
    /// the end of the step in progress).
    public static func setPause(_ channels: [BTSChannelAddress], cycleID: Int = -1, stepID: Int = -1) -> BTSRequest {
        perChannel("setpause", tag: "setpause", channels, extra: "cycleid=\"\(cycleID)\" stepid=\"\(stepID)\" timeout=\"\"",
                   text: nil, idempotent: false)
    }

    public static func cancelPause(_ channels: [BTSChannelAddress]) -> BTSRequest {
        perChannel("cancelpause", tag: "cancelpause", channels, text: nil, idempotent: false)
    }

    /// `start`: each channel with its barcode and the step file path *on the BTS machine*.
    public static func start(_ starts: [BTSStart], backup: BTSBackupOptions) -> BTSRequest {
        var body = "<cmd>start</cmd><list count = \"\(starts.count)\">"
        for s in starts {
            body += "<start \(s.channel.attributes) barcode=\"\(BTSXMLEscape.attribute(s.barcode))\""
            if let remark = s.remark { body += " remark=\"\(BTSXMLEscape.attribute(remark))\"" }
            body += ">\(BTSXMLEscape.text(s.stepFilePath))</start>"
        }
        body += backup.element + "</list>"
        return BTSRequest(command: "start", body: body, idempotent: false)
    }

    public static func inquireDataFile(_ channels: [BTSChannelAddress], testID: Int = 0) -> BTSRequest {
        var body = "<cmd>inquiredf</cmd><list count = \"\(channels.count)\">"
        for c in channels { body += "<chl \(c.attributesWithoutIP) testid=\"\(testID)\" />" }
        return BTSRequest(command: "inquiredf", body: body + "</list>", idempotent: true)
    }

    /// Detail rows from 1-based `startSeqid`, at most 1000. `testID` 0 is the latest test.
    public static func download(_ channel: BTSChannelAddress, testID: Int = 0, startSeqid: Int, count: Int) -> BTSRequest {
        BTSRequest(command: "download",
                   body: "<cmd>download</cmd><download \(channel.attributesWithoutIP) auxid=\"0\" testid=\"\(testID)\" "
                       + "startpos=\"\(startSeqid)\" count=\"\(count)\"/>",
                   replyCommands: ["download_resp", "donwload_resp"], idempotent: true)
    }

    public static func downloadStepLayer(_ channel: BTSChannelAddress, testID: Int = 0) -> BTSRequest {
        BTSRequest(command: "downloadStepLayer",
                   body: "<cmd>downloadStepLayer</cmd><downloadStepLayer \(channel.attributesWithoutIP) testid=\"\(testID)\" />",
                   idempotent: true)
    }
}

/// One channel of a `start`.
public struct BTSStart: Sendable, Hashable {
    public var channel: BTSChannelAddress
    /// Sample id shown in BTS (readable only while this is the channel's latest test).
    public var barcode: String
    /// Path of the step file as the BTS machine sees it (e.g. `C:\echemd\steps\run-42.xml`).
    public var stepFilePath: String
    public var remark: String?

    public init(channel: BTSChannelAddress, barcode: String, stepFilePath: String, remark: String? = nil) {
        self.channel = channel
        self.barcode = barcode
        self.stepFilePath = stepFilePath
        self.remark = remark
    }
}

/// Where the BTS Client backs up a started test's data (the `<backup>` element of `start`).
public struct BTSBackupOptions: Sendable, Hashable {
    public var directory: String
    public var intervalMinutes: Int

    public init(directory: String = "C:\\Neware data\\", intervalMinutes: Int = 720) {
        self.directory = directory
        self.intervalMinutes = intervalMinutes
    }

    var element: String {
        "<backup backupdir=\"\(BTSXMLEscape.attribute(directory))\" remotedir=\"\" filenametype=\"0\" customfilename=\"\" "
            + "addtimewhenrepeat=\"0\" createdirbydate=\"0\" filetype=\"0\" backupontime=\"1\" "
            + "backupontimeinterval=\"\(intervalMinutes)\" backupfree=\"1\" />"
    }
}
