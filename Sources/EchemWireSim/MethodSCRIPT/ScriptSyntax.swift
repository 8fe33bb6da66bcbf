import EchemDrivers

/// The MethodSCRIPT subset the simulator understands, as a tree: what `ScriptParser` builds and
/// `ScriptInterpreter` runs. Line numbers count from the first line after `e` (1-based).
struct ParsedScript: Sendable {
    var main: [ScriptNode]
    /// Statements after `on_finished:`: run when the script ends, is aborted, or fails.
    var finished: [ScriptNode]
}

/// A number or a declared variable, as an argument.
enum ScriptOperand: Sendable, Hashable {
    case literal(Double, isInteger: Bool)
    case variable(String)
}

enum ScriptComparison: String, Sendable, CaseIterable {
    case less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">=", equal = "==", notEqual = "!="

    func holds(_ a: Double, _ b: Double) -> Bool {
        switch self {
        case .less: a < b
        case .lessOrEqual: a <= b
        case .greater: a > b
        case .greaterOrEqual: a >= b
        case .equal: a == b
        case .notEqual: a != b
        }
    }
}

struct ScriptCondition: Sendable, Hashable {
    var lhs: ScriptOperand
    var comparison: ScriptComparison
    var rhs: ScriptOperand
}

enum ScriptArithmetic: String, Sendable {
    case add = "add_var", subtract = "sub_var", multiply = "mul_var", divide = "div_var"
}

/// The measurement loops: their technique and what their arguments mean.
enum MeasurementKind: String, Sendable, CaseIterable {
    case cv = "meas_loop_cv", lsv = "meas_loop_lsv", ca = "meas_loop_ca", cp = "meas_loop_cp"
    case ocp = "meas_loop_ocp", eis = "meas_loop_eis", geis = "meas_loop_geis"

    /// Output variables, then numeric arguments.
    var outputs: Int {
        switch self {
        case .ocp: 1
        case .eis, .geis: 3
        default: 2
        }
    }

    var arguments: Int {
        switch self {
        case .cv: 5      // E_begin E_vtx1 E_vtx2 E_step scan_rate
        case .lsv: 4     // E_begin E_end E_step scan_rate
        case .ca, .cp: 3 // E_dc | I_dc, t_interval, t_run
        case .ocp: 2     // t_interval t_run
        case .eis, .geis: 5 // amplitude f_start f_end n_points E_dc | I_dc
        }
    }

    var technique: MethodSCRIPTTechnique {
        switch self {
        case .cv: .cv
        case .lsv: .lsv
        case .ca: .ca
        case .cp: .cp
        case .ocp: .ocp
        case .eis: .eis
        case .geis: .geis
        }
    }
}

struct MeasurementLoop: Sendable {
    var kind: MeasurementKind
    var outputs: [String]
    var arguments: [ScriptOperand]
    /// `nscans(N)` of a CV.
    var scans: ScriptOperand?
}

enum ScriptStatement: Sendable {
    case declare(String)
    case store(String, ScriptOperand, type: MethodSCRIPTVariableType)
    case copy(from: String, to: String)
    case arithmetic(ScriptArithmetic, String, ScriptOperand)
    /// Any `set_*`: recorded; `set_e`, `set_i` and `set_pgstat_mode` also act.
    case setting(String, [String], operands: [ScriptOperand])
    case cellOn, cellOff
    case timerStart
    case timerGet(String)
    case wait(ScriptOperand)
    case breakLoop
    case packageStart, packageEnd
    case packageAdd(String)
    /// Text with `{name}` placeholders replaced by variable values.
    case sendString(String)
}

indirect enum ScriptNode: Sendable {
    case statement(ScriptStatement, line: Int)
    case measurement(MeasurementLoop, body: [ScriptNode], line: Int)
    case loop(ScriptCondition, body: [ScriptNode], line: Int)
    /// `if`/`elseif` branches with their conditions, then an optional `else`.
    case branch([(ScriptCondition, [ScriptNode])], otherwise: [ScriptNode]?, line: Int)
}

/// An error the device reports for a script: code, line and (for parse errors) column.
struct ScriptFault: Error, Sendable {
    var code: MethodSCRIPTErrorCode
    var line: Int
    var column: Int?

    func reply(command: Character? = nil) -> String {
        MethodSCRIPTDeviceError(code: code, command: command, line: line, column: column).encoded
    }
}
