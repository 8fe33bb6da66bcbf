import EchemDrivers
import EchemWireSim
import EchemTestSupport
import Foundation
import Testing

/// `echem-sim modbus` as a process: the ready line, serving, a clean stop on SIGTERM, and the
/// located errors of a broken profile.
@Suite("echem-sim modbus")
struct CommandLineTests {
    @Test("TCP on port 0: the ready line names the port; the nominal registers carry the flags; SIGTERM stops it")
    func tcpReadyLine() async throws {
        let sim = try SimulatorProcess.launched(["modbus", "--profile", "drivers/ea-psb-10000.toml", "--tcp", "127.0.0.1:0",
                                        "--nominal-voltage", "60V", "--nominal-current", "40A", "--speed", "max",
                                        "--set", "serial_number=SN-0042"])
        let line = try #require(await sim.readyLine())
        let fields = line.split(separator: " ").map(String.init)
        #expect(fields.count == 5 && fields[0] == "ready" && fields[1] == "tcp" && fields[3] == "unit" && fields[4] == "1", "\(line)")
        let port = try #require(Int(fields[2].split(separator: ":").last ?? ""))
        #expect(port > 0)

        let profile = try Fixtures.ea
        let bus = ModbusBus(profile.transport.busConfiguration(host: "127.0.0.1", port: port))
        var ea = DeviceRegisters(profile: profile, bus: bus, unit: 1)
        try await ea.readNominals()
        #expect(ea.nominals == ["nominal_voltage": 60, "nominal_current": 40, "nominal_power": 2400])
        #expect(try await ea.readText("serial_number") == "SN-0042")
        #expect(abs(try await ea.read("actual_voltage") - 3.5) <= 60.0 / 52428, "ideal_linear at 50 %")
        await bus.close()

        sim.terminate()
        let (status, stderr) = await sim.finish()
        #expect(status == 0, "\(stderr)")
        #expect(stderr.contains("signal SIGTERM: stopped"))
    }

    @Test("--pty --link: the ready line names the slave, the link points at it, unit 5 answers, SIGTERM removes the link")
    func ptyWithLink() async throws {
        let link = "/tmp/echem-sim-test-\(UUID().uuidString.prefix(8))"
        let sim = try SimulatorProcess.launched(["modbus", "--profile", "drivers/maynuo-m97.toml", "--pty", "--link", link,
                                        "--unit", "5", "--speed", "max"])
        let line = try #require(await sim.readyLine())
        let fields = line.split(separator: " ").map(String.init)
        #expect(fields.count == 5 && fields[1] == "rtu" && fields[2].hasPrefix("/dev/pts/") && fields[4] == "5", "\(line)")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == fields[2])

        let profile = try Fixtures.maynuo
        let bus = ModbusBus(profile.transport.busConfiguration(serialPath: link))
        let load = DeviceRegisters(profile: profile, bus: bus, unit: 5)
        #expect(abs(try await load.read("actual_voltage") - 3.5) < 1e-6)
        try await load.write("set_sink_current", 0.5)
        #expect(try await load.read("set_sink_current") == 0.5)
        await bus.close()

        sim.terminate()
        let (status, stderr) = await sim.finish()
        #expect(status == 0, "\(stderr)")
        #expect(!FileManager.default.fileExists(atPath: link), "the link is removed on exit")
    }

    @Test("a profile with a mistake: located diagnostics and exit status 78")
    func brokenProfile() async throws {
        let text = try String(contentsOf: Fixtures.profileURL("ea-psb-10000.toml"), encoding: .utf8)
            .replacingOccurrences(of: "name = \"actual_power\"\naddress = 509\ntype = \"u16\"", with: "name = \"actual_power\"\naddress = 509\ntype = \"u23\"")
        let path = "/tmp/echem-sim-broken-\(UUID().uuidString.prefix(8)).toml"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let sim = try SimulatorProcess.launched(["modbus", "--profile", path, "--tcp", "127.0.0.1:0"])
        #expect(await sim.readyLine() == nil)
        let (status, stderr) = await sim.finish()
        #expect(status == 78)
        #expect(stderr.contains("\(path):"), "\(stderr)")
        #expect(stderr.contains("error: registers[") && stderr.contains("did you mean \"u32\""), "\(stderr)")
    }

    @Test("RTU unit 0 is refused with the reason (usage error)")
    func unitZeroOnRTU() async throws {
        let sim = try SimulatorProcess.launched(["modbus", "--profile", "drivers/ea-psb-10000.toml", "--pty", "--unit", "0"])
        #expect(await sim.readyLine() == nil)
        let (status, stderr) = await sim.finish()
        #expect(status == 64)
        #expect(stderr.contains("broadcast"), "\(stderr)")
    }
}
