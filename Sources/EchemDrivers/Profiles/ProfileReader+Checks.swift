import EchemTOML

/// Checks over the whole register map, run once every register has been read.
extension ProfileReader {
    func checkRegisterMap() {
        checkDuplicateNames()
        checkOverlaps()
        checkNominalReferences()
    }

    private func checkDuplicateNames() {
        for (i, reg) in registers.enumerated() {
            if let first = registers[..<i].first(where: { $0.spec.name == reg.spec.name }) {
                root.error("\(reg.path).name: '\(reg.spec.name)' is already defined at line \(first.nameAt.line)",
                           at: reg.nameAt, expected: "each register name once")
            }
        }
    }

    /// Two registers of one table must not share an address: a write to one would change the other.
    private func checkOverlaps() {
        for (i, reg) in registers.enumerated() {
            let mine = reg.spec.addresses
            if let other = registers[..<i].first(where: { $0.spec.table == reg.spec.table && $0.spec.addresses.overlaps(mine) }) {
                let theirs = other.spec.addresses
                root.error("\(reg.path).address: '\(reg.spec.name)' (\(span(mine))) overlaps '\(other.spec.name)' (\(span(theirs)), line \(other.addressAt.line)) in the \(reg.spec.table.rawValue) table",
                           at: reg.addressAt, expected: "addresses not used by another \(reg.spec.table.rawValue) register")
            }
        }
    }

    private func span(_ r: Range<Int>) -> String {
        r.count == 1 ? "\(r.lowerBound)" : "\(r.lowerBound)…\(r.upperBound - 1)"
    }

    /// `"100 % of nominal_voltage"` must name a readable, plainly scaled register of the same quantity.
    private func checkNominalReferences() {
        for reg in registers {
            guard let name = reg.spec.scaling.nominalRegister, let at = reg.nominalAt else { continue }
            let key = "\(reg.path).value_full_scale"
            guard let target = located(name)?.spec else {
                if brokenRegisterNames.contains(name) { continue }
                root.error("\(key): no register named '\(name)'\(ProfileSpelling.hint(name, registerNames))", at: at,
                           expected: "the name of a register holding the nominal value, like nominal_voltage")
                continue
            }
            if !target.access.canRead || !target.encoding.type.isNumeric {
                root.error("\(key): '\(name)' cannot be read as a number", at: at, expected: "a readable numeric register")
            } else if target.scaling.nominalRegister != nil {
                root.error("\(key): '\(name)' is itself relative to a nominal value", at: at, expected: "a register in SI units")
            } else if target.unit != reg.spec.unit {
                root.error("\(key): '\(name)' holds \(target.unit.isEmpty ? "a plain number" : target.unit), but this register holds \(reg.spec.unit.isEmpty ? "a plain number" : reg.spec.unit)",
                           at: at, expected: "a nominal register of the same quantity")
            }
        }
    }

    /// What a driver needs from each kind of device, reported at `kind`.
    func checkKindRequirements(_ kind: DeviceKind) {
        var needed: [(RegisterRole, String)] = [(.actualVoltage, "the measured voltage"), (.actualCurrent, "the measured current")]
        switch kind {
        case .sourceSink:
            needed += [(.setVoltage, "the voltage set-point"), (.setCurrent, "the source current limit"),
                       (.setSinkCurrent, "the sink current limit")]
        case .source:
            needed += [(.setVoltage, "the voltage set-point"), (.setCurrent, "the current limit")]
        case .load:
            needed += [(.setSinkCurrent, "the load current set-point")]
        }
        for (role, why) in needed where located(role.rawValue) == nil && !brokenRegisterNames.contains(role.rawValue) {
            root.error("device.kind: a \"\(kind.rawValue)\" device needs a register named '\(role.rawValue)' (\(why))",
                       at: kindLocation ?? root.location, expected: "a [[registers]] entry with name = \"\(role.rawValue)\"")
        }
    }
}
