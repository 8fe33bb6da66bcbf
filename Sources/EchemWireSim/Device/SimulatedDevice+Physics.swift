import EchemCore

extension SimulatedDevice {
    /// The physics loop of one unit, run as a task until cancelled (real time) or until
    /// `finishSteps()` (lockstep).
    func runPhysics(clock: SimulationClock, samplePeriod: Double, log: (@Sendable (String) -> Void)?) async {
        switch clock {
        case .lockstep:
            for await done in stepStream {
                await step()
                done.signal()
            }
        case .realTime(let speed):
            await runPaced(speed: speed, samplePeriod: samplePeriod, log: log)
        }
    }

    /// Steps on the cell's own schedule: step k is due at wall time anchor + k·Δt/speed. At high
    /// speed several steps run between two sleeps (sleeping less than a millisecond costs more
    /// than it waits). If the host cannot keep up, the schedule is re-anchored rather than
    /// bursting to catch up, and the shortfall is logged once.
    private func runPaced(speed: Double, samplePeriod: Double, log: (@Sendable (String) -> Void)?) async {
        var wallAnchor = ContinuousClock.now
        var cellAnchor = terminals.time
        var warned = false
        while !Task.isCancelled {
            await step()
            let due = wallAnchor + .seconds((terminals.time - cellAnchor) / speed)
            let now = ContinuousClock.now
            if due < now - .seconds(max(0.5, 4 * samplePeriod / speed)) {
                if !warned {
                    log?("unit \(unit): the cell model cannot keep up with speed \(speed); running slower")
                    warned = true
                }
                wallAnchor = now
                cellAnchor = terminals.time
            } else if due > now + .milliseconds(1) {
                do { try await Task.sleep(until: due, clock: .continuous) } catch { return }
            }
        }
    }
}
