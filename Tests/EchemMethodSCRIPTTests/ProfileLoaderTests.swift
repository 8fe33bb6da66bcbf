import EchemCore
import EchemDrivers
import Foundation
import Testing

@Suite("MethodSCRIPT models as data (drivers/methodscript/*.toml)")
struct ProfileLoaderTests {
    @Test("the shipped models load with their envelopes, ranges and FRA windows")
    func shippedModels() throws {
        let catalog = ShippedModels.catalog
        #expect(Set(catalog.models) == ["nexus", "emstat4-hr", "emstat4-lr", "emstat-pico"])
        let nexus = try #require(catalog.named("nexus1"), "found by firmware prefix")
        #expect(nexus.minVolts == -10 && nexus.maxVolts == 10 && nexus.maxAbsCurrent == 1 && nexus.baud == 921_600)
        #expect(nexus.minHz == 1e-5 && nexus.maxHz == 1e6, "10 uHz and 1 MHz (mega, not milli)")
        #expect(nexus.currentRanges.first?.amperes == 1e-10 && nexus.currentRanges.first?.index == 16, "ranges sorted, 100 pA first")
        #expect(nexus.range(covering: 5e-3).amperes == 1e-2, "5 mA needs the 10 mA range")
        let pico = try #require(catalog.named("EmStat Pico"))
        #expect(!pico.galvanostat && pico.galvanostaticMode == nil && pico.baud == 230_400)
        #expect(!pico.capabilities(minSamplePeriod: 0.1).modes.contains(.current), "no galvanostat: no current control")
        #expect(catalog.matching(firmware: "es4_hr1.3 #1234")?.model == "emstat4-hr")
    }

    @Test("a model with mistakes is refused with every mistake located and what would be valid")
    func locatedErrors() throws {
        let text = """
        [methodscript]
        name = "Bad"
        model = "bad"
        firmware_prefix = "bad1"
        baud = 115200
        min_potential = "5 V"
        max_potential = "2 A"
        max_current = "10 mA"
        galvanostat = true
        min_frequency = "1 Hz"
        current_ranges = [{ index = 1, full_scale = "1 mA", colour = "red" }]
        """
        #expect {
            _ = try MethodSCRIPTProfileLoader.load(text: text, filename: "bad.toml")
        } throws: { error in
            let lines = (error as? DeviceProfileError)?.diagnostics.map(\.description) ?? []
            return lines.contains { $0.hasPrefix("bad.toml:5:") && $0.contains("230400 or 921600") }
                && lines.contains { $0.hasPrefix("bad.toml:7:") && $0.contains("not a voltage") }
                && lines.contains { $0.contains("max_frequency") }
                && lines.contains { $0.hasPrefix("bad.toml:11:") && $0.contains("colour") }
        }
    }
}
