import Foundation
import Testing

/// Runs a command as another user (root only), returning its exit status and output.
func runAs(_ user: String, _ arguments: [String]) throws -> (Int32, String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/sbin/runuser")
    p.arguments = ["-u", user, "--"] + arguments
    let out = Pipe()
    p.standardOutput = out
    p.standardError = out
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: data, as: UTF8.self))
}

@discardableResult
func shell(_ command: String) -> Int32 {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/bin/sh")
    p.arguments = ["-c", command]
    try? p.run()
    p.waitUntilExit()
    return p.terminationStatus
}

@Suite("Socket permissions from SO_PEERCRED, with real users", .serialized)
struct PermissionTests {
    @Test("A socket-group member may watch but not control; a stranger cannot connect; root may control",
          .enabled(if: getuid() == 0, "creating users needs root (CI runs as root)"))
    func watchAllowedControlDenied() async throws {
        // Two real accounts: one in the socket's group (watch), one in no echem group at all.
        shell("getent group echemtest-watch >/dev/null || groupadd echemtest-watch")
        shell("getent group echemtest-ctl >/dev/null || groupadd echemtest-ctl")
        shell("id echemtest-watcher >/dev/null 2>&1 || useradd -M -N -g nogroup -G echemtest-watch echemtest-watcher")
        shell("id echemtest-stranger >/dev/null 2>&1 || useradd -M -N -g nogroup echemtest-stranger")

        let state = temporaryDirectory("perm")
        chmod(state, 0o755)
        let config = state + "/echemd.toml"
        try """
        bench = "perm-test"
        socket_group = "echemtest-watch"
        control_group = "echemtest-ctl"

        [[channels]]
        id = "cyc-1"
        driver = "sim-cycler"
        limits = { min_voltage = "-5 V", max_voltage = "5 V", max_current = "50 mA" }
        """.write(toFile: config, atomically: true, encoding: .utf8)
        let daemon = DaemonProcess(state: state, extraArguments: ["--config", config])
        try await daemon.start(speed: "1")
        defer { daemon.kill(SIGTERM) }

        var st = stat()
        stat(daemon.socket, &st)
        #expect(st.st_mode & 0o777 == 0o660, "the socket is 0660")
        #expect(getgrgid(st.st_gid).map { String(cString: $0.pointee.gr_name) } == "echemtest-watch")

        // The binary must be reachable by the test users: copy it out of the build folder.
        let ctl = state + "/echemctl"
        try FileManager.default.copyItem(atPath: builtExecutable("echemctl"), toPath: ctl)
        chmod(ctl, 0o755)

        let (watchStatus, watchOut) = try runAs("echemtest-watcher", [ctl, "status", "--socket", daemon.socket])
        #expect(watchStatus == 0, "a socket-group member may watch: \(watchOut)")
        #expect(watchOut.contains("you may only watch"))

        let (denied, deniedOut) = try runAs("echemtest-watcher", [ctl, "cancel", "cyc-1", "--socket", daemon.socket])
        #expect(denied == 77, "control is refused with exit 77 (EX_NOPERM): \(deniedOut)")
        #expect(deniedOut.contains("echemtest-ctl"), "the refusal names the control group: \(deniedOut)")

        let proto = repositoryRoot.path + "/protocols/seed-000/0-3-zns-long-cycling.yaml"
        try FileManager.default.copyItem(atPath: proto, toPath: state + "/p.yaml")
        chmod(state + "/p.yaml", 0o644)
        let (submitDenied, _) = try runAs("echemtest-watcher", [ctl, "submit", state + "/p.yaml", "--socket", daemon.socket])
        #expect(submitDenied == 77, "submitting is control too")

        let (stranger, strangerOut) = try runAs("echemtest-stranger", [ctl, "status", "--socket", daemon.socket])
        #expect(stranger != 0, "a user outside the socket group cannot even connect: \(strangerOut)")

        // Membership of the control group grants control (group lists are read at connect).
        shell("usermod -aG echemtest-ctl echemtest-watcher")
        defer { shell("gpasswd -d echemtest-watcher echemtest-ctl >/dev/null") }
        let (submitted, submitOut) = try runAs("echemtest-watcher", [ctl, "submit", state + "/p.yaml", "--socket", daemon.socket])
        #expect(submitted == 0, "a control-group member may submit: \(submitOut)")
        let (cancelled, cancelOut) = try runAs("echemtest-watcher", [ctl, "cancel", "cyc-1", "--socket", daemon.socket])
        #expect(cancelled == 0, "and cancel: \(cancelOut)")
    }
}
