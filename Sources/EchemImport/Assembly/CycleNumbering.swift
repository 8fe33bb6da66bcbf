import EchemCore

/// Cycle numbers for the store, which counts from 1.
enum CycleNumbering {
    /// From the export's cycle column: kept as written, except that a file counting from 0
    /// (some Neware versions) is shifted by one so its first cycle is 1. Nil without the column.
    static func fromColumn(_ rows: [VendorRow], spans: [RowSpan]) -> (cycles: [Int], note: String?)? {
        let firstRows = spans.map { rows[$0.first].cycle }
        guard firstRows.allSatisfy({ $0 != nil }) else { return nil }
        let vendor = firstRows.map { $0! }
        let shift = vendor.min() == 0 ? 1 : 0
        let note = shift == 1 ? "the export counts cycles from 0; stored from 1 (file cycle N is stored as N + 1)" : nil
        return (vendor.map { max(1, $0 + shift) }, note)
    }

    /// Without a cycle column: a cycle is a charge and a discharge in the order the test began
    /// with; a new one starts at each step in the first step's direction that follows a step in
    /// the other direction. Rests and direction-less steps stay in the cycle they fall in.
    static func inferred(_ directions: [CurrentDirection?]) -> [Int] {
        var cycles: [Int] = []
        var cycle = 1
        var opening: CurrentDirection?
        var sawOpposite = false
        for direction in directions {
            if let d = direction, d != .none {
                if opening == nil { opening = d }
                if d == opening, sawOpposite { cycle += 1; sawOpposite = false }
                if d != opening { sawOpposite = true }
            }
            cycles.append(cycle)
        }
        return cycles
    }
}
