/// Why a voltammetry analysis could not run: what was wrong with the input and what would be valid.
public struct VoltammetryError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }

    /// Checks that parallel arrays have one length and finite values, naming the first bad one.
    static func checkColumns(_ columns: [(name: String, values: [Double])], minimum: Int) throws {
        guard let first = columns.first else { return }
        for c in columns where c.values.count != first.values.count {
            throw VoltammetryError("\(c.name) has \(c.values.count) values but \(first.name) has \(first.values.count): "
                                   + "the columns must be the same length, one value per sample")
        }
        guard first.values.count >= minimum else {
            throw VoltammetryError("\(first.values.count) samples: at least \(minimum) are needed")
        }
        for c in columns {
            if let k = c.values.firstIndex(where: { !$0.isFinite }) {
                throw VoltammetryError("\(c.name)[\(k)] = \(c.values[k]): every value must be a finite number")
            }
        }
    }
}
