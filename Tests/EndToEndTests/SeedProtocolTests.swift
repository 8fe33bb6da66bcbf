import Testing
import Foundation
import EchemCore
import EchemStore

/// Every protocol file shipped in `protocols/`, run end to end on the simulator.
let shippedProtocols: [String] = {
    let root = repositoryRoot.appendingPathComponent("protocols")
    let files = FileManager.default.enumerator(atPath: root.path)?.compactMap { $0 as? String } ?? []
    return files.filter { ($0.hasSuffix(".yaml") || $0.hasSuffix(".json")) && !$0.hasSuffix(".cell.yaml") }.sorted()
}()

@Suite("Seed protocols run end to end on the simulator")
struct SeedProtocolTests {
    @Test("The protocols folder holds the seed experiments")
    func protocolsExist() {
        #expect(shippedProtocols.count >= 40)
        #expect(shippedProtocols.contains("seed-000/0-3-zns-long-cycling.yaml"))
    }

    /// Loops are capped at 2 passes so the whole set fits the suite budget; the files are unchanged.
    @Test("Runs to completion, stores gap-free, and ends every voltage cut-off within one sample",
          arguments: shippedProtocols)
    func runsToCompletion(file: String) async throws {
        let path = repositoryRoot.appendingPathComponent("protocols").appendingPathComponent(file).path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let period = 2.0
        let run = try await simulate(text: text, filename: "protocols/" + file, loopCap: 2, samplePeriod: period)
        #expect(run.outcome.status == .completed, "\(file): \(run.outcome.reason)")
        #expect(try run.store.sampleCount(runID: run.runID) == run.outcome.samplesStored)

        // Voltage cut-offs: the step's last stored sample is past the threshold and none before it
        // was (the engine ends on the first crossing sample; the engine tests pin that to one period).
        var byStep: [Int: [Sample]] = [:]
        try run.store.forEachSample(runID: run.runID) { byStep[$0.stepCount, default: []].append($0) }
        let steps = stepsByID(run.program)
        for record in try run.store.steps(runID: run.runID) {
            guard let step = steps[record.stepID], let reason = record.endReason,
                  let cutoff = step.ends.first(where: { $0.condition.text == reason && $0.condition.quantity == .voltage }),
                  let samples = byStep[record.stepCount], let last = samples.last else { continue }
            let c = cutoff.condition
            #expect(c.comparison.holds(last.volts, c.threshold), "\(file) step \(record.stepID): last sample past the cut-off")
            #expect(samples.dropLast().allSatisfy { !c.comparison.holds($0.volts, c.threshold) },
                    "\(file) step \(record.stepID): no earlier sample past the cut-off")
        }
    }
}
