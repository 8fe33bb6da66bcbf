import EchemTOML

/// `[control]`: named write sequences, each checked against the register map.
extension ProfileReader {
    mutating func readControl() -> [ControlSequenceName: [ControlWrite]]? {
        guard var c = root.table("control") else { return nil }
        let errors = c.collector.errors.count
        var out: [ControlSequenceName: [ControlWrite]] = [:]
        for name in ControlSequenceName.allCases {
            let required = ControlSequenceName.required.contains(name)
            guard c.node(name.rawValue) != nil || required else { continue }
            let steps = c.tables(name.rawValue, required: required)
            if steps.isEmpty, let node = c.node(name.rawValue), node.value.arrayValue?.isEmpty == true {
                c.error("\(c.path(of: name.rawValue)): an empty sequence does nothing", at: node.location,
                        expected: "at least one {register = …, value = …}")
            }
            var writes: [ControlWrite] = []
            for var step in steps {
                if let w = readWrite(&step) { writes.append(w) }
                step.rejectUnknownKeys()
            }
            out[name] = writes
        }
        c.rejectUnknownKeys()
        return c.collector.errors.count == errors ? out : nil
    }

    private func readWrite(_ s: inout TOMLReader) -> ControlWrite? {
        let name = s.string("register")
        let value = s.node("value")
        if value == nil {
            s.error("\(s.prefixText)missing required key 'value'", at: s.location, expected: "a number, true/false for a coil, or a named value")
        }
        guard let name, let value, let at = s.node("register")?.location else { return nil }
        guard let reg = located(name)?.spec else {
            if brokenRegisterNames.contains(name) { return nil }
            s.error("\(s.path(of: "register")): no register named '\(name)'\(ProfileSpelling.hint(name, registerNames))", at: at,
                    expected: "one of the profile's registers: \(registerNames.joined(separator: ", "))")
            return nil
        }
        guard reg.access.canWrite, reg.table.isWritable else {
            s.error("\(s.path(of: "register")): '\(name)' is read-only (access = \"\(reg.access.rawValue)\", table = \"\(reg.table.rawValue)\")",
                    at: at, expected: "a register with access \"w\" or \"rw\"")
            return nil
        }
        let key = s.path(of: "value")
        switch (value.value, reg.table) {
        case (.boolean(let b), .coil):
            return ControlWrite(register: name, value: .coil(b))
        case (.integer(let i), .coil) where i == 0 || i == 0xFF00:
            return ControlWrite(register: name, value: .coil(i != 0))
        case (.integer(let i), .coil):
            s.error("\(key): a coil is written as 0xFF00 (on) or 0x0000 (off), not \(i)", at: value.location, expected: "true, false, 0xFF00 or 0")
        case (.integer(let i), _):
            if let v = Int(exactly: i), reg.encoding.type.isNumeric, reg.rawRange.contains(Double(v)), reg.encoding.encode(Double(v)) != nil {
                return ControlWrite(register: name, value: .raw(v))
            }
            s.error("\(key): \(i) does not fit '\(name)' (\(reg.encoding.type.rawValue))", at: value.location,
                    expected: "a raw value in \(Int(reg.rawRange.lowerBound))…\(Int(reg.rawRange.upperBound))")
        case (.string(let label), _):
            if let v = reg.value(named: label) { return ControlWrite(register: name, value: .raw(v), valueName: label) }
            let names = reg.values.map(\.name)
            s.error("\(key): '\(name)' has no value named '\(label)'\(ProfileSpelling.hint(label, names))", at: value.location,
                    expected: names.isEmpty ? "a number (the register names no values)" : "one of: \(names.joined(separator: ", "))")
        default:
            s.error("\(key): expected \(reg.table == .coil ? "true or false" : "an integer or a named value"), found \(value.value.typeDescription)",
                    at: value.location)
        }
        return nil
    }
}
