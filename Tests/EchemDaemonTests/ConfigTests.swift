import EchemCore
import EchemDaemon
import Foundation
import Testing

@Suite("echemd.toml: values, units and located errors")
struct ConfigTests {
    @Test("The shipped example parses, with units resolved to SI")
    func example() throws {
        let path = repositoryRoot.path + "/systemd/echemd.toml.example"
        let config = try ConfigLoader.load(path: path)
        #expect(config.bench == "bench-3")
        #expect(config.controlGroup == "echem-control")
        #expect(config.recovery == .resume)
        #expect(config.channels.map(\.id) == ["cyc-1", "pstat-1"])
        let cyc = config.channels[0].limits
        #expect(cyc.maxAmperes == 0.05 && cyc.maxVolts == 4.5 && cyc.minVolts == -0.5 && cyc.maxWatts == 0.25)
        #expect(config.channels[1].limits.maxCelsius == 60)
        #expect(config.simulation.samplePeriod == 1 && config.simulation.noiseVolts == 1e-4)
    }

    @Test("Every mistake is reported in one pass, each with its line and what would be valid")
    func locatedErrors() {
        let text = """
        bench = "b"
        recovery = "retry"
        contrl_group = "x"

        [[channels]]
        id = "c1"
        driver = "sim-cycler"
        limits = { min_voltage = "0 V", max_voltage = "5 parsecs", max_current = "50 mA" }

        [[channels]]
        id = "c1"
        driver = "modbus-magic"
        [channels.limits]
        min_voltage = "3 V"
        max_voltage = "2 V"
        max_current = -1
        """
        do {
            _ = try ConfigLoader.parse(text, filename: "bad.toml")
            Issue.record("a broken configuration must be refused")
        } catch {
            let lines = error.lines.joined(separator: "\n")
            #expect(lines.contains("bad.toml:2:"), "recovery on line 2: \(lines)")
            #expect(lines.contains("resume") && lines.contains("stop"), "the valid policies are named")
            #expect(lines.contains("bad.toml:3:") && lines.contains("control_group"), "unknown key with a suggestion")
            #expect(lines.contains("bad.toml:8:") && lines.contains("parsecs"), "the bad unit on line 8")
            #expect(lines.contains("bad.toml:12:") && lines.contains("sim-cycler"), "the unknown driver lists the valid ones")
            #expect(lines.contains("used twice"), "a duplicate channel id")
            #expect(lines.contains("max_voltage must be above min_voltage"))
            #expect(lines.contains("max_current must be positive"))
        }
    }

    @Test("No configuration: the simulated bench of 8 cyclers and 1 potentiostat")
    func simulatedBench() throws {
        let config = DaemonConfig.simulatedBench()
        let bench = try Bench(config: config)
        #expect(bench.channels.count == 9)
        #expect(bench.channels.filter(\.isPotentiostat).map(\.id) == ["pstat-1"])
        #expect(bench.channel("cyc-8")?.capabilities.maxAbsCurrent == 0.05)
    }

    @Test("A modbus channel loads its device profile; a missing or broken profile is a located error")
    func modbusChannel() throws {
        let drivers = repositoryRoot.path + "/drivers"
        let good = """
        [[channels]]
        id = "psb-1"
        driver = "modbus"
        address = "tcp://127.0.0.1:1502"
        profile = "\(drivers)/ea-psb-10000.toml"
        unit = 3
        sample_period = "500 ms"
        limits = { min_voltage = "2.5 V", max_voltage = "4.25 V", max_current = "5 A" }
        """
        let config = try ConfigLoader.parse(good, filename: "/etc/echemd/echemd.toml")
        let ref = try #require(config.channels.first?.profile)
        #expect(ref.profile.device.family == "EA PSB 10000")
        #expect(ref.unit == 3 && ref.samplePeriod == 0.5)
        let bench = try Bench(config: config)
        #expect(bench.channels[0].capabilities.maxVolts == 4.25, "hard limits clip the device's range")
        #expect(bench.channels[0].capabilities.maxAbsCurrent == 5)

        let missing = good.replacingOccurrences(of: "ea-psb-10000.toml", with: "no-such-device.toml")
        #expect(throws: ConfigLoader.Failure.self) { try ConfigLoader.parse(missing, filename: "c.toml") }
        do { _ = try ConfigLoader.parse(missing, filename: "c.toml") } catch {
            #expect(error.lines.contains { $0.hasPrefix("c.toml:5:") && $0.contains("not found") }, "\(error.lines)")
        }
        let broken = temporaryDirectory("profile") + "/broken.toml"
        let text = try String(contentsOfFile: drivers + "/ea-psb-10000.toml", encoding: .utf8)
            .replacingOccurrences(of: "name = \"set_voltage\"", with: "name = \"set_voltag\"")
        try text.write(toFile: broken, atomically: true, encoding: .utf8)
        do {
            _ = try ConfigLoader.parse(good.replacingOccurrences(of: "\(drivers)/ea-psb-10000.toml", with: broken), filename: "c.toml")
            Issue.record("a broken profile must be refused")
        } catch {
            #expect(error.lines.contains { $0.hasPrefix(broken + ":") && $0.contains("set_voltag") }, "the profile's own located error: \(error.lines)")
        }
    }

    @Test("A methodscript channel names its model (ranges known before the port opens); a wrong model or baud is located")
    func methodscriptChannel() throws {
        let good = """
        [[channels]]
        id = "pstat-1"
        driver = "methodscript"
        address = "/dev/serial/by-id/usb-PalmSens_EmStat4-if00"
        model = "emstat4-hr"
        baud = 921600
        sample_period = "0.5 s"
        limits = { min_voltage = "-5 V", max_voltage = "5 V", max_current = "10 mA" }
        """
        let config = try ConfigLoader.parse(good, filename: "ms.toml")
        let ref = try #require(config.channels.first?.methodscript)
        #expect(ref.profile.name == "EmStat4 HR" && ref.baud == 921_600 && ref.samplePeriod == 0.5)
        let bench = try Bench(config: config)
        #expect(bench.channels.first?.isPotentiostat == true, "sweeps and EIS: a potentiostat")

        let bad = good.replacingOccurrences(of: "emstat4-hr", with: "emstat5").replacingOccurrences(of: "921600", with: "9600")
        do {
            _ = try ConfigLoader.parse(bad, filename: "ms.toml")
            Issue.record("a wrong model and baud must be refused")
        } catch {
            #expect(error.lines.contains { $0.hasPrefix("ms.toml:5:") && $0.contains("emstat5") && $0.contains("emstat4-hr") }, "\(error.lines)")
            #expect(error.lines.contains { $0.hasPrefix("ms.toml:6:") && $0.contains("230400 or 921600") }, "\(error.lines)")
        }
    }

    @Test("A neware channel names its BTS Client, channel, units and step folders; a fast poll or a bad channel name is located")
    func newareChannel() throws {
        let good = """
        [[channels]]
        id = "nw-3"
        driver = "neware"
        address = "tcp://192.168.1.20"
        channel = "21-1-3"
        units = "mA"
        step_folder = "/srv/bts/echemd"
        step_folder_remote = 'D:\\echemd\\'
        poll = "10 s"
        limits = { min_voltage = "0 V", max_voltage = "5 V", max_current = "10 mA" }
        """
        let config = try ConfigLoader.parse(good, filename: "nw.toml")
        let ref = try #require(config.channels.first?.neware)
        #expect(ref.host == "192.168.1.20" && ref.port == 502, "port 502 by default")
        #expect(ref.unitScale == .milliamperes && ref.pollSeconds == 10 && ref.timeZone == "UTC")
        #expect(ref.remotePath("echemd-1.xml") == #"D:\echemd\echemd-1.xml"#, "a Windows folder joins with a backslash")
        let bench = try Bench(config: config)
        #expect(bench.channels.first?.capabilities.modes.contains(.sweep) == false, "a step file cannot sweep here")
        #expect(bench.channels.first?.isPotentiostat == false)

        let bad = good.replacingOccurrences(of: "21-1-3", with: "21/3").replacingOccurrences(of: "10 s", with: "1 s")
            .replacingOccurrences(of: "\"mA\"", with: "\"uA\"")
        do {
            _ = try ConfigLoader.parse(bad, filename: "nw.toml")
            Issue.record("a bad channel name, unit and poll must be refused")
        } catch {
            #expect(error.lines.contains { $0.hasPrefix("nw.toml:5:") && $0.contains("DEVID-SUBDEVID-CHLID") }, "\(error.lines)")
            #expect(error.lines.contains { $0.hasPrefix("nw.toml:6:") && $0.contains("uA") }, "\(error.lines)")
            #expect(error.lines.contains { $0.hasPrefix("nw.toml:9:") && $0.contains("at least 5 s") }, "\(error.lines)")
        }
    }
}
