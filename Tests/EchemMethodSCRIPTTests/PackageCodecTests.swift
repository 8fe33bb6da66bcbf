import EchemDrivers
import Testing

/// The data-package value codec against the worked example of research §4.1 (an LSV on a 10 kΩ
/// dummy cell): `Pda7F85F3Fu;ba48D503Dp,10,288`.
@Suite("MethodSCRIPT data package codec")
struct PackageCodecTests {
    static let workedExample = "Pda7F85F3Fu;ba48D503Dp,10,288"

    @Test("the worked example decodes to −0.499905 V and −57.847747 µA, status OK, range 0x88")
    func decodesWorkedExample() throws {
        let reply = try MethodSCRIPTReply(parsing: Self.workedExample)
        guard case .package(let values) = reply else { Issue.record("not a package: \(reply)"); return }
        #expect(values.count == 2)
        #expect(values[0].type == .appliedPotential)
        #expect(values[0].mantissa == -499_905)
        #expect(values[0].prefix == .micro)
        #expect(abs(values[0].value - -0.499905) < 1e-15)
        #expect(values[0].status == nil && values[0].range == nil)
        #expect(values[1].type == .current)
        #expect(values[1].mantissa == -57_847_747)
        #expect(values[1].prefix == .pico)
        #expect(abs(values[1].value - -57.847747e-6) < 1e-18)
        #expect(values[1].status == [])
        #expect(values[1].range == 0x88)
    }

    @Test("encoding the worked example's values gives its bytes back exactly")
    func encodesWorkedExampleByteExact() {
        let e = MethodSCRIPTValue(type: .appliedPotential, value: -0.499905)
        let i = MethodSCRIPTValue(type: .current, value: -57.847747e-6, status: [], range: 0x88)
        #expect(e.encoded == "da7F85F3Fu")
        #expect(i.encoded == "ba48D503Dp,10,288")
        #expect(MethodSCRIPTReply.package([e, i]).encoded == Self.workedExample)
    }

    @Test("the finest prefix that fits 28 bits is chosen: 1 V is 1000000000 n would overflow, so µ")
    func choosesFinestPrefixInsideWindow() {
        #expect(MethodSCRIPTValue(type: .potential, value: 1).encoded == "ab80F4240u")   // 10⁶ µV
        #expect(MethodSCRIPTValue(type: .potential, value: 0.1).encoded == "abDF5E100n")  // 10⁸ nV
        #expect(MethodSCRIPTValue(type: .impedanceReal, value: 0).encoded == "cc8000000 ")
        #expect(MethodSCRIPTValue(type: .count, value: 41, integer: true).encoded == "ee8000029i")
        let big = MethodSCRIPTValue(type: .appliedFrequency, value: 1e6)
        #expect(big.value == 1e6)
    }

    @Test("NaN travels as five spaces and nan, both ways")
    func nanRoundTrip() throws {
        let v = MethodSCRIPTValue(type: .current, value: .nan)
        #expect(v.encoded == "ba     nan")
        let back = try MethodSCRIPTValue(parsing: Substring(v.encoded))
        #expect(back.value.isNaN && back.type == .current)
    }

    @Test("every value in a wide span round-trips to within one count of its prefix")
    func roundTripsAcrossDecades() throws {
        for exponent in stride(from: -15.0, through: 15.0, by: 0.37) {
            for sign in [-1.0, 1.0] {
                let x = sign * 1.2345678 * pow10(exponent)
                let v = MethodSCRIPTValue(type: .ia, value: x)
                let back = try MethodSCRIPTValue(parsing: Substring(v.encoded))
                #expect(abs(back.value - x) <= 0.5 * back.prefix.factor * (1 + 1e-12))
                #expect(abs(back.mantissa!) < MethodSCRIPTValue.offset)
            }
        }
    }

    @Test("status bits and range are read from metadata: overload (0x2) in range 0x0B")
    func readsStatusAndRange() throws {
        let v = try MethodSCRIPTValue(parsing: "ba8000010n,12,20B")
        #expect(v.status == .overload)
        #expect(v.range == 11)
        #expect(v.value == 16e-9)
    }

    @Test("malformed values name what is wrong",
          arguments: [("da7F85F3F", "10 characters"), ("DA7F85F3Fu", "variable type"), ("da7G85F3Fu", "hexadecimal"),
                      ("da7F85F3Fx", "SI prefix"), ("da7F85F3Fu,3", "metadata")])
    func rejectsMalformed(field: String, reason: String) {
        #expect {
            _ = try MethodSCRIPTValue(parsing: Substring(field))
        } throws: { error in
            "\(error)".contains(reason)
        }
    }

    private func pow10(_ x: Double) -> Double { Foundation.pow(10, x) }
}

extension MethodSCRIPTVariableType {
    static let ia = MethodSCRIPTVariableType(code: "ia")!
}

import Foundation
