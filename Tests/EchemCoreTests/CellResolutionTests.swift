import Testing
@testable import EchemCore

/// Relative currents and capacities resolved against a cell, with the arithmetic shown.
@Suite("Resolving relative units against a cell")
struct CellResolutionTests {
    /// Seed 000: ZnS anode, 0.70 mg/cm² of composite on a 12 mm disc (1.131 cm²).
    let zns = CellMetadata(name: "ZnS half cell", masses: ["composite": 0.70e-3 * 1.131], massBasis: "composite",
                           areaCm2: 1.131)

    /// Seed 001: Li–S, 1C = 1675 mAh/g of sulfur, 4.5 mg/cm² of sulfur on 1 cm².
    let lis = CellMetadata(name: "Li-S", masses: ["sulfur": 4.5e-3], massBasis: "sulfur",
                           nominalSpecificCapacity: 1.675, areaCm2: 1)

    func resolve(_ text: String, _ cell: CellMetadata?) -> Result<Resolved, CellRequirement> {
        (try! QuantityParser.parse(text).get()).resolved(against: cell)
    }

    @Test("140 mA/g on 0.70 mg/cm² × 1.131 cm² = 110.8 µA")
    func specificCurrent() throws {
        let r = try resolve("140 mA/g", zns).get()
        #expect(abs(r.value - 110.838e-6) < 1e-12)
        #expect(r.explanation == "140 mA/g × 0.7917 mg (composite) = 110.8 µA")
        // a discharge is the same magnitude, negative (positive current charges)
        let discharge = try (try QuantityParser.parse("140 mA/g").get()).negated.resolved(against: zns).get()
        #expect(abs(discharge.value + 110.838e-6) < 1e-12)
    }

    @Test("0.1C for sulfur at 1675 mAh/g, 4.5 mg/cm² × 1 cm² → 0.75375 mA")
    func cRate() throws {
        #expect(abs(lis.oneCAmperes! - 7.5375e-3) < 1e-12)
        let r = try resolve("0.1C", lis).get()
        #expect(abs(r.value - 0.75375e-3) < 1e-12)
        #expect(r.explanation == "0.1C × 7.538 mA (1C) = 753.8 µA")
        #expect(abs(try resolve("C/10", lis).get().value - 0.75375e-3) < 1e-12)
    }

    @Test("1 mA/cm² × 1.131 cm² = 1.131 mA")
    func arealCurrent() throws {
        let r = try resolve("1 mA/cm2", zns).get()
        #expect(abs(r.value - 1.131e-3) < 1e-12)
        #expect(r.explanation == "1 mA/cm2 × 1.131 cm² (area) = 1.131 mA")
    }

    @Test("capacities: 1.82 mAh/cm² × 1.131 cm², 500 mAh/g × mass")
    func capacities() throws {
        #expect(abs(try resolve("1.82 mAh/cm2", zns).get().value - 1.82e-3 * 1.131) < 1e-15)
        #expect(abs(try resolve("500 mAh/g", zns).get().value - 0.5 * 0.7917e-3) < 1e-9)
    }

    @Test("a named basis must exist; what is missing is said")
    func requirements() {
        #expect(resolve("C/10", nil) == .failure(.oneC))
        #expect(resolve("140 mA/g sulfur", zns) == .failure(.mass(basis: "sulfur")))
        #expect(resolve("1 mA/cm2", CellMetadata(name: "no area")) == .failure(.area))
        #expect(CellRequirement.area.description.contains("cell.area"))
        #expect(CellRequirement.mass(basis: "sulfur").description.contains("cell.masses.sulfur"))
    }

    @Test("absolute quantities pass through unchanged, with no explanation")
    func absolute() throws {
        let r = try resolve("2 mA", nil).get()
        #expect(r.value == 2e-3)
        #expect(r.explanation == nil)
    }
}
