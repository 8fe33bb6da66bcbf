import EchemTOML

/// One pass over a parsed profile. Each section has its own extension; cross-checks that need
/// the whole register map (overlaps, references, what the kind requires) run at the end.
struct ProfileReader {
    var root: TOMLReader
    var registers: [LocatedRegister] = []
    /// Names of registers that had errors of their own: references to them are not reported
    /// again as "no register named …".
    var brokenRegisterNames: Set<String> = []
    var kindLocation: TOMLLocation?

    init(root: TOMLReader) {
        self.root = root
    }

    /// A register with the places its parts were written, for errors found after reading.
    struct LocatedRegister {
        var spec: RegisterSpec
        var path: String
        var nameAt: TOMLLocation
        var addressAt: TOMLLocation
        var nominalAt: TOMLLocation?
    }

    mutating func readProfile() -> DeviceProfile? {
        let device = readDevice()
        let transport = readTransport()
        readRegisters()
        checkRegisterMap()
        let control = readControl()
        let limits = readLimits(kind: device?.kind)
        if let device { checkKindRequirements(device.kind) }
        root.rejectUnknownKeys()
        guard let device, let transport, let control, let limits else { return nil }
        return DeviceProfile(source: root.filename, device: device, transport: transport,
                             registers: registers.map(\.spec), control: control, limits: limits)
    }

    func located(_ name: String) -> LocatedRegister? { registers.first { $0.spec.name == name } }
    var registerNames: [String] { registers.map(\.spec.name) }
}
