import Foundation
@testable import EchemTOML

/// Python's `tomllib` (3.11+) as an independent oracle: documents go in as files, and for each
/// comes back either its value tree or the reason it was rejected.
///
/// Both sides are compared in one neutral shape: every leaf becomes `{"type": …, "value": …}`
/// with the value as a string — integers in decimal, finite floats as the decimal of their IEEE
/// 754 bit pattern (exact, no formatting differences), `nan`/`inf`/`-inf` for the rest (the sign
/// of a NaN is not compared), date-times as Python's `isoformat()` (microseconds, `+00:00` for Z).
enum Tomllib {
    enum Outcome {
        case parsed(Any)
        case rejected(String)
    }

    struct Unavailable: Error, CustomStringConvertible {
        var description: String
    }

    static let script = #"""
    import sys
    try:
        import tomllib
    except ImportError:
        sys.stderr.write("this Python (%s) has no tomllib; Python 3.11 or later is needed\n" % sys.version.split()[0])
        sys.exit(3)
    import datetime, json, math, struct

    def tag(t, v):
        return {"type": t, "value": v}

    def conv(v):
        if isinstance(v, bool):
            return tag("bool", "true" if v else "false")
        if isinstance(v, int):
            return tag("integer", str(v))
        if isinstance(v, float):
            if math.isnan(v):
                return tag("float", "nan")
            if math.isinf(v):
                return tag("float", "inf" if v > 0 else "-inf")
            return tag("float", str(struct.unpack("<q", struct.pack("<d", v))[0]))
        if isinstance(v, str):
            return tag("string", v)
        if isinstance(v, datetime.datetime):
            return tag("offset-datetime" if v.tzinfo is not None else "local-datetime", v.isoformat())
        if isinstance(v, datetime.date):
            return tag("local-date", v.isoformat())
        if isinstance(v, datetime.time):
            return tag("local-time", v.isoformat())
        if isinstance(v, list):
            return [conv(x) for x in v]
        if isinstance(v, dict):
            return {k: conv(x) for k, x in v.items()}
        raise TypeError(type(v))

    import os
    results = []
    for i in range(int(sys.argv[2])):
        with open(os.path.join(sys.argv[1], "doc%d.toml" % i), "rb") as f:
            data = f.read()
        try:
            results.append({"ok": conv(tomllib.loads(data.decode("utf-8")))})
        except Exception as e:
            results.append({"error": "%s: %s" % (type(e).__name__, e)})
    sys.stdout.write(json.dumps(results))
    """#

    /// Runs tomllib on each document (raw bytes, so invalid UTF-8 can be tested too). Throws
    /// `Unavailable` with a clear message if `python3` or `tomllib` is missing.
    static func run(_ documents: [[UInt8]]) throws -> [Outcome] {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("echem-tomllib-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for (i, doc) in documents.enumerated() {
            try Data(doc).write(to: dir.appendingPathComponent("doc\(i).toml"))
        }
        let outURL = dir.appendingPathComponent("out.json"), errURL = dir.appendingPathComponent("err.txt")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, dir.path, String(documents.count)]
        process.standardOutput = out
        process.standardError = err
        do {
            try process.run()
        } catch {
            throw Unavailable(description: "cannot start /usr/bin/env python3 (\(error)); the tomllib oracle needs Python 3.11+ on PATH")
        }
        process.waitUntilExit()
        try out.close()
        try err.close()
        let stderr = (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""
        switch process.terminationStatus {
        case 0: break
        case 127: throw Unavailable(description: "python3 not found on PATH; the tomllib oracle needs Python 3.11+ (\(stderr))")
        case 3: throw Unavailable(description: "tomllib is missing: \(stderr)")
        default: throw Unavailable(description: "python3 failed with status \(process.terminationStatus): \(stderr)")
        }
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: outURL), options: [.fragmentsAllowed])
        guard let list = json as? [[String: Any]], list.count == documents.count else {
            throw Unavailable(description: "unexpected output from the tomllib script")
        }
        return list.map { entry in
            if let value = entry["ok"] { return .parsed(value) }
            return .rejected(entry["error"] as? String ?? "?")
        }
    }

    // MARK: our side, in the same shape

    static func tagged(_ table: TOMLTable) -> [String: Any] {
        var out: [String: Any] = [:]
        for (key, node) in table.entries { out[key] = tagged(node.value) }
        return out
    }

    static func tagged(_ value: TOMLValue) -> Any {
        func tag(_ t: String, _ v: String) -> [String: Any] { ["type": t, "value": v] }
        switch value {
        case .string(let s): return tag("string", s)
        case .integer(let i): return tag("integer", String(i))
        case .boolean(let b): return tag("bool", b ? "true" : "false")
        case .float(let d):
            if d.isNaN { return tag("float", "nan") }
            if d.isInfinite { return tag("float", d > 0 ? "inf" : "-inf") }
            return tag("float", String(Int64(bitPattern: d.bitPattern)))
        case .offsetDateTime(let t): return tag("offset-datetime", isoformat(t))
        case .localDateTime(let t): return tag("local-datetime", isoformat(t))
        case .localDate(let t): return tag("local-date", isoformat(t))
        case .localTime(let t): return tag("local-time", isoformat(t))
        case .array(let items): return items.map { tagged($0.value) }
        case .table(let t): return tagged(t)
        }
    }

    /// Python's `isoformat()`: fraction cut to microseconds and shown only when non-zero,
    /// offsets as ±HH:MM (so `Z` is `+00:00`).
    static func isoformat(_ t: TOMLDateTime) -> String {
        func pad(_ n: Int, _ w: Int) -> String { String(repeating: "0", count: max(0, w - String(n).count)) + String(n) }
        let date = "\(pad(t.year, 4))-\(pad(t.month, 2))-\(pad(t.day, 2))"
        let micro = Int(String((t.fraction + "000000").prefix(6)))!
        let time = "\(pad(t.hour, 2)):\(pad(t.minute, 2)):\(pad(t.second, 2))" + (micro == 0 ? "" : ".\(pad(micro, 6))")
        switch t.kind {
        case .localDate: return date
        case .localTime: return time
        case .localDateTime: return "\(date)T\(time)"
        case .offsetDateTime:
            let m = t.offsetMinutes ?? 0
            return "\(date)T\(time)\(m < 0 ? "-" : "+")\(pad(abs(m) / 60, 2)):\(pad(abs(m) % 60, 2))"
        }
    }

    /// The first difference between two trees in the neutral shape, as a path and both sides.
    static func difference(_ a: Any, _ b: Any, at path: String = "") -> String? {
        switch (a, b) {
        case (let x as [String: Any], let y as [String: Any]):
            if Set(x.keys) != Set(y.keys) {
                return "\(path): keys \(x.keys.sorted()) vs \(y.keys.sorted())"
            }
            for key in x.keys.sorted() {
                if let d = difference(x[key]!, y[key]!, at: "\(path).\(key)") { return d }
            }
            return nil
        case (let x as [Any], let y as [Any]):
            if x.count != y.count { return "\(path): \(x.count) vs \(y.count) elements" }
            for (i, (p, q)) in zip(x, y).enumerated() {
                if let d = difference(p, q, at: "\(path)[\(i)]") { return d }
            }
            return nil
        case (let x as String, let y as String):
            return x == y ? nil : "\(path): \(x.debugDescription) vs \(y.debugDescription)"
        default:
            return "\(path): \(a) vs \(b)"
        }
    }
}
