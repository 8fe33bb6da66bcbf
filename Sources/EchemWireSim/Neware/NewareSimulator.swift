import EchemCore
import EchemDrivers
import EchemSim
import Foundation
import Synchronization

/// A Neware BTS Client in software: a TCP server speaking the BTS API (research §1) over a bench
/// of simulated channels, each running Neware step files on echemd's cell model.
///
/// `start` reads the step file from the path it names (Windows paths under `stepFileRoot`), puts
/// a fresh cell on the channel and runs the file: CC, CCCV and CV charge/discharge, rest, pause,
/// nested cycle steps and end; limits on time, voltage, cut-off current and capacity; whole-test
/// and per-step protection with delay; the record rule. Detail rows are numbered by seqid per
/// test and served by `download`, `inquiredf` and `downloadStepLayer` in the captured shapes,
/// quirks included.
///
/// ```swift
/// let sim = try NewareSimulator(.init(port: 0, topology: NewareTopology(devices: 2), clock: .lockstep(seconds: 60)))
/// sim.start()
/// let client = BTSClient(host: "127.0.0.1", port: sim.port)
/// …
/// sim.stop()
/// ```
public final class NewareSimulator: Sendable {
    public let configuration: Configuration
    private let bench: NewareBench
    private let server: BTSServer
    private let physics = ServerThread()
    private let started = Atomic<Bool>(false)
    private let stopped = Atomic<Bool>(false)

    /// Binds the port (so `port` is known before `start()`); a client connecting in between
    /// waits in the listen backlog.
    public init(_ configuration: Configuration) throws(SimulatorError) {
        let c = configuration
        guard c.samplePeriod > 0, c.samplePeriod.isFinite else { throw SimulatorError("the sample period must be > 0") }
        switch c.clock {
        case .realTime(let speed) where !(speed > 0 && speed.isFinite):
            throw SimulatorError("the speed must be > 0 (1 = real time), or use 'max'")
        case .lockstep(let seconds) where !(seconds >= 0 && seconds.isFinite):
            throw SimulatorError("the lockstep advance must be ≥ 0 s")
        default: break
        }
        guard c.maxAbsCurrent > 0, c.maxVolts > c.minVolts else {
            throw SimulatorError("the channel range needs max current > 0 and max voltage > min voltage")
        }
        self.configuration = c
        bench = try NewareBench(c)
        server = try BTSServer(host: c.host, port: c.port, bench: bench)
    }

    deinit { stop() }

    /// The port clients connect to (the real one when configured with 0).
    public var port: Int { server.port }
    public var host: String { server.host }

    /// Starts serving and, for real-time and unbounded clocks, the physics thread. Idempotent.
    public func start() {
        guard !stopped.load(ordering: .acquiring), !started.exchange(true, ordering: .acquiringAndReleasing) else { return }
        server.start()
        let clock = configuration.clock
        let bench = bench
        let physics = physics
        switch clock {
        case .lockstep: break
        case .realTime(let speed):
            physics.start(name: "echem-sim neware clock") {
                let t0 = ContinuousClock.now
                while !physics.isStopping {
                    let elapsed = ContinuousClock.now - t0
                    let seconds = elapsed.inSeconds
                    bench.advance(to: seconds * speed)
                    Thread.sleep(forTimeInterval: 0.02)
                }
            }
        case .unbounded:
            physics.start(name: "echem-sim neware clock") {
                while !physics.isStopping {
                    if bench.anyRunning {
                        bench.advance(seconds: 300)   // a short hold of the lock, so requests are answered between chunks
                    } else {
                        Thread.sleep(forTimeInterval: 0.005)
                    }
                }
            }
        }
    }

    /// Stops serving (closing every connection and the port) and the clock. Idempotent; a stopped
    /// simulator does not start again.
    public func stop() {
        guard !stopped.exchange(true, ordering: .acquiringAndReleasing) else { return }
        server.stop()
        physics.stop()
    }

    // MARK: - What tests and demos look at

    /// Every channel, in `getdevinfo` order.
    public var channels: [BTSChannelAddress] { configuration.topology.channels }

    /// Runs every running test for `seconds` of test time (the lockstep clock's manual advance).
    public func advance(seconds: Double) { bench.advance(seconds: seconds) }

    /// Advances in steps of `chunk` until no test is running or `maxSeconds` of test time has
    /// passed; returns the test time advanced.
    @discardableResult
    public func runUntilIdle(maxSeconds: Double, chunk: Double = 3600) -> Double {
        var t = 0.0
        while t < maxSeconds && bench.anyRunning {
            let step = min(chunk, maxSeconds - t)
            bench.advance(seconds: step)
            t += step
        }
        return t
    }

    public func status(of channel: BTSChannelAddress) -> BTSWorkStatus? {
        read(channel) { $0.status }
    }

    /// The latest test's id and row count.
    public func latestTest(of channel: BTSChannelAddress) -> (testID: Int, rows: Int)? {
        read(channel) { c in c.latest.map { ($0.testID, $0.rows.count) } } ?? nil
    }

    /// The cell on a channel now (its `state` holds the charge counters).
    public func cell(of channel: BTSChannelAddress) -> CellModel? { read(channel) { $0.cell } }

    /// Why the latest test stopped (end of file, protection and its value, the API), if it did.
    public func stopReason(of channel: BTSChannelAddress) -> String? {
        read(channel) { $0.latest?.stopReason } ?? nil
    }

    /// Puts a different cell on one channel from its next `start` on.
    public func setCell(_ cell: SimulatedCell, for channel: BTSChannelAddress) throws(SimulatorError) {
        _ = try NewareSimChannel.makeCell(cell)
        let found = bench.state.withLock { s -> Bool in
            guard let k = s.index[NewareBench.ChannelKey(channel)] else { return false }
            s.channels[k].cellSpec = cell
            return true
        }
        guard found else { throw SimulatorError("no channel \(channel.pipeline) in this topology") }
    }

    /// Requests answered so far.
    public var requestCount: Int { bench.state.withLock { $0.requests } }

    private func read<T: Sendable>(_ channel: BTSChannelAddress, _ body: (NewareSimChannel) -> T) -> T? {
        bench.state.withLock { s -> T? in
            guard let k = s.index[NewareBench.ChannelKey(channel)] else { return nil }
            return body(s.channels[k])
        }
    }
}
