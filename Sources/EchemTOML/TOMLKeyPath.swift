/// Renders keys and key paths the way they would be written in TOML (`servers."alpha.beta".ip`),
/// so messages name a key unambiguously even when it contains dots or spaces.
enum TOMLKeyPath {
    static func isBare(_ key: String) -> Bool {
        !key.isEmpty && key.utf8.allSatisfy(TOMLByte.isBareKey)
    }

    /// A basic string literal for `s`, with TOML escapes for quotes, backslashes and controls.
    static func quoted(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                out += "\\u" + TOMLCursor.codePoint(scalar.value).dropFirst(2)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    static func component(_ key: String) -> String { isBare(key) ? key : quoted(key) }

    static func render(_ parts: [String]) -> String { parts.map(component).joined(separator: ".") }

    /// `path.key`, or just `key` at the root.
    static func join(_ path: String, _ key: String) -> String {
        path.isEmpty ? component(key) : "\(path).\(component(key))"
    }
}
