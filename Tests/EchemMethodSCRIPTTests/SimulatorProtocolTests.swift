import EchemCore
import EchemDrivers
import EchemSim
import EchemWireSim
import Testing

/// The simulator's bytes on a real pty, read with a plain serial port: host commands, script
/// replies and their encodings.
@Suite("MethodSCRIPT simulator wire protocol", .serialized)
struct SimulatorProtocolTests {
    /// A simulator (lockstep clock) and a raw port on its slave side.
    static func open(_ cell: MethodSCRIPTSimulator.Cell? = nil) async throws -> (MethodSCRIPTSimulator, AsyncSerialPort) {
        let sim = try MethodSCRIPTSimulator(.init(profile: .nexus, cell: try cell ?? .chemistry("ideal_linear", capacityAh: 1e-3), clock: .lockstep))
        sim.start()
        let port = try await AsyncSerialPort(path: sim.path, settings: SerialSettings(baud: 921_600))
        return (sim, port)
    }

    static func lines(_ port: AsyncSerialPort, count: Int) async throws -> [String] {
        var out: [String] = []
        for _ in 0..<count { out.append(String(decoding: try await port.readLine(timeout: .seconds(5)), as: UTF8.self)) }
        return out
    }

    /// Reads up to and including the empty line that ends a script (or an error line).
    static func script(_ port: AsyncSerialPort, _ text: String) async throws -> [String] {
        try await port.write(Array(("e\n" + text + "\n\n").utf8))
        var out: [String] = []
        while true {
            let l = String(decoding: try await port.readLine(timeout: .seconds(10)), as: UTF8.self)
            out.append(l)
            if l.isEmpty || l.contains("!") { return out }
        }
    }

    @Test("t answers two lines: the first starts with t and the device prefix, the second ends with *")
    func firmwareVersion() async throws {
        let (sim, port) = try await Self.open()
        defer { sim.stop() }
        try await port.write(Array("t\n".utf8))
        let reply = try await Self.lines(port, count: 2)
        #expect(reply[0].hasPrefix("tnexus1"))
        #expect(reply[1].hasSuffix("*"))
        await port.close()
    }

    @Test("Z with no script running answers Z!0006; an unknown command answers its letter and !0003")
    func hostCommandErrors() async throws {
        let (sim, port) = try await Self.open()
        defer { sim.stop() }
        try await port.write(Array("\nZ\nq\n".utf8))
        #expect(try await Self.lines(port, count: 2) == ["Z!0006", "q!0003"])
        await port.close()
    }

    @Test("script errors carry the real codes with line and column", arguments: [
        ("var p\n  frobnicate p", "e!4001: Line 2, Col 3"),           // unknown command
        ("var p\nmeas_loop_swv p", "e!001B: Line 2, Col 1"),          // real but not simulated
        ("var p\nvar p", "e!4026: Line 2, Col 5"),                   // declared twice
        ("store_var q 1 ja", "e!420B: Line 1, Col 11"),              // undeclared
        ("var p\nstore_var p 12x ja", "e!4039: Line 2, Col 13"),      // bad literal
        ("var p\nloop p < 1\n", "e!4018: Line 2"),                    // unclosed loop
        ("var p\nendloop", "e!400C: Line 2, Col 1"),                  // closer without opener
        ("var p\nvar c\ncell_on\nmeas_loop_ca p c 1 1 2\nmeas_loop_ocp p 1 2\nendloop\nendloop", "e!400B: Line 5, Col 1"),
        ("var p\nstore_var p 1 Q1", "e!0002: Line 2, Col 15"),        // variable type
        ("var p\nvar c\nmeas_loop_ca p c 1 1 2 nscans(2)\nendloop", "e!4008: Line 3, Col 24"),
    ])
    func parseErrors(script: String, reply: String) async throws {
        let (sim, port) = try await Self.open()
        defer { sim.stop() }
        let out = try await Self.script(port, script)
        #expect(out == [reply])
        #expect(sim.counters.scriptsRejected == 1)
        await port.close()
    }

    @Test("loops, conditions, arithmetic and send_string run: L, T lines, + and the closing empty line")
    func controlFlow() async throws {
        let (sim, port) = try await Self.open()
        defer { sim.stop() }
        let out = try await Self.script(port, """
            var i
            store_var i 0i ja
            loop i < 5i
              add_var i 1i
              send_string "i={i}"
              if i >= 2i
                breakloop
              endif
            endloop
            on_finished:
              send_string "done"
            """)
        #expect(out == ["e", "L", "Ti=1", "Ti=2", "+", "Tdone", ""])
        await port.close()
    }

    @Test("a run-time error stops the script with !XXXX and its line: CA with the cell off is !4027")
    func runtimeError() async throws {
        let (sim, port) = try await Self.open()
        defer { sim.stop() }
        let out = try await Self.script(port, "var p\nvar c\nmeas_loop_ca p c 1 1 2\nendloop")
        #expect(out == ["e", "!4027: Line 3"])
        await port.close()
    }

    @Test("chronoamperometry streams M0007, packages of time, applied potential and current, *, empty line")
    func chronoamperometryBytes() async throws {
        let (sim, port) = try await Self.open()
        defer { sim.stop() }
        let out = try await Self.script(port, """
            var t
            var p
            var c
            set_pgstat_mode 2
            set_e 3600m
            cell_on
            timer_start
            meas_loop_ca p c 3600m 500m 1500m
              timer_get t
              pck_start
              pck_add t
              pck_add p
              pck_add c
              pck_end
            endloop
            on_finished:
              cell_off
            """)
        #expect(out.first == "e" && out[1] == "M0007" && out[out.count - 2] == "*" && out.last == "")
        let packages = out.filter { $0.hasPrefix("P") }
        #expect(packages.count == 3)
        for (k, line) in packages.enumerated() {
            guard case .package(let v) = try MethodSCRIPTReply(parsing: line) else { Issue.record("not a package: \(line)"); continue }
            #expect(v.map(\.type) == [.time, .appliedPotential, .current])
            #expect(abs(v[0].value - 0.5 * Double(k + 1)) < 1e-9)   // 0.5, 1.0, 1.5 s
            #expect(v[1].encoded == "da836EE80u")                   // 3.6 V = 3600000 µV = 0x36EE80 + 2²⁷
            #expect(v[2].value > 0)                                  // above the 3.5 V OCV: charging
            #expect(v[2].status == [] && v[2].range != nil)
        }
        await port.close()
    }

    @Test("a CV with nscans(2) brackets each scan with C and -, and turns at its vertices")
    func cvScans() async throws {
        let (sim, port) = try await Self.open()
        defer { sim.stop() }
        let out = try await Self.script(port, """
            var p
            var c
            set_e 3500m
            cell_on
            meas_loop_cv p c 3500m 3510m 3490m 5m 10m nscans(2)
              pck_start
              pck_add p
              pck_add c
              pck_end
            endloop
            """)
        let marks = out.filter { !$0.hasPrefix("P") }
        #expect(marks == ["e", "M0005", "C0000", "-", "C0001", "-", "*", ""])
        let potentials = try out.filter { $0.hasPrefix("P") }.map { line -> Double in
            guard case .package(let v) = try MethodSCRIPTReply(parsing: line) else { return .nan }
            return v[0].value
        }
        // Scan 1: 3.500, up to 3.510, down to 3.490, back to 3.500 (1 + 2 + 4 + 2 points); scan 2 without the start.
        #expect(potentials.count == 9 + 8)
        #expect(abs(potentials.max()! - 3.51) < 1e-9 && abs(potentials.min()! - 3.49) < 1e-9)
        #expect(abs(potentials.last! - 3.5) < 1e-9)
        await port.close()
    }
}
