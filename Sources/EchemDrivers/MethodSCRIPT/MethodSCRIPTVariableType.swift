/// The two-letter variable type that opens each value in a data package (`da`, `ba`, …): what
/// the number is and its unit. Unknown codes are kept (a newer firmware may send more), named
/// "unknown".
public struct MethodSCRIPTVariableType: Sendable, Hashable, CustomStringConvertible {
    public let code: String

    /// `code` must be two lowercase ASCII letters; anything else is not a variable type.
    public init?(code: String) {
        let bytes = Array(code.utf8)
        guard bytes.count == 2, bytes.allSatisfy({ $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") }) else {
            return nil
        }
        self.code = code
    }

    private init(known code: String) { self.code = code }

    public var name: String { Self.catalogue[code]?.name ?? "unknown" }
    public var unit: String { Self.catalogue[code]?.unit ?? "" }
    public var description: String { "\(code) (\(name)\(unit.isEmpty ? "" : ", \(unit)"))" }

    // The types echemd reads and the simulator writes.
    public static let potential = MethodSCRIPTVariableType(known: "ab")
    public static let current = MethodSCRIPTVariableType(known: "ba")
    public static let phase = MethodSCRIPTVariableType(known: "ca")
    public static let impedanceModulus = MethodSCRIPTVariableType(known: "cb")
    public static let impedanceReal = MethodSCRIPTVariableType(known: "cc")
    public static let impedanceImaginary = MethodSCRIPTVariableType(known: "cd")
    public static let appliedPotential = MethodSCRIPTVariableType(known: "da")
    public static let appliedCurrent = MethodSCRIPTVariableType(known: "db")
    public static let appliedFrequency = MethodSCRIPTVariableType(known: "dc")
    public static let appliedAmplitude = MethodSCRIPTVariableType(known: "dd")
    public static let time = MethodSCRIPTVariableType(known: "eb")
    public static let temperature = MethodSCRIPTVariableType(known: "ed")
    public static let count = MethodSCRIPTVariableType(known: "ee")
    public static let generic1 = MethodSCRIPTVariableType(known: "ja")

    /// Names and units from the MethodSCRIPT manual's variable type table (the common ones).
    static let catalogue: [String: (name: String, unit: String)] = [
        "aa": ("unknown", ""),
        "ab": ("WE vs RE potential", "V"), "ac": ("CE vs GND potential", "V"), "ad": ("SE vs GND potential", "V"),
        "ae": ("RE vs GND potential", "V"), "af": ("WE vs GND potential", "V"), "ag": ("WE vs CE potential", "V"),
        "ba": ("WE current", "A"), "bb": ("WE2 current", "A"),
        "ca": ("phase", "°"), "cb": ("|Z|", "Ω"), "cc": ("Z real", "Ω"), "cd": ("Z imaginary", "Ω"),
        "da": ("applied potential", "V"), "db": ("applied current", "A"), "dc": ("applied frequency", "Hz"),
        "dd": ("applied AC amplitude", "V rms"),
        "ea": ("channel", ""), "eb": ("time", "s"), "ec": ("pin mask", ""), "ed": ("temperature", "°C"),
        "ee": ("count", ""),
        "ha": ("generic current 1", "A"), "hb": ("generic current 2", "A"),
        "ia": ("generic potential 1", "V"), "ib": ("generic potential 2", "V"),
        "ja": ("misc. generic 1", ""), "jb": ("misc. generic 2", ""), "jc": ("misc. generic 3", ""),
        "jd": ("misc. generic 4", ""),
    ]
}
