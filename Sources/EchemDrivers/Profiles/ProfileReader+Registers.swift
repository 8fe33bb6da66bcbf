import EchemCore
import EchemTOML

/// `[[registers]]`: one element at a time; checks that need other registers come later.
extension ProfileReader {
    mutating func readRegisters() {
        for var r in root.tables("registers") {
            if let reg = readRegister(&r) { registers.append(reg) }
            r.rejectUnknownKeys()
        }
    }

    private mutating func readRegister(_ r: inout TOMLReader) -> LocatedRegister? {
        let errors = r.collector.errors.count
        let name = r.string("name")
        let nameAt = r.node("name")?.location ?? r.location
        let extra = r.bool("extra", default: false)
        let role = name.flatMap(RegisterRole.init(rawValue:))
        if let name, role == nil, !extra {
            r.error("\(r.path(of: "name")): '\(name)' is not a register the driver knows\(ProfileSpelling.hint(name, RegisterRole.names))",
                    at: nameAt, expected: "one of: \(RegisterRole.names.joined(separator: ", ")); or mark it extra = true")
        }
        if role != nil, extra, let node = r.node("extra") {
            r.error("\(r.path(of: "extra")): '\(name!)' is a driver register, not an extra one", at: node.location, expected: "no 'extra' key here")
        }
        let address = r.int("address", in: 0...65_535, default: nil)
        let addressAt = r.node("address")?.location ?? r.location
        let table = r.choice("table", among: RegisterTable.allCases.map(\.rawValue), default: "holding").flatMap(RegisterTable.init(rawValue:)) ?? .holding
        let encoding = readEncoding(&r, table: table)
        let access = r.choice("access", among: RegisterAccess.allCases.map(\.rawValue)).flatMap(RegisterAccess.init(rawValue:))
        if let access, access.canWrite, !table.isWritable, let node = r.node("access") {
            r.error("\(r.path(of: "access")): \(table.rawValue) \(table.holdsBits ? "inputs" : "registers") are read-only in Modbus",
                    at: node.location, expected: "access = \"r\"")
        }
        let dimension = readDimension(&r, role: role)
        var nominalAt: TOMLLocation?
        let scaling = readScaling(&r, role: role, dimension: dimension, encoding: encoding, nominalAt: &nominalAt)
        let (rawMin, rawMax) = readRawLimits(&r, encoding: encoding)
        let values = readNamed(&r, "values", encoding: encoding, table: table)
        let bits = readNamed(&r, "bits", encoding: encoding, table: table)
        let verified = r.bool("verified", default: true)
        let description = r.string("description", default: nil)
        if let role, role.dimension != nil, let encoding, !encoding.type.isNumeric {
            r.error("\(r.path(of: "type")): '\(role.rawValue)' carries a \(role.dimension!.noun) and needs a numeric type",
                    at: r.node("type")?.location ?? r.node("table")?.location ?? r.location, expected: "u16, i16, u32, i32 or f32 in a holding or input register")
        }
        if let address, let encoding, address + encoding.words > 65_536 {
            r.error("\(r.path(of: "address")): \(encoding.words) registers from \(address) run past 65535", at: addressAt)
        }
        guard r.collector.errors.count == errors, let name, let address, let encoding, let access else {
            if let name { brokenRegisterNames.insert(name) }
            return nil
        }
        let spec = RegisterSpec(name: name, role: role, address: address, table: table, encoding: encoding, access: access,
                                scaling: scaling, rawMin: rawMin, rawMax: rawMax, unit: dimension?.siUnit ?? "",
                                values: values, bits: bits, verified: verified, description: description)
        return LocatedRegister(spec: spec, path: r.path, nameAt: nameAt, addressAt: addressAt, nominalAt: nominalAt)
    }

    /// `type`, `word_order` and `length`; coils and discrete inputs are single bits and take none.
    private func readEncoding(_ r: inout TOMLReader, table: RegisterTable) -> RegisterEncoding? {
        let types = RegisterValueType.allCases.filter { $0 != .bit }.map(\.rawValue)
        // Known keys even when an early return skips reading them (no "unknown key" follow-ons).
        _ = (r.node("word_order"), r.node("length"))
        if table.holdsBits {
            var clean = true
            for key in ["type", "word_order", "length"] {
                if let node = r.node(key) {
                    r.error("\(r.path(of: key)): a \(table.rawValue) is a single bit and has no \(key)", at: node.location,
                            expected: "no '\(key)' key for table = \"\(table.rawValue)\"")
                    clean = false
                }
            }
            return clean ? RegisterEncoding(type: .bit) : nil
        }
        // A bad type is reported once; no follow-on errors from guessing a default in its place.
        let written = r.choice("type", among: types, default: nil)
        if written == nil && r.node("type") != nil { return nil }
        guard let type = RegisterValueType(rawValue: written ?? "u16") else { return nil }
        var order = WordOrder.big
        if let node = r.node("word_order") {
            if type.fixedWords != 2 {
                r.error("\(r.path(of: "word_order")): a \(type.rawValue) has no word order", at: node.location,
                        expected: "word_order only with u32, i32 or f32")
            } else if let o = r.choice("word_order", among: WordOrder.allCases.map(\.rawValue), default: nil) {
                order = WordOrder(rawValue: o) ?? .big
            }
        }
        var words: Int?
        if type == .string {
            words = r.int("length", in: 1...125, default: nil)
            if words == nil { return nil }
        } else if let node = r.node("length") {
            r.error("\(r.path(of: "length")): only strings take a length", at: node.location, expected: "no 'length' for type \(type.rawValue)")
        }
        return RegisterEncoding(type: type, wordOrder: order, words: words)
    }

    /// The register's physical dimension: implied by a driver name, or an extra's `unit`.
    private func readDimension(_ r: inout TOMLReader, role: RegisterRole?) -> PhysicalDimension? {
        guard let node = r.node("unit") else { return role?.dimension }
        guard let symbol = node.value.stringValue else {
            r.error("\(r.path(of: "unit")): expected a unit symbol, found \(node.value.typeDescription)", at: node.location, expected: "a string like \"V\"")
            return role?.dimension
        }
        guard let def = UnitCatalog.lookup(symbol), def.factor == 1, def.offset == 0 else {
            r.error("\(r.path(of: "unit")): \"\(symbol)\" is not an SI unit echemd stores", at: node.location,
                    expected: "one of: V, A, W, ohm, s")
            return role?.dimension
        }
        if let role, role.dimension != def.dimension {
            r.error("\(r.path(of: "unit")): '\(role.rawValue)' is \(role.dimension.map { "a \($0.noun)" } ?? "a plain number"), not a \(def.dimension.noun)",
                    at: node.location, expected: role.dimension.map { "unit = \"\($0.siUnit)\" or no unit key" } ?? "no unit key")
        }
        return def.dimension
    }

    private func readScaling(_ r: inout TOMLReader, role: RegisterRole?, dimension: PhysicalDimension?,
                             encoding: RegisterEncoding?, nominalAt: inout TOMLLocation?) -> RegisterScaling {
        let linearKeys = ["scale", "offset"].filter { r.node($0) != nil }
        let fullKeys = ["raw_full_scale", "value_full_scale"].filter { r.node($0) != nil }
        let scale = r.double("scale", default: nil)
        let offset = r.double("offset", default: nil)
        let rawFull = r.double("raw_full_scale", default: nil)
        let valueFull = r.node("value_full_scale")
        guard let first = (linearKeys + fullKeys).first else { return .identity }
        if let role, role.dimension == nil {
            r.error("\(r.path(of: first)): '\(role.rawValue)' holds codes, not a scaled quantity", at: r.node(first)!.location,
                    expected: "no scaling keys")
            return .identity
        }
        if let encoding, !encoding.type.isNumeric {
            r.error("\(r.path(of: first)): a \(encoding.type.rawValue) register cannot be scaled", at: r.node(first)!.location)
            return .identity
        }
        if !linearKeys.isEmpty && !fullKeys.isEmpty {
            let key = fullKeys[0]
            r.error("\(r.path(of: key)): give either scale/offset or raw_full_scale/value_full_scale, not both",
                    at: r.node(key)!.location, expected: "one way of scaling")
            return .identity
        }
        if !linearKeys.isEmpty {
            if let scale, scale == 0 || !scale.isFinite {
                r.error("\(r.path(of: "scale")): a scale of \(scale) loses the value", at: r.node("scale")!.location, expected: "a non-zero number")
            }
            return .linear(scale: scale ?? 1, offset: offset ?? 0)
        }
        guard let rawFull else {
            r.error("\(r.prefixText)missing required key 'raw_full_scale'", at: r.location, expected: "the raw count of the full-scale value, e.g. 52428")
            return .identity
        }
        guard rawFull > 0 else {
            r.error("\(r.path(of: "raw_full_scale")): must be above zero", at: r.node("raw_full_scale")!.location, expected: "a positive count")
            return .identity
        }
        guard let valueFull else {
            r.error("\(r.prefixText)missing required key 'value_full_scale'", at: r.location,
                    expected: "the value at raw_full_scale, like \"100 % of nominal_voltage\" or \"80 V\"")
            return .identity
        }
        return parseFullScale(&r, valueFull, rawFull: rawFull, dimension: dimension, nominalAt: &nominalAt) ?? .identity
    }

    /// `"100 % of nominal_voltage"` or `"80 V"`.
    private func parseFullScale(_ r: inout TOMLReader, _ node: TOMLNode, rawFull: Double, dimension: PhysicalDimension?,
                                nominalAt: inout TOMLLocation?) -> RegisterScaling? {
        let key = r.path(of: "value_full_scale")
        let expected = "\"100 % of nominal_voltage\" or a value with its unit like \"80 V\""
        guard let text = node.value.stringValue else {
            r.error("\(key): expected a string, found \(node.value.typeDescription)", at: node.location, expected: expected)
            return nil
        }
        let parts = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        if let of = parts.firstIndex(of: "of") {
            let amount = parts[..<of].joined().replacingOccurrences(of: "%", with: "")
            guard parts[..<of].joined().hasSuffix("%"), let percent = Double(amount), percent > 0,
                  parts.count == of + 2 else {
                r.error("\(key): cannot read \"\(text)\"", at: node.location, expected: expected)
                return nil
            }
            nominalAt = node.location
            return .fractionOfNominal(rawFullScale: rawFull, fraction: percent / 100, nominal: parts[of + 1])
        }
        switch QuantityParser.parse(text) {
        case .success(let q) where dimension == nil || q.dimension == dimension:
            return .linear(scale: q.value / rawFull, offset: 0)
        case .success(let q):
            r.error("\(key): \"\(text)\" is a \(q.dimension.noun), but this register holds a \(dimension!.noun)", at: node.location,
                    expected: "a \(dimension!.noun) like \"\(UnitCatalog.examples(for: dimension!).first ?? "")\"")
        case .failure(let why):
            r.error("\(key): \(why)", at: node.location, expected: expected)
        }
        return nil
    }

    private func readRawLimits(_ r: inout TOMLReader, encoding: RegisterEncoding?) -> (Double?, Double?) {
        let lo = r.double("raw_min", default: nil), hi = r.double("raw_max", default: nil)
        guard let encoding else { return (lo, hi) }
        for (key, v) in [("raw_min", lo), ("raw_max", hi)] {
            if let v, !encoding.type.rawRange.contains(v) || !encoding.type.isNumeric {
                r.error("\(r.path(of: key)): \(ProfileNumber.text(v)) does not fit a \(encoding.type.rawValue)", at: r.node(key)!.location,
                        expected: "\(ProfileNumber.text(encoding.type.rawRange.lowerBound)) … \(ProfileNumber.text(encoding.type.rawRange.upperBound))")
                return (nil, nil)
            }
        }
        if let lo, let hi, lo > hi {
            r.error("\(r.path(of: "raw_max")): below raw_min (\(ProfileNumber.text(lo)))", at: r.node("raw_max")!.location, expected: "raw_max ≥ raw_min")
            return (nil, nil)
        }
        return (lo, hi)
    }

    /// `values = {cc = 1, …}` (raw numbers the register takes) or `bits = {remote = 11, …}`.
    private func readNamed(_ r: inout TOMLReader, _ key: String, encoding: RegisterEncoding?, table: RegisterTable) -> [RegisterSpec.NamedValue] {
        guard let sub = r.table(key, required: false) else { return [] }
        guard let encoding else { return [] }
        if table.holdsBits || !encoding.type.isInteger {
            r.error("\(r.path(of: key)): only integer registers take named \(key)", at: r.node(key)!.location,
                    expected: "no '\(key)' for a \(table.holdsBits ? table.rawValue : encoding.type.rawValue)")
            return []
        }
        var out: [RegisterSpec.NamedValue] = []
        for (name, node) in sub.table.entries {
            let path = sub.path(of: name)
            guard case .integer(let i) = node.value, let v = Int(exactly: i) else {
                r.error("\(path): expected an integer, found \(node.value.typeDescription)", at: node.location)
                continue
            }
            let ok = key == "bits" ? (0..<(16 * encoding.words)).contains(v) : encoding.encode(Double(v)) != nil
            guard ok else {
                r.error("\(path): \(v) does not fit", at: node.location,
                        expected: key == "bits" ? "a bit number 0…\(16 * encoding.words - 1)" : "a value a \(encoding.type.rawValue) holds")
                continue
            }
            out.append(.init(name: name, value: v))
        }
        return out
    }
}
