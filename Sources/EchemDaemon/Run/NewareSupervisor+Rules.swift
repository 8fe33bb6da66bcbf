import EchemCore
import EchemDrivers
import EchemEngine
import EchemStore
import Foundation

/// How the tester's status and the program's rules decide a supervised run's course.
extension NewareSupervisor {
    /// The tester is done with the test: it finished, its protection tripped, or it stopped
    /// (by echemd, or at the BTS Client) other than for an operator pause.
    static func hasEnded(_ status: BTSWorkStatus, state: State) -> Bool {
        switch status {
        case .finish, .protect: return true
        case .stop: return !state.operatorPause && !state.resumeSent
        default: return false
        }
    }

    static func endReason(_ status: BTSWorkStatus, state: State) -> String {
        switch status {
        case .finish: return "step file finished"
        case .protect: return "Neware protection"
        default: return state.stopReason ?? "stopped at the BTS Client"
        }
    }

    func pauseReason(_ status: BTSWorkStatus, state: State, mapper: NewareRowMapper) -> String {
        if state.operatorPause { return "paused by an operator (the tester's output is off)" }
        if let step = mapper.state.newareStep, case .step(_, let label, _, true)? = mapper.map.entry(step) {
            return "operator step\(label.map { " '\($0)'" } ?? "") on the tester: resume to continue"
        }
        return "paused on the tester (\(status))"
    }

    /// Program step id → its step-time limit (its own, else the program's).
    static func stepTimeLimits(_ program: StepProgram) -> [Int: Double] {
        var limits: [Int: Double] = [:]
        for list in [program.instructions] + program.subroutines {
            for ins in list {
                if case .step(let s) = ins, let t = s.limits?.maxStepSeconds ?? program.safety.maxStepSeconds { limits[s.id] = t }
            }
        }
        return limits
    }

    /// Why the step in progress has to be stopped for running too long, or nil.
    static func stepTimeBreach(_ state: State, limits: [Int: Double], kinds: [Int: ControlKind], now: Double) -> String? {
        guard state.stopReason == nil, !state.operatorPause, let open = state.openStep,
              kinds[open.stepID] != .operatorPause, let limit = limits[open.stepID] else { return nil }
        let ran = now - open.startTestTime
        guard ran > limit else { return nil }
        return "safety: step \(open.stepID)\(open.label.map { " '\($0)'" } ?? "") ran \(SIFormat.duration(ran)), above its step-time limit \(SIFormat.duration(limit)); stopped by echemd (a step file cannot carry this limit)"
    }

    /// Program step id → what kind of step it is (for step records).
    static func stepKinds(_ program: StepProgram) -> [Int: ControlKind] {
        var kinds: [Int: ControlKind] = [:]
        for list in [program.instructions] + program.subroutines {
            for ins in list { if case .step(let s) = ins { kinds[s.id] = s.control.kind } }
        }
        return kinds
    }
}
