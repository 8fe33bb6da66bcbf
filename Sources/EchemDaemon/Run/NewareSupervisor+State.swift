import EchemCore
import EchemDrivers
import EchemEngine
import EchemStore
import Foundation

extension NewareSupervisor {
    /// What is committed with each batch of rows (the `supervision` table's JSON).
    struct State: Codable, Sendable {
        var pipeline: String
        /// nil between the commit before `start` and the reply that names the new test.
        var testID: Int?
        /// The channel's latest test before ours, to tell ours apart after a crash mid-start.
        var previousTestID: Int?
        /// The path the BTS Client was given.
        var stepFile: String
        var mapper: NewareRowMapper.State
        /// The step in progress, as last stored (its end is written when the next one starts).
        var openStep: StepRecord?
        /// Paused by an operator through echemd (the tester shows `stop` or `pause`).
        var operatorPause: Bool = false
        /// Why echemd stopped the test, once it has.
        var stopReason: String?
        /// `continue` was sent and the tester has not yet been seen running: a `stop` status
        /// read meanwhile is the pause not yet lifted, not the end of the test.
        var resumeSent: Bool = false
        /// echemd stopped the test for a safety rule the step file cannot carry.
        var safetyStop: Bool = false
    }

    struct Requests {
        var stop: String?
        var interrupt: String?
        var pause: PauseMode?
        var resume = false
        var gotoLabel: String?

        var hasAny: Bool { stop != nil || interrupt != nil || pause != nil || resume || gotoLabel != nil }

        /// Puts back requests that could not be sent; newer ones win.
        mutating func merge(_ older: Requests) {
            stop = stop ?? older.stop
            interrupt = interrupt ?? older.interrupt
            pause = pause ?? older.pause
            resume = resume || older.resume
            gotoLabel = gotoLabel ?? older.gotoLabel
        }
    }
}
