import EchemDrivers
import Testing

/// Every reply line type a MethodSCRIPT device sends, parsed and re-encoded.
@Suite("MethodSCRIPT reply lines")
struct ReplyLineTests {
    @Test("each line type parses to its reply and encodes back to the same bytes",
          arguments: [
            ("e", MethodSCRIPTReply.scriptAccepted),
            ("M0005", .measurementLoopStarted(techniqueID: 5)),
            ("*", .measurementLoopEnded),
            ("L", .loopStarted),
            ("+", .loopEnded),
            ("C0001", .scanStarted(code: 1)),
            ("-", .scanEnded),
            ("Thello 42", .text("hello 42")),
            ("", .endOfScript),
            ("Z", .aborted),
            ("!4004: Line 5, Col 3", .error(MethodSCRIPTDeviceError(code: .unexpectedCharacter, line: 5, column: 3))),
            ("Z!0006", .error(MethodSCRIPTDeviceError(code: .noScriptRunning, command: "Z"))),
            ("e!4001: Line 2, Col 1", .error(MethodSCRIPTDeviceError(code: .unknownScriptCommand, command: "e", line: 2, column: 1))),
            ("tnexus1 1.0.0", .commandReply(command: "t", text: "nexus1 1.0.0")),
          ])
    func parsesEveryLineType(line: String, expected: MethodSCRIPTReply) throws {
        let reply = try MethodSCRIPTReply(parsing: line)
        #expect(reply == expected)
        #expect(reply.encoded == line)
    }

    @Test("a package line parses to its values; M0005 is a CV loop, M000D an EIS loop")
    func packagesAndTechniques() throws {
        let p = try MethodSCRIPTReply(parsing: "Peb8000064m;da80F4240u;ba7FFFF9Cn,10,209")
        guard case .package(let values) = p else { Issue.record("\(p)"); return }
        #expect(values.map(\.type) == [.time, .appliedPotential, .current])
        #expect(values[0].value == 0.1)
        #expect(try MethodSCRIPTReply(parsing: "M0005").technique == .cv)
        #expect(try MethodSCRIPTReply(parsing: "M000D").technique == .eis)
        #expect(try MethodSCRIPTReply(parsing: "M000E").technique == .geis)
    }

    @Test("a trailing carriage return is tolerated")
    func toleratesCR() throws {
        #expect(try MethodSCRIPTReply(parsing: "*\r") == .measurementLoopEnded)
    }

    @Test("garbage is refused with the reason", arguments: [
        ("Q123", "none of these"), ("M12", "4 hex digits"), ("P", "at least one value"),
        ("ab\u{01}cd", "control or non-ASCII"), ("Pda7F8", "10 characters"), ("e junk", "none of these"),
    ])
    func refusesGarbage(line: String, reason: String) {
        #expect {
            _ = try MethodSCRIPTReply(parsing: line)
        } throws: { error in
            "\(error)".contains(reason)
        }
    }
}

/// The `!XXXX` codes and what they mean.
@Suite("MethodSCRIPT error codes")
struct ErrorCodeTests {
    @Test("codes carry their meaning", arguments: [
        (0x4001, "command the device does not know"), (0x4004, "did not expect"), (0x0006, "no script runs"),
        (0x420B, "not declared"), (0x4018, "missing endloop"), (0x001B, "does not support"),
    ])
    func meanings(code: Int, phrase: String) {
        #expect(MethodSCRIPTErrorCode(code).meaning.contains(phrase))
    }

    @Test("a code outside the table still says which code it was")
    func unknownCode() {
        #expect(MethodSCRIPTErrorCode(0x1234).meaning.contains("0x1234"))
    }

    @Test("a device error prints code, meaning, line and column")
    func deviceErrorDescription() throws {
        guard case .error(let e) = try MethodSCRIPTReply(parsing: "!4004: Line 5, Col 3") else { Issue.record("no error"); return }
        let text = "\(e)"
        #expect(text.contains("0x4004") && text.contains("line 5") && text.contains("column 3"))
        #expect(e.encoded == "!4004: Line 5, Col 3")
    }
}
