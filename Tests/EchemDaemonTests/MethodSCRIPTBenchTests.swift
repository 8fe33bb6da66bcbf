import EchemCore
import EchemStore
import EchemTestSupport
import Foundation
import Testing

/// echemd driving a MethodSCRIPT potentiostat: real `echem-sim methodscript` processes on
/// pseudo-terminals, configured as `driver = "methodscript"` channels, running seed CV and EIS files.
@Suite("echemd on the MethodSCRIPT simulator: seed CV and EIS", .serialized)
struct MethodSCRIPTBenchTests {
    static func config(_ channels: [(id: String, link: String)]) -> String {
        channels.map { c in
            """
            [[channels]]
            id = "\(c.id)"
            driver = "methodscript"
            address = "\(c.link)"
            model = "nexus"
            sample_period = "10 s"
            limits = { min_voltage = "-5 V", max_voltage = "5 V", max_current = "10 mA" }

            """
        }.joined(separator: "\n")
    }

    @Test("seed 0-2 (CV, 0.1 mV/s, 4 cycles) and 2-7 (rest, EIS at 4 h and 48 h) run through echemd on the potentiostat simulator")
    func seedCVAndEIS() async throws {
        let state = temporaryDirectory("mscript-e2e")
        let zns = SimulatorProcess(["methodscript", "--pty", "--link", state + "/ttyZNS", "--chemistry", "zns_anode",
                                    "--capacity", "1mAh", "--speed", "max"], log: state + "/sim-zns.log")
        let li = SimulatorProcess(["methodscript", "--pty", "--link", state + "/ttyLI", "--chemistry", "li_li_symmetric",
                                   "--capacity", "1mAh", "--speed", "max"], log: state + "/sim-li.log")
        try await zns.start()
        defer { zns.stop() }
        try await li.start()
        defer { li.stop() }
        try Self.config([("pstat-zns", state + "/ttyZNS"), ("pstat-li", state + "/ttyLI")])
            .write(toFile: state + "/echemd.toml", atomically: true, encoding: .utf8)
        let daemon = DaemonProcess(state: state, extraArguments: ["--config", state + "/echemd.toml"])
        try await daemon.start(speed: "max")
        defer { daemon.kill(SIGKILL) }

        let c = try daemon.connect()
        for (file, channel) in [("protocols/seed-000/0-2-zns-cv.yaml", "pstat-zns"),
                                ("protocols/seed-002/2-7-symmetric-rest-eis-4h-48h.yaml", "pstat-li")] {
            let text = try String(contentsOfFile: repositoryRoot.path + "/" + file, encoding: .utf8)
            let reply = try request(c, ["op": "submit", "protocol": text, "filename": (file as NSString).lastPathComponent,
                                        "target": ["channel": channel]])
            #expect(reply["ok"] as? Bool == true, "\(file): \(reply)")
        }
        var jobs: [[String: Any]] = []
        try await waitUntil(240, "both jobs to end") {
            jobs = try request(c, ["op": "queue", "all": true])["jobs"] as? [[String: Any]] ?? []
            return jobs.count == 2 && jobs.allSatisfy { ["done", "failed", "cancelled"].contains($0["state"] as? String ?? "") }
        }
        let store = try RunStore(path: daemon.storePath)
        for j in jobs {
            #expect(j["state"] as? String == "done", "\(j["name"] ?? "?"): \(j["reason"] ?? "")\n\(daemon.log.suffix(2000))")
        }
        let runOf = Dictionary(jobs.compactMap { j -> (String, UUID)? in
            guard let ch = j["channel"] as? String, let r = j["run"] as? String, let id = UUID(uuidString: r) else { return nil }
            return (ch, id)
        }, uniquingKeysWith: { a, _ in a })

        // CV: the sweep reaches both vertices (within the 1 mV recording threshold), on one time axis.
        let cv = try store.samples(runID: try #require(runOf["pstat-zns"]), limit: 10_000_000)
        let volts = cv.map(\.volts)
        #expect(abs((volts.min() ?? 9) - 0.01) < 0.005 && abs((volts.max() ?? 0) - 2.5) < 0.005,
                "vertices 0.01 V and 2.5 V: \(volts.min() ?? .nan)…\(volts.max() ?? .nan)")
        #expect(cv.map(\.testTime) == cv.map(\.testTime).sorted())
        // 4 cycles of 2 × 2.49 V at 0.1 mV/s: 199 200 s of sweep.
        let swept = (cv.last?.testTime ?? 0) - (cv.first?.testTime ?? 0)
        #expect(abs(swept - 199_200) < 0.02 * 199_200, "the CV took \(swept) s of cell time")
        #expect(cv.contains { $0.amperes < 0 } && cv.contains { $0.amperes > 0 }, "cathodic and anodic current")

        // EIS: two spectra, 100 kHz to 10 mHz at 10 points a decade, after 4 h and at 48 h.
        let eisRun = try #require(runOf["pstat-li"])
        let spectra = try store.spectra(runID: eisRun)
        #expect(spectra.count == 2)
        for s in spectra {
            #expect(s.points.count == 71, "7 decades × 10 + 1 points: \(s.points.count)")
            #expect(abs((s.points.map(\.frequencyHz).max() ?? 0) - 1e5) < 1 && abs((s.points.map(\.frequencyHz).min() ?? 0) - 1e-2) < 1e-4)
            #expect(s.points.allSatisfy { $0.real > 0 }, "a passive cell: Re Z > 0")
        }
        #expect(abs((spectra.first?.testTime ?? 0) - 4 * 3600) < 60 && abs((spectra.last?.testTime ?? 0) - 48 * 3600) < 60,
                "spectra at \(spectra.map(\.testTime)) s")

        // The analysis is stored with each run when it ends: CV peaks per cycle, EIS fits.
        let cvRun = try #require(runOf["pstat-zns"])
        try await waitUntil(30, "the analyses to be stored") {
            try store.analyses(runID: cvRun).contains { $0.kind == "cv" } && store.analyses(runID: eisRun).contains { $0.kind == "eis" }
        }
        let cvJSON = try #require(try store.analyses(runID: cvRun).first { $0.kind == "cv" }?.json)
        #expect(cvJSON.contains("cycle"), "per-cycle peaks: \(cvJSON.prefix(300))")
        let eisJSON = try #require(try store.analyses(runID: eisRun).first { $0.kind == "eis" }?.json)
        #expect(eisJSON.contains("R_ct") || eisJSON.contains("rct") || eisJSON.contains("chargeTransfer"), "an R_ct fit: \(eisJSON.prefix(400))")
    }
}
