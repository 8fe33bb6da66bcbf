/// The named write sequences a driver runs. A fixed list, so a misspelt name is an error.
public enum ControlSequenceName: String, Sendable, Hashable, CaseIterable {
    case remoteOn = "remote_on", remoteOff = "remote_off"
    case outputOn = "output_on", outputOff = "output_off"
    /// Select the regulation mode, on devices that have one (an electronic load's CC/CV/CP/CR).
    case modeCC = "mode_cc", modeCV = "mode_cv", modeCP = "mode_cp", modeCR = "mode_cr"

    /// Sequences every profile must have: without them the driver cannot make the output safe.
    public static let required: [ControlSequenceName] = [.outputOn, .outputOff]
}

/// One write of a control sequence, already checked against its register.
public struct ControlWrite: Sendable, Hashable {
    public enum Value: Sendable, Hashable {
        /// A raw number for a register (encoded with its type).
        case raw(Int)
        /// A coil state (FC05: 0xFF00 or 0x0000).
        case coil(Bool)
    }

    public var register: String
    public var value: Value
    /// The register's name for the value, when written by name (`value = "input_on"`).
    public var valueName: String?

    public init(register: String, value: Value, valueName: String? = nil) {
        self.register = register
        self.value = value
        self.valueName = valueName
    }
}

/// How single registers are written. EA takes FC06; some devices (Maynuo M97) answer only FC16.
/// Registers of more than one word always use FC16.
public enum RegisterWriteFunction: String, Sendable, Hashable, CaseIterable {
    case single, multiple
}
