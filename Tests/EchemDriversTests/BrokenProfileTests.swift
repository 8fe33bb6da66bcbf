import Foundation
import Testing
@testable import EchemDrivers

/// Each case breaks a shipped profile in one place and names the line the error must point at
/// (the line containing `marker` after the edit) and words the message must contain.
struct BrokenProfile: CustomTestStringConvertible, Sendable {
    var name: String
    var file = "ea-psb-10000.toml"
    var original: String
    var replacement: String
    var marker: String
    var message: String
    /// The error points at the line before the marker (a `[[registers]]` header before its name).
    var lineOffset = 0

    var testDescription: String { name }
}

@Suite("Broken profiles give located errors")
struct BrokenProfileTests {
    static let cases: [BrokenProfile] = [
        BrokenProfile(name: "misspelt key in [device]", original: "manufacturer = \"EA", replacement: "manufacturr = \"EA",
                      marker: "manufacturr =", message: "unknown key 'manufacturr'; did you mean 'manufacturer'?"),
        BrokenProfile(name: "wrong type: baud as a string", original: "baud = 115200", replacement: "baud = \"fast\"",
                      marker: "baud = \"fast\"", message: "transport.baud: expected an integer, found a string \"fast\""),
        BrokenProfile(name: "missing address", original: "name = \"actual_voltage\"\naddress = 507\n", replacement: "name = \"actual_voltage\"\n",
                      marker: "name = \"actual_voltage\"", message: "missing required key 'address'", lineOffset: -1),
        BrokenProfile(name: "bad register type", original: "type = \"u32\"", replacement: "type = \"u23\"",
                      marker: "type = \"u23\"", message: "unknown value \"u23\"; did you mean \"u32\"?"),
        BrokenProfile(name: "overlapping addresses", original: "address = 502", replacement: "address = 0x1F5",
                      marker: "address = 0x1F5", message: "'set_power' (501) overlaps 'set_current' (501"),
        BrokenProfile(name: "overlap with a 32-bit register's second word", original: "address = 507", replacement: "address = 506",
                      marker: "address = 506", message: "'actual_voltage' (506) overlaps 'status' (505…506"),
        BrokenProfile(name: "control sequence names an unknown register", original: "{register = \"output\", value = true}",
                      replacement: "{register = \"outptu\", value = true}", marker: "register = \"outptu\"",
                      message: "no register named 'outptu'; did you mean 'output'?"),
        BrokenProfile(name: "register name outside the vocabulary", original: "name = \"set_current\"", replacement: "name = \"set_curent\"",
                      marker: "name = \"set_curent\"", message: "'set_curent' is not a register the driver knows; did you mean 'set_current'?"),
        BrokenProfile(name: "scaling relative to an unknown nominal", original: "value_full_scale = \"100 % of nominal_power\"\nraw_max = 53477\nverified = false",
                      replacement: "value_full_scale = \"100 % of nominal_powr\"\nraw_max = 53477\nverified = false",
                      marker: "nominal_powr", message: "no register named 'nominal_powr'; did you mean 'nominal_power'?"),
        BrokenProfile(name: "limit with the wrong unit", original: "max_voltage = \"2000 V\"", replacement: "max_voltage = \"2000 A\"",
                      marker: "max_voltage", message: "\"2000 A\" is a current, not a voltage"),
        BrokenProfile(name: "a source/sink that cannot sink", original: "can_sink = true", replacement: "can_sink = false",
                      marker: "can_sink", message: "a device of kind \"source_sink\" sinks current"),
        BrokenProfile(name: "coil written with a register value", original: "value = 0xFF00", replacement: "value = 1",
                      marker: "remote_on", message: "a coil is written as 0xFF00 (on) or 0x0000 (off), not 1"),
        BrokenProfile(name: "misspelt control sequence", original: "output_off = [", replacement: "output_offf = [",
                      marker: "output_offf =", message: "unknown key 'output_offf'; did you mean 'output_off'?"),
        BrokenProfile(name: "word order on a 16-bit register", original: "name = \"device_class\"\naddress = 0\ntype = \"u16\"",
                      replacement: "name = \"device_class\"\naddress = 0\ntype = \"u16\"\nword_order = \"little\"",
                      marker: "word_order = \"little\"", message: "a u16 has no word order"),
        BrokenProfile(name: "raw_max beyond a u16", original: "raw_max = 53477\nverified = false     # third-party PSB header only",
                      replacement: "raw_max = 70000\nverified = false     # third-party PSB header only",
                      marker: "raw_max = 70000", message: "70000 does not fit a u16 (expected 0 … 65535)"),
        BrokenProfile(name: "USB id that is not four hex digits", original: "vid = \"232e\"", replacement: "vid = \"23e\"",
                      marker: "usb = [", message: "device.usb[0].vid: \"23e\" is not a USB id"),
        BrokenProfile(name: "TOML syntax error", original: "[limits]", replacement: "[limits",
                      marker: "[limits", message: "error:"),
        BrokenProfile(name: "writable input register", original: "name = \"device_class\"\naddress = 0\ntype = \"u16\"\naccess = \"r\"",
                      replacement: "name = \"device_class\"\naddress = 0\ntype = \"u16\"\ntable = \"input\"\naccess = \"rw\"",
                      marker: "access = \"rw\"", message: "input registers are read-only in Modbus"),
        BrokenProfile(name: "Maynuo: misspelt named value", file: "maynuo-m97.toml", original: "value = \"input_on\"", replacement: "value = \"input_onn\"",
                      marker: "input_onn", message: "'command' has no value named 'input_onn'; did you mean 'input_on'?"),
        BrokenProfile(name: "Maynuo: sequence writes a read-only register", file: "maynuo-m97.toml",
                      original: "output_off = [{register = \"command\", value = \"input_off\"}]",
                      replacement: "output_off = [{register = \"actual_voltage\", value = 0}]",
                      marker: "output_off =", message: "'actual_voltage' is read-only"),
        BrokenProfile(name: "Maynuo: a load without its current set-point", file: "maynuo-m97.toml",
                      original: "name = \"set_sink_current\"   # IFIX, CC level", replacement: "name = \"ifix\"\nextra = true",
                      marker: "kind = \"load\"", message: "a \"load\" device needs a register named 'set_sink_current'"),
        BrokenProfile(name: "Maynuo: scaling on a code register", file: "maynuo-m97.toml",
                      original: "address = 0x0A00\ntype = \"u16\"", replacement: "address = 0x0A00\ntype = \"u16\"\nscale = 2",
                      marker: "scale = 2", message: "'command' holds codes, not a scaled quantity"),
    ]

    @Test("a broken profile fails with an error on the right line", arguments: cases)
    func locatedError(_ c: BrokenProfile) throws {
        let original = try Fixtures.profileText(c.file)
        #expect(original.contains(c.original), "the fixture text to break is not in \(c.file)")
        let broken = original.replacingOccurrences(of: c.original, with: c.replacement)
        let line = try #require(Fixtures.line(of: c.marker, in: broken)) + c.lineOffset
        do {
            _ = try DeviceProfileLoader.load(text: broken, filename: c.file)
            Issue.record("\(c.name): the broken profile loaded")
        } catch {
            let hits = error.diagnostics.filter { $0.location.line == line && $0.description.contains(c.message) }
            #expect(!hits.isEmpty, "wanted line \(line): \(c.message)\ngot:\n\(error)")
            #expect(error.diagnostics.allSatisfy { $0.description.hasPrefix("\(c.file):") })
        }
    }

    @Test("an error prints as FILE:LINE:COL: error: MESSAGE (expected …), at the value's column")
    func format() throws {
        let broken = try Fixtures.profileText("ea-psb-10000.toml").replacingOccurrences(of: "type = \"u32\"", with: "type = \"u23\"")
        let line = try #require(Fixtures.line(of: "type = \"u23\"", in: broken))
        do {
            _ = try DeviceProfileLoader.load(text: broken, filename: "ea.toml")
            Issue.record("loaded")
        } catch {
            #expect(error.description.hasPrefix("ea.toml:\(line):8: error: registers[14].type: unknown value \"u23\"; did you mean \"u32\"? (expected one of: u16, i16, u32, i32, f32, string)"))
        }
    }

    @Test("one pass reports every mistake, not just the first")
    func allErrorsAtOnce() throws {
        let broken = try Fixtures.profileText("ea-psb-10000.toml")
            .replacingOccurrences(of: "baud = 115200", with: "baud = \"fast\"")
            .replacingOccurrences(of: "type = \"u32\"", with: "type = \"u23\"")
            .replacingOccurrences(of: "max_voltage = \"2000 V\"", with: "max_voltage = \"2000 A\"")
        do {
            _ = try DeviceProfileLoader.load(text: broken, filename: "ea.toml")
            Issue.record("loaded")
        } catch {
            #expect(error.diagnostics.count == 3, "\(error)")
        }
    }

    @Test("a register with its own error is reported once, not again by everything that names it")
    func noFollowOnErrors() throws {
        let maynuo = try Fixtures.profileText("maynuo-m97.toml")
            .replacingOccurrences(of: "address = 0x0A00\ntype = \"u16\"", with: "address = 0x0A00\ntype = \"u16\"\nscale = 2")
        let ea = try Fixtures.profileText("ea-psb-10000.toml")
            .replacingOccurrences(of: "name = \"actual_voltage\"\naddress = 507\n", with: "name = \"actual_voltage\"\n")
        for (text, file) in [(maynuo, "maynuo.toml"), (ea, "ea.toml")] {
            do {
                _ = try DeviceProfileLoader.load(text: text, filename: file)
                Issue.record("loaded")
            } catch {
                #expect(error.diagnostics.count == 1, "\(error)")
            }
        }
    }
}
