import EchemCore
import EchemStore
import Foundation

/// Builders for every pushed document. Field names and units are documented in
/// `docs/socket-api.md` and checked against `docs/schemas/*.json` by the tests.
/// Units are SI throughout: V, A, s, Ah, Wh, Ω, Hz, °C; positive current charges the cell.
enum Documents {
    static func header(_ type: String, run: UUID?, channel: String?) -> JSONWriter {
        var w = JSONWriter()
        w.add("v", SocketProtocol.version)
        w.add("type", type)
        if let run { w.add("run", run) }
        if let channel { w.add("channel", channel) }
        return w
    }

    static func doc(_ type: String, run: UUID?, channel: String?, _ body: (inout JSONWriter) -> Void) -> LiveDocument {
        var w = header(type, run: run, channel: channel)
        body(&w)
        return .encoded(type: type, run: run, channel: channel, line: w.finished())
    }

    static let units = #"{"voltage":"V","current":"A","time":"s","capacity":"Ah","energy":"Wh","temperature":"degC","impedance":"ohm","frequency":"Hz","unix_time":"s since 1970-01-01 UTC","sign":"positive current charges the cell"}"#

    static func runStart(_ run: RunInfo, job: UUID, channel: String, potentiostat: String?, resumed: Bool) -> LiveDocument {
        doc("run_start", run: run.id, channel: channel) { w in
            w.add("job", job)
            w.add("bench", run.bench)
            w.add("potentiostat", potentiostat)
            w.add("protocol", run.protocolName)
            w.add("started_unix", run.startedUnix)
            w.add("resumed", resumed)
            w.raw("cell", RecordJSON.cell(run.cell))
            w.raw("units", units)
            w.add("columns", strings: SamplePage.columns)
        }
    }

    static func stepStart(_ s: StepRecord, summary: String, run: UUID, channel: String) -> LiveDocument {
        doc("step_start", run: run, channel: channel) { w in
            w.add("step_count", s.stepCount)
            w.add("step_id", s.stepID)
            w.add("label", s.label)
            w.add("kind", s.kind.rawValue)
            w.add("cycle", s.cycle)
            w.add("test_time", s.startTestTime)
            w.add("summary", summary)
        }
    }

    static func stepEnd(_ s: StepRecord, run: UUID, channel: String) -> LiveDocument {
        doc("step_end", run: run, channel: channel) { w in
            w.add("step_count", s.stepCount)
            w.add("step_id", s.stepID)
            w.add("label", s.label)
            w.add("kind", s.kind.rawValue)
            w.add("cycle", s.cycle)
            w.add("start_test_time", s.startTestTime)
            w.add("end_test_time", s.endTestTime)
            w.add("end_reason", s.endReason)
            w.add("capacity", s.capacity)
            w.add("energy", s.energy)
        }
    }

    static func cycleSummary(_ c: CycleTotals, run: UUID, channel: String, chargeOverDischarge: Bool) -> LiveDocument {
        doc("cycle_summary", run: run, channel: channel) { w in
            w.add("cycle", c.cycle)
            w.add("charge_capacity", c.chargeAh)
            w.add("discharge_capacity", c.dischargeAh)
            w.add("charge_energy", c.chargeWh)
            w.add("discharge_energy", c.dischargeWh)
            // Second half of the cycle over the first: charge/discharge when the cycle starts
            // with a discharge (anode half cells), else discharge/charge.
            let (num, den) = chargeOverDischarge ? (c.chargeAh, c.dischargeAh) : (c.dischargeAh, c.chargeAh)
            w.add("coulombic_efficiency", den > 0 ? num / den : nil)
            w.add("coulombic_efficiency_definition", chargeOverDischarge ? "charge/discharge" : "discharge/charge")
            w.add("end_test_time", c.endTestTime)
        }
    }

    static func spectrum(_ s: ImpedanceSpectrum, run: UUID, channel: String) -> LiveDocument {
        doc("eis_spectrum", run: run, channel: channel) { w in
            w.add("index", s.index)
            w.add("step_count", s.stepCount)
            w.add("cycle", s.cycle)
            w.add("test_time", s.testTime)
            w.add("columns", strings: ["frequency", "z_real", "z_imag", "time"])
            var rows = "["
            for (i, p) in s.points.enumerated() {
                if i > 0 { rows += "," }
                rows += "["
                JSONWriter.appendNumber(p.frequencyHz, to: &rows); rows += ","
                JSONWriter.appendNumber(p.real, to: &rows); rows += ","
                JSONWriter.appendNumber(p.imaginary, to: &rows); rows += ","
                JSONWriter.appendNumber(p.time, to: &rows)
                rows += "]"
            }
            w.raw("points", rows + "]")
        }
    }

    static func runEvent(_ e: RunEvent, run: UUID, channel: String) -> LiveDocument {
        doc("run_event", run: run, channel: channel) { w in
            w.add("test_time", e.testTime)
            w.add("kind", e.kind)
            w.add("message", e.message)
        }
    }

    /// `exit_status`: completed, stopped, safety_stop, failed, or interrupted (daemon shutdown;
    /// the run resumes when the daemon starts again).
    static func runStop(run: UUID, channel: String, job: UUID, exitStatus: String, reason: String,
                        testTime: Double?, samples: Int64?) -> LiveDocument {
        doc("run_stop", run: run, channel: channel) { w in
            w.add("job", job)
            w.add("exit_status", exitStatus)
            w.add("reason", reason)
            w.add("test_time", testTime)
            w.add("samples", samples)
        }
    }

    /// state: idle, running, paused, fault.
    static func channelState(_ channel: String, state: String, job: UUID?, run: UUID?, reason: String) -> LiveDocument {
        doc("channel_state", run: nil, channel: channel) { w in
            w.add("state", state)
            w.add("job", job)
            w.add("run", run)
            w.add("reason", reason)
        }
    }

    static func jobState(_ job: JobRecord) -> LiveDocument {
        var w = header("job_state", run: nil, channel: nil)
        w.add("run", job.runID)
        w.add("channel", job.channel)
        w.add("job", job.id)
        w.add("name", job.name)
        w.add("state", job.state.rawValue)
        w.add("reason", job.reason)
        return .encoded(type: "job_state", run: job.runID, channel: job.channel, line: w.finished())
    }

    /// Device plug and unplug (hardware drivers), and faults.
    static func device(_ device: String, event: String, detail: String) -> LiveDocument {
        doc("device", run: nil, channel: nil) { w in
            w.add("device", device)
            w.add("event", event)
            w.add("detail", detail)
        }
    }
}
