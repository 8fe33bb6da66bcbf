/// A `!XXXX` error code from the device, with its meaning.
///
/// The codes are those of the MethodSCRIPT manual's error list (appendix A); the meanings are
/// written here in our own words. Codes below 0x4000 are general and measurement errors, 0x4xxx
/// are script (parser and interpreter) errors, 0x42xx argument errors.
public struct MethodSCRIPTErrorCode: Sendable, Hashable, CustomStringConvertible {
    public let rawValue: Int
    public init(_ rawValue: Int) { self.rawValue = rawValue }

    /// `4004`, as on the wire.
    public var hex: String { MethodSCRIPTValue.hex(rawValue, digits: 4) }

    public var meaning: String {
        Self.meanings[rawValue] ?? "an error the MethodSCRIPT manual lists as 0x\(hex) (not in echemd's table)"
    }

    public var description: String { "0x\(hex): \(meaning)" }

    // Codes echemd and its simulator use by name.
    public static let unspecified = Self(0x0001)
    public static let invalidVariableType = Self(0x0002)
    public static let unknownCommand = Self(0x0003)
    public static let noScriptRunning = Self(0x0006)
    public static let unexpectedArgument = Self(0x0007)
    public static let invalidPotential = Self(0x000F)
    public static let notANumber = Self(0x0010)
    public static let ocpWithCellOn = Self(0x0014)
    public static let notSupported = Self(0x001B)
    public static let invalidPGStatMode = Self(0x0021)
    public static let divisionByZero = Self(0x0028)
    public static let unknownScriptCommand = Self(0x4001)
    public static let unexpectedCharacter = Self(0x4004)
    public static let scriptTooLarge = Self(0x4005)
    public static let invalidOptionalArgument = Self(0x4008)
    public static let nestedMeasurementLoop = Self(0x400B)
    public static let notAllowedHere = Self(0x400C)
    public static let unexpectedEndOfScript = Self(0x4018)
    public static let packageSequence = Self(0x401B)
    public static let variableExists = Self(0x4026)
    public static let needsCellOn = Self(0x4027)
    public static let needsCellOff = Self(0x4028)
    public static let noSteps = Self(0x4029)
    public static let malformedLiteral = Self(0x4039)
    public static let negativeArgument = Self(0x4200)
    public static let zeroArgument = Self(0x4202)
    public static let argumentOutOfBounds = Self(0x4205)
    public static let undeclaredVariable = Self(0x420B)
    public static let fatal = Self(0x7FFF)

    /// Every code echemd knows, with its meaning.
    public static let meanings: [Int: String] = [
        0x0001: "an error occurred that the device does not specify further",
        0x0002: "a variable type (the two letters, e.g. ba) is not valid",
        0x0003: "the device does not know this command",
        0x0006: "the command is not valid in this communication state (e.g. abort while no script runs)",
        0x0007: "an argument has a value the command does not expect",
        0x0008: "the command is longer than the device accepts",
        0x0009: "the command timed out",
        0x000C: "there is no script loaded to run",
        0x000E: "a measured value overflowed while it was averaged",
        0x000F: "the potential is not valid for this device or mode",
        0x0010: "a variable became NaN or infinite",
        0x0014: "an open-circuit measurement cannot run while the cell is on",
        0x001B: "this device does not support the command or one of its options",
        0x001C: "the potential step is smaller than one DAC step of this device",
        0x001D: "the pulse potential is smaller than one DAC step of this device",
        0x001F: "this device is not licensed for the technique",
        0x0020: "only one high-speed or maximum-range mode may be enabled at a time",
        0x0021: "this PGStat mode does not exist on the device",
        0x0023: "the command cannot be used in the selected PGStat mode",
        0x0024: "too many variables are measured at once",
        0x0028: "a variable was divided by zero",
        0x0032: "the cell was overloaded critically; the measurement stopped to protect the device",
        0x0058: "a fast measurement missed its timing (often caused by the communication)",
        0x005A: "the device cannot keep the requested measurement timing",
        0x0080: "the counter electrode is oscillating",
        0x4001: "the script contains a command the device does not know",
        0x4004: "the script has a character the parser did not expect at this place",
        0x4005: "the script does not fit in the device's script memory",
        0x4008: "this optional argument is not valid for the command",
        0x400B: "a measurement loop cannot be placed inside another measurement loop",
        0x400C: "the command cannot be used at this place in the script",
        0x4018: "the script ended before its blocks were closed (a missing endloop or endif)",
        0x401B: "pck_start, pck_add and pck_end were used out of order",
        0x4026: "the variable is declared twice",
        0x4027: "the command needs the cell switched on first (cell_on)",
        0x4028: "the command needs the cell switched off first (cell_off)",
        0x4029: "the technique's settings give no step to measure",
        0x4032: "the potential (or its range) cannot be changed inside a running measurement loop",
        0x4039: "a literal number is not written correctly (an integer with an optional SI prefix, e.g. 500m)",
        0x4200: "the argument must not be negative",
        0x4202: "the argument must not be zero",
        0x4204: "the argument must be positive",
        0x4205: "the argument is outside the range this command allows",
        0x4206: "the argument cannot be used on this device",
        0x420B: "the script uses a variable that is not declared (var)",
        0x7FFF: "a fatal error; the device must be reset",
    ]
}

/// An error line from the device: its code, where in the script it happened (when the device
/// says), and the command letter it answered (`Z!0006` answers `Z`; `e!4001` answers the upload).
public struct MethodSCRIPTDeviceError: Error, Sendable, Hashable, CustomStringConvertible {
    public var code: MethodSCRIPTErrorCode
    public var command: Character?
    public var line: Int?
    public var column: Int?

    public init(code: MethodSCRIPTErrorCode, command: Character? = nil, line: Int? = nil, column: Int? = nil) {
        self.code = code
        self.command = command
        self.line = line
        self.column = column
    }

    /// The wire form: `[c]!XXXX[: Line N[, Col M]]`.
    public var encoded: String {
        var s = command.map(String.init) ?? ""
        s += "!" + code.hex
        if let line {
            s += ": Line \(line)"
            if let column { s += ", Col \(column)" }
        }
        return s
    }

    public var description: String {
        var s = "MethodSCRIPT device error \(code)"
        if let line { s += " at script line \(line)" + (column.map { ", column \($0)" } ?? "") }
        if let command { s += " (answering `\(command)`)" }
        return s
    }
}
