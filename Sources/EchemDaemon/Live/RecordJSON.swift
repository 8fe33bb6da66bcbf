import EchemCore
import Foundation

/// Cells, limits and capabilities as the socket shows them: snake_case like every other field,
/// sets in a stable order, absent values as null. Written by hand because JSONEncoder's snake-case
/// strategy would also rewrite dictionary keys (a mass basis named `Li2S`).
enum RecordJSON {
    static func cell(_ c: CellMetadata?) -> String {
        guard let c else { return "null" }
        var w = JSONWriter()
        w.add("name", c.name)
        w.add("chemistry", c.chemistry)
        var masses = JSONWriter()
        for key in c.masses.keys.sorted() { masses.add(key, c.masses[key]) }
        w.raw("masses", masses.finished())
        w.add("mass_basis", c.massBasis)
        w.add("nominal_specific_capacity", c.nominalSpecificCapacity)
        w.add("nominal_capacity", c.nominalCapacity)
        w.add("one_c_current", c.oneCAmperes)
        w.add("area", c.areaCm2)
        w.add("active_amount", c.activeAmountMol)
        w.add("molar_volume", c.molarVolumeCm3PerMol)
        w.add("interfacial_area", c.interfacialAreaCm2)
        w.add("notes", c.notes)
        return w.finished()
    }

    static func limits(_ l: HardLimits) -> String {
        var w = JSONWriter()
        w.add("min_voltage", l.minVolts)
        w.add("max_voltage", l.maxVolts)
        w.add("max_current", l.maxAmperes)
        w.add("max_power", l.maxWatts)
        w.add("min_temperature", l.minCelsius)
        w.add("max_temperature", l.maxCelsius)
        return w.finished()
    }

    static func capabilities(_ c: ChannelCapabilities) -> String {
        var w = JSONWriter()
        w.add("modes", strings: c.modes.map(\.rawValue).sorted())
        w.add("min_voltage", c.minVolts)
        w.add("max_voltage", c.maxVolts)
        w.add("max_current", c.maxAbsCurrent)
        w.add("max_power", c.maxAbsPower)
        w.add("min_sample_period", c.minSamplePeriod)
        w.add("eis", c.eis)
        w.add("chamber", c.chamber)
        w.add("min_frequency", c.minHz)
        w.add("max_frequency", c.maxHz)
        return w.finished()
    }
}
