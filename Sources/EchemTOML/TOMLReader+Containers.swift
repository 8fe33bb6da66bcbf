/// Reads of sub-tables, arrays of tables and arrays. Readers for sub-tables share this reader's
/// collector and extend its path (`channels[2].limits`), so their diagnostics need no merging.
extension TOMLReader {
    /// A sub-table (`[limits]`, `limits = {…}` or dotted keys) as a reader; nil if missing or
    /// not a table, after reporting it (missing only when `required`).
    public mutating func table(_ key: String, required: Bool = true) -> TOMLReader? {
        guard let t = read(key, required: required, expected: "a table", { $0.tableValue }) else { return nil }
        return TOMLReader(t, filename: filename, path: path(of: key), collector: collector)
    }

    /// An array of tables (`[[channels]]` or `channels = [{…}, {…}]`) as readers with paths
    /// `channels[0]`, `channels[1]`, …; an element that is not a table is reported and skipped.
    public mutating func tables(_ key: String, required: Bool = true) -> [TOMLReader] {
        guard let nodes = read(key, required: required, expected: "an array of tables", { $0.arrayValue }) else { return [] }
        var readers: [TOMLReader] = []
        for (i, node) in nodes.enumerated() {
            let elementPath = "\(path(of: key))[\(i)]"
            guard case .table(let t) = node.value else {
                typeMismatch(elementPath, node, expected: "a table")
                continue
            }
            readers.append(TOMLReader(t, filename: filename, path: elementPath, collector: collector))
        }
        return readers
    }

    /// An array's element nodes, each with its own location, for the caller to interpret.
    public mutating func array(_ key: String, required: Bool = true) -> [TOMLNode]? {
        read(key, required: required, expected: "an array", { $0.arrayValue })
    }

    /// An array of strings; each element of another type is reported (at the element) and the
    /// whole read returns nil.
    public mutating func strings(_ key: String, required: Bool = true) -> [String]? {
        guard let nodes = array(key, required: required) else { return nil }
        var out: [String] = []
        var ok = true
        for (i, node) in nodes.enumerated() {
            if let s = node.value.stringValue {
                out.append(s)
            } else {
                typeMismatch("\(path(of: key))[\(i)]", node, expected: "a string")
                ok = false
            }
        }
        return ok ? out : nil
    }
}
