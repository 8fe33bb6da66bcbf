import EchemCore
import EchemDrivers
import EchemSim
import Foundation

/// Why a running script stops before its end.
enum ScriptInterrupt: Error {
    /// The host sent `Z`.
    case aborted
    /// The simulator is shutting down.
    case stopped
}

/// What the interpreter needs from the simulated instrument: the line to the host, the clock, and
/// the cell on its leads.
protocol ScriptHost: AnyObject {
    var profile: MethodSCRIPTProfile { get }
    var impedance: MethodSCRIPTSimulator.ImpedanceMethod { get }
    /// Sends one reply line (the `\n` is added). Throws `.aborted` once the host has sent `Z`.
    func emit(_ line: String) throws(ScriptInterrupt)
    /// Lets `seconds` of cell time pass on the clock (sleeps in real time), watching for `Z`.
    func elapse(_ seconds: Double) throws(ScriptInterrupt)
    /// Runs physics on the cell.
    func withElectrode<T>(_ body: (inout SimulatedElectrode) -> T) -> T
    /// The cell off for `seconds`; returns the potential on the leads. (On a cell shared with
    /// another instrument that drives it, this only measures.)
    func openCircuit(seconds: Double) -> Double
    /// `cell_on`/`cell_off`; false when the cell cannot be switched on (another instrument drives it).
    func switchCell(on: Bool) -> Bool
}

/// Runs a parsed script against a `ScriptHost`, writing the exact reply lines: `M`/`*` around
/// measurement loops, `L`/`+` around loops, `C`/`-` around the scans of `nscans`, `P` packages,
/// `T` text, `!XXXX: Line N` on a run-time error, the empty line at the end. On `Z` it replies
/// `Z`, runs `on_finished:` and ends with the empty line.
final class ScriptInterpreter {
    struct Variable {
        var value: Double
        var type: MethodSCRIPTVariableType
        var isInteger: Bool
        var status: MethodSCRIPTValue.Status?
        var range: Int?
    }

    enum Flow { case normal, broke }

    /// `!0032`: the cell was overloaded critically; the measurement stopped to protect the device.
    static let cellDrivenElsewhere = MethodSCRIPTErrorCode(0x0032)

    let host: ScriptHost
    private var variables: [String: Variable] = [:]
    /// The host hears of every switch off, however the script ends (`run` switches it off last).
    private var cellOn = false {
        didSet { if oldValue && !cellOn { _ = host.switchCell(on: false) } }
    }
    private var pgstatMode = 2
    private var setVolts = 0.0
    private var setAmperes = 0.0
    private var timerZero = 0.0
    private var package: [MethodSCRIPTValue]?
    private var line = 0
    /// Last current at a DC hold (for the small-signal impedance).
    private var dcAmperes = 0.0

    init(host: ScriptHost) { self.host = host }

    /// Runs to the end (or abort, or error) and writes every reply line. Throws only `.stopped`.
    func run(_ script: ParsedScript) throws(ScriptInterrupt) {
        defer { cellOn = false }
        do {
            _ = try execute(script.main)
            _ = try execute(script.finished)
            try host.emit("")
        } catch let fault as ScriptFault {
            cellOn = false
            try? host.emit(fault.reply())
        } catch ScriptInterrupt.aborted {
            try finishAfterAbort(script)
        } catch ScriptInterrupt.stopped {
            throw .stopped
        } catch {
            try? host.emit(ScriptFault(code: .unspecified, line: line).reply())
        }
    }

    private func finishAfterAbort(_ script: ParsedScript) throws(ScriptInterrupt) {
        // The `Z` reply first; the abort flag is spent, so later lines go out normally.
        do {
            try host.emit("Z")
            package = nil
            _ = try execute(script.finished)
        } catch ScriptInterrupt.stopped {
            throw .stopped
        } catch {
            // A second Z or a fault inside on_finished: nothing more to run.
        }
        cellOn = false
        try? host.emit("")
    }

    // MARK: - Blocks

    private func execute(_ nodes: [ScriptNode]) throws -> Flow {
        for node in nodes {
            switch node {
            case .statement(let s, let l):
                line = l
                if try statement(s) == .broke { return .broke }
            case .measurement(let m, let body, let l):
                line = l
                try measurement(m, body: body)
            case .loop(let condition, let body, let l):
                line = l
                try host.emit("L")
                while try holds(condition) {
                    try host.elapse(0)  // a Z check per iteration, so an endless loop can be aborted
                    if try execute(body) == .broke { break }
                }
                try host.emit("+")
            case .branch(let branches, let otherwise, let l):
                line = l
                var taken: [ScriptNode]? = otherwise
                for (condition, body) in branches where try holds(condition) {
                    taken = body
                    break
                }
                if let taken, try execute(taken) == .broke { return .broke }
            }
        }
        return .normal
    }

    private func statement(_ s: ScriptStatement) throws -> Flow {
        switch s {
        case .declare(let name):
            variables[name] = Variable(value: 0, type: MethodSCRIPTVariableType(code: "aa")!, isInteger: false)
        case .store(let name, let operand, let type):
            variables[name] = Variable(value: try value(operand), type: type, isInteger: isInteger(operand))
        case .copy(let from, let to):
            variables[to] = variables[from]
        case .arithmetic(let op, let name, let operand):
            guard var v = variables[name] else { throw fault(.undeclaredVariable) }
            let x = try value(operand)
            switch op {
            case .add: v.value += x
            case .subtract: v.value -= x
            case .multiply: v.value *= x
            case .divide:
                guard x != 0 else { throw fault(.divisionByZero) }
                v.value /= x
            }
            guard v.value.isFinite else { throw fault(.notANumber) }
            v.isInteger = v.isInteger && isInteger(operand) && op != .divide
            variables[name] = v
        case .setting(let name, _, let operands):
            try setting(name, operands)
        case .cellOn:
            // A cell another instrument drives: the potentiostat sees a critical overload at once.
            guard cellOn || host.switchCell(on: true) else { throw fault(Self.cellDrivenElsewhere) }
            cellOn = true
        case .cellOff: cellOn = false
        case .timerStart: timerZero = host.withElectrode { $0.seconds }
        case .timerGet(let name):
            let now = host.withElectrode { $0.seconds }
            variables[name] = Variable(value: now - timerZero, type: .time, isInteger: false)
        case .wait(let operand):
            let seconds = try value(operand)
            guard seconds >= 0 else { throw fault(.negativeArgument) }
            try host.elapse(seconds)
            idle(seconds)
        case .breakLoop:
            return .broke
        case .packageStart:
            guard package == nil else { throw fault(.packageSequence) }
            package = []
        case .packageAdd(let name):
            guard package != nil, let v = variables[name] else { throw fault(.packageSequence) }
            package!.append(MethodSCRIPTValue(type: v.type, value: v.value, integer: v.isInteger, status: v.status, range: v.range))
        case .packageEnd:
            guard let values = package, !values.isEmpty else { throw fault(.packageSequence) }
            package = nil
            try host.emit(MethodSCRIPTReply.package(values).encoded)
        case .sendString(let template):
            try host.emit("T" + substitute(template))
        }
        return .normal
    }

    private func setting(_ name: String, _ operands: [ScriptOperand]) throws {
        let p = host.profile
        switch name {
        case "set_pgstat_mode":
            let mode = Int(try value(operands[0]))
            let valid = [0, 1, p.lowSpeedMode, p.highSpeedMode, 4] + (p.galvanostaticMode.map { [$0] } ?? [])
            guard valid.contains(mode) else { throw fault(.invalidPGStatMode) }
            pgstatMode = mode
        case "set_e":
            let v = try value(operands[0])
            guard v >= p.minVolts, v <= p.maxVolts else { throw fault(.invalidPotential) }
            setVolts = v
        case "set_i":
            let a = try value(operands[0])
            guard abs(a) <= p.maxAbsCurrent else { throw fault(.argumentOutOfBounds) }
            setAmperes = a
        case "set_range_minmax":
            for o in operands {
                let v = try value(o)
                guard v >= p.minVolts, v <= p.maxVolts else { throw fault(.invalidPotential) }
            }
        default:
            for o in operands { _ = try value(o) }  // recorded only; the values must still resolve
        }
    }

    /// Time passing outside a measurement: the cell follows whatever the instrument applies.
    private func idle(_ seconds: Double) {
        var left = seconds
        while left > 0 {
            let h = min(left, 10)
            if !cellOn {
                _ = host.openCircuit(seconds: h)
                left -= h
                continue
            }
            host.withElectrode { e in
                if pgstatMode == host.profile.galvanostaticMode {
                    _ = e.galvanostatic(amperes: setAmperes, dt: h, minVolts: host.profile.minVolts, maxVolts: host.profile.maxVolts)
                } else {
                    _ = e.potentiostatic(volts: setVolts, dt: h, maxAbsCurrent: host.profile.maxAbsCurrent)
                }
            }
            left -= h
        }
    }

    // MARK: - Measurement loops

    private func measurement(_ m: MeasurementLoop, body: [ScriptNode]) throws {
        let a = try m.arguments.map { try value($0) }
        let p = host.profile
        if m.kind == .ocp {
            guard !cellOn else { throw fault(.needsCellOff) }
        } else {
            guard cellOn else { throw fault(.needsCellOn) }
        }
        let galvanostatic = m.kind == .cp || m.kind == .geis
        if galvanostatic {
            guard p.galvanostat, pgstatMode == p.galvanostaticMode else { throw fault(.notSupported) }
        }
        try host.emit(MethodSCRIPTReply.measurementLoopStarted(techniqueID: m.kind.technique.rawValue).encoded)
        switch m.kind {
        case .cv:
            let scans = Int(try m.scans.map { try value($0) } ?? 1)
            guard scans >= 1 else { throw fault(.argumentOutOfBounds) }
            try sweep(m, body: body, begin: a[0], vertices: [a[1], a[2], a[0]], step: a[3], rate: a[4], scans: scans)
        case .lsv:
            try sweep(m, body: body, begin: a[0], vertices: [a[1]], step: a[2], rate: a[3], scans: 1)
        case .ca:
            try checkPotential(a[0])
            try timed(interval: a[1], run: a[2]) { dt in
                let i = self.host.withElectrode { $0.potentiostatic(volts: a[0], dt: dt, maxAbsCurrent: p.maxAbsCurrent) }
                self.setOutput(m.outputs[0], a[0], .appliedPotential)
                self.setCurrent(m.outputs[1], i)
                return try self.execute(body)
            }
            setVolts = a[0]
        case .cp:
            guard abs(a[0]) <= p.maxAbsCurrent else { throw fault(.argumentOutOfBounds) }
            try timed(interval: a[1], run: a[2]) { dt in
                let r = self.host.withElectrode {
                    $0.galvanostatic(amperes: a[0], dt: dt, minVolts: p.minVolts, maxVolts: p.maxVolts)
                }
                let clipped = abs(r.amperes - a[0]) > 1e-9 * max(1e-12, abs(a[0]))
                self.setOutput(m.outputs[0], r.volts, .potential, status: clipped ? .overload : [])
                self.setCurrent(m.outputs[1], r.amperes)
                return try self.execute(body)
            }
            setAmperes = a[0]
        case .ocp:
            try timed(interval: a[0], run: a[1]) { dt in
                let v = self.host.openCircuit(seconds: dt)
                self.setOutput(m.outputs[0], v, .potential, status: [])
                return try self.execute(body)
            }
        case .eis, .geis:
            try impedance(m, body: body, amplitude: a[0], from: a[1], to: a[2], points: Int(a[3].rounded()), dc: a[4])
        }
        try host.emit("*")
    }

    /// A staircase from `begin` through `vertices`, `scans` times; one point per step at its end.
    private func sweep(_ m: MeasurementLoop, body: [ScriptNode], begin: Double, vertices: [Double], step: Double,
                       rate: Double, scans: Int) throws {
        guard step > 0, rate > 0 else { throw fault(step == 0 || rate == 0 ? .zeroArgument : .negativeArgument) }
        try checkPotential(begin)
        for v in vertices { try checkPotential(v) }
        guard vertices.contains(where: { abs($0 - begin) >= step / 2 }) else { throw fault(.noSteps) }
        let dt = step / rate
        let limit = host.profile.maxAbsCurrent
        func point(_ e: Double) throws -> Flow {
            try host.elapse(dt)
            let i = host.withElectrode { $0.potentiostatic(volts: e, dt: dt, maxAbsCurrent: limit) }
            setOutput(m.outputs[0], e, .appliedPotential)
            setCurrent(m.outputs[1], i)
            setVolts = e
            return try execute(body)
        }
        scanning: for scan in 0..<scans {
            if scans > 1 { try host.emit(MethodSCRIPTReply.scanStarted(code: scan).encoded) }
            var here = begin
            if scan == 0, try point(begin) == .broke { break scanning }
            for target in vertices {
                let n = Int((abs(target - here) / step).rounded())
                let direction: Double = target >= here ? 1 : -1
                if n > 0 {
                    for k in 1...n {
                        let e = k == n ? target : here + direction * Double(k) * step
                        if try point(e) == .broke { break scanning }
                    }
                }
                here = target
            }
            if scans > 1 { try host.emit(MethodSCRIPTReply.scanEnded.encoded) }
        }
    }

    /// One point every `interval` until `run` has passed.
    private func timed(interval: Double, run: Double, _ point: (Double) throws -> Flow) throws {
        guard interval > 0 else { throw fault(interval == 0 ? .zeroArgument : .negativeArgument) }
        guard run >= interval else { throw fault(.noSteps) }
        let n = Int((run / interval + 1e-9).rounded(.down))
        for _ in 0..<n {
            try host.elapse(interval)
            if try point(interval) == .broke { return }
        }
    }

    private func impedance(_ m: MeasurementLoop, body: [ScriptNode], amplitude: Double, from fs: Double, to fe: Double,
                           points n: Int, dc: Double) throws {
        let p = host.profile
        guard let minHz = p.minHz, let maxHz = p.maxHz else { throw fault(.notSupported) }
        guard amplitude > 0, fs > 0, fe > 0, n >= 1 else { throw fault(.argumentOutOfBounds) }
        guard min(fs, fe) >= minHz * (1 - 1e-9), max(fs, fe) <= maxHz * (1 + 1e-9) else { throw fault(.argumentOutOfBounds) }
        let galvanostatic = m.kind == .geis
        if galvanostatic {
            guard abs(dc) + amplitude * 2.squareRoot() <= p.maxAbsCurrent else { throw fault(.argumentOutOfBounds) }
        } else {
            try checkPotential(dc)
        }
        let fra = host.impedance.analyser
        let control: FrequencyResponseAnalyser.Control = galvanostatic
            ? .galvanostatic(dcAmperes: dc, minVolts: p.minVolts, maxVolts: p.maxVolts)
            : .potentiostatic(dcVolts: dc, maxAbsCurrent: p.maxAbsCurrent)
        for k in 0..<n {
            let f = n == 1 ? fs : fs * pow(fe / fs, Double(k) / Double(n - 1))
            let duration = fra.duration(hertz: f)
            try host.elapse(duration)
            let z: Complex = host.withElectrode { e in
                if case .analytic = host.impedance {
                    // Fast path: hold the DC level for the measurement time, then the linearised cell.
                    var left = duration
                    while left > 0 {
                        let h = min(left, 10)
                        if galvanostatic {
                            dcAmperes = e.galvanostatic(amperes: dc, dt: h, minVolts: p.minVolts, maxVolts: p.maxVolts).amperes
                        } else {
                            dcAmperes = e.potentiostatic(volts: dc, dt: h, maxAbsCurrent: p.maxAbsCurrent)
                        }
                        left -= h
                    }
                    if let z = e.analyticImpedance(hertz: f, dcAmperes: dcAmperes) { return z }
                }
                return fra.measure(&e, hertz: f, amplitudeRMS: amplitude, control: control)
            }
            let range = p.range(covering: amplitude * 2.squareRoot() / max(z.magnitude, 1e-12))
            variables[m.outputs[0]] = Variable(value: f, type: .appliedFrequency, isInteger: false)
            variables[m.outputs[1]] = Variable(value: z.re, type: .impedanceReal, isInteger: false, status: [], range: range.index)
            variables[m.outputs[2]] = Variable(value: z.im, type: .impedanceImaginary, isInteger: false, status: [])
            if try execute(body) == .broke { break }
        }
    }

    // MARK: - Values

    private func setOutput(_ name: String, _ v: Double, _ type: MethodSCRIPTVariableType,
                           status: MethodSCRIPTValue.Status? = nil) {
        variables[name] = Variable(value: v, type: type, isInteger: false, status: status)
    }

    /// A measured current with its status and the autoranged range, as a device reports it.
    private func setCurrent(_ name: String, _ i: Double) {
        let range = host.profile.range(covering: i)
        let status: MethodSCRIPTValue.Status = abs(i) > range.amperes * 1.000001 ? .overload : []
        variables[name] = Variable(value: i, type: .current, isInteger: false, status: status, range: range.index)
    }

    private func checkPotential(_ v: Double) throws {
        guard v.isFinite, v >= host.profile.minVolts, v <= host.profile.maxVolts else { throw fault(.invalidPotential) }
    }

    private func holds(_ c: ScriptCondition) throws -> Bool {
        c.comparison.holds(try value(c.lhs), try value(c.rhs))
    }

    private func value(_ o: ScriptOperand) throws -> Double {
        switch o {
        case .literal(let v, _): return v
        case .variable(let name):
            guard let v = variables[name] else { throw fault(.undeclaredVariable) }
            return v.value
        }
    }

    private func isInteger(_ o: ScriptOperand) -> Bool {
        switch o {
        case .literal(_, let i): i
        case .variable(let name): variables[name]?.isInteger ?? false
        }
    }

    /// `{name}` → the variable's value.
    private func substitute(_ template: String) -> String {
        var out = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            out += rest[..<open]
            let name = String(rest[rest.index(after: open)..<close])
            if let v = variables[name] {
                out += v.isInteger ? String(Int(v.value)) : String(v.value)
            } else {
                out += "{\(name)}"
            }
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }

    private func fault(_ code: MethodSCRIPTErrorCode) -> ScriptFault { ScriptFault(code: code, line: line) }
}
