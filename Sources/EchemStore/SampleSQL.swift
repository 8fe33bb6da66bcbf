import EchemCore
import GRDB

/// Binds one sample straight onto the prepared insert, parameter by parameter, through GRDB's
/// public `StatementBinding` (`sqlite3_bind_double`/`_int64`/`_null`): no array, no allocation.
/// Measured: building a `StatementArguments` per row was two thirds of the commit's CPU time
/// (GRDB's generic `map` is not specialized across the module boundary).
enum SampleBinding {
    /// Returns SQLITE_OK (0) or the first failing bind's code.
    static func bind(_ s: Sample, run: Int64, to statement: SQLiteStatement) -> CInt {
        var code: CInt = 0
        func put(_ value: some StatementBinding, _ index: CInt) {
            let result = value.bind(to: statement, at: index)
            if code == 0 { code = result }
        }
        put(run, 1); put(s.seq, 2); put(s.testTime, 3); put(s.unixTime, 4); put(s.stepTime, 5)
        put(s.volts, 6); put(s.amperes, 7); put(s.celsius, 8); put(Int64(s.stepID), 9)
        put(Int64(s.stepCount), 10); put(Int64(s.cycle), 11); put(s.chargeCapacity, 12)
        put(s.dischargeCapacity, 13); put(s.chargeEnergy, 14); put(s.dischargeEnergy, 15)
        put(s.cycleChargeCapacity, 16); put(s.cycleDischargeCapacity, 17); put(s.cycleChargeEnergy, 18)
        put(s.cycleDischargeEnergy, 19); put(s.stepCapacity, 20); put(s.stepEnergy, 21)
        return code
    }
}

/// The sample table's column list, in `SampleBinding` order; readers select the same list.
enum SampleSQL {
    static let columns = """
        run_id, seq, test_time, unix_time, step_time, voltage, current, temperature, step_id, \
        step_count, cycle, charge_capacity, discharge_capacity, charge_energy, discharge_energy, \
        cycle_charge_capacity, cycle_discharge_capacity, cycle_charge_energy, cycle_discharge_energy, \
        step_capacity, step_energy
        """

    static let columnCount = 21

    static let insert = "INSERT INTO sample (\(columns)) VALUES (" +
        Array(repeating: "?", count: columnCount).joined(separator: ", ") + ")"

    /// Decodes a row selected with `columns` (column 0 is the run's surrogate id, skipped).
    static func sample(from row: Row) -> Sample {
        Sample(seq: row[1], testTime: row[2], unixTime: row[3], stepTime: row[4], volts: row[5],
               amperes: row[6], celsius: row[7], stepID: row[8], stepCount: row[9], cycle: row[10],
               chargeCapacity: row[11], dischargeCapacity: row[12], chargeEnergy: row[13],
               dischargeEnergy: row[14], cycleChargeCapacity: row[15], cycleDischargeCapacity: row[16],
               cycleChargeEnergy: row[17], cycleDischargeEnergy: row[18], stepCapacity: row[19],
               stepEnergy: row[20])
    }
}
