/// One data row in SI units, as the vendor wrote it: current with the export's own sign, and
/// capacities and energies as the (unsigned) counters the export carries. Nil = no such column,
/// or an empty optional cell.
struct VendorRow: Sendable, Hashable {
    /// Where the row is, for messages: the file (and sheet) and its line (or sheet row).
    var origin: String
    var line: Int
    var cycle: Int?
    var step: Int?
    var stepType: String?
    var stepTime: Double?
    var testTime: Double?
    var unixTime: Double?
    var volts: Double
    var amperes: Double
    var stepCapacity: Double?
    var chargeCapacity: Double?
    var dischargeCapacity: Double?
    var stepEnergy: Double?
    var chargeEnergy: Double?
    var dischargeEnergy: Double?
    var celsius: Double?
}
