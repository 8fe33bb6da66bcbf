import EchemSim

/// What the simulated potentiostat's leads are wired to when the cell is not its own: a cell
/// shared with another instrument (`SharedCell`, `echem-sim pair`). The script interpreter says
/// when it switches the cell on and off, and leaves open-circuit time to the leads, because on a
/// shared cell an instrument that does not drive it only measures.
protocol PotentiostatLeads: AnyObject, Sendable {
    /// `cell_on` (true) or `cell_off`. Returns false when the cell cannot be switched on (another
    /// instrument drives it); the script then stops with an error.
    func switchCell(on: Bool) -> Bool
    /// The cell under the potentiostat's control (cell on), or read (its time).
    func withElectrode<T>(_ body: (inout SimulatedElectrode) -> T) -> T
    /// Cell off for `seconds`; returns the potential on the leads.
    func openCircuit(seconds: Double) -> Double
    /// The cell as it is now.
    var electrode: SimulatedElectrode { get }
}
