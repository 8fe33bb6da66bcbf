import Foundation

/// A header cell split into a quantity name and a unit: `Current(mA)` and `Current (mA)`
/// (Neware), `Current/mA` and `TestTime/Sec.` (LAND). `key` is the name folded for matching:
/// lower case without spaces, dots, underscores or hyphens, so `Cycle-Index`, `Cycle Index` and
/// `cycle_index` meet.
struct HeaderCell: Sendable, Hashable {
    var text: String
    var name: String
    var unit: String?
    var key: String

    init(_ text: String) {
        self.text = text
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.hasSuffix(")"), let open = trimmed.lastIndex(of: "("), open > trimmed.startIndex {
            name = String(trimmed[..<open])
            unit = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
        } else if let slash = trimmed.firstIndex(of: "/"), slash > trimmed.startIndex {
            name = String(trimmed[..<slash])
            unit = String(trimmed[trimmed.index(after: slash)...])
        } else {
            name = trimmed
            unit = nil
        }
        key = Self.fold(name)
    }

    static func fold(_ text: String) -> String {
        String(text.lowercased().unicodeScalars.filter { !" ._-\t".unicodeScalars.contains($0) }.map(Character.init))
    }

    /// Units compare without case, dots and spaces, with µ and u alike: `Sec.` = `sec`, `µA` = `uA`.
    static func foldUnit(_ unit: String) -> String {
        String(unit.replacingOccurrences(of: "µ", with: "u").replacingOccurrences(of: "μ", with: "u")
            .unicodeScalars.filter { !" .".unicodeScalars.contains($0) }.map(Character.init))
    }
}
