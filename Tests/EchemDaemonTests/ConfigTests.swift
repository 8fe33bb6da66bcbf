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
    func simulatedBench() {
        let config = DaemonConfig.simulatedBench()
        let bench = Bench(config: config)
        #expect(bench.channels.count == 9)
        #expect(bench.channels.filter(\.isPotentiostat).map(\.id) == ["pstat-1"])
        #expect(bench.channel("cyc-8")?.capabilities.maxAbsCurrent == 0.05)
    }
}
