import Dispatch
import Foundation
import Synchronization

/// SIGTERM and SIGINT, caught on a dispatch queue instead of killing the process, so the
/// simulator can stop cleanly (close the port, remove its --link). SIGPIPE is ignored: a client
/// that hangs up mid-reply must not kill the server.
final class TerminationSignals {
    /// What the handlers share with `wait()`.
    private final class Caught: Sendable {
        let semaphore = DispatchSemaphore(value: 0)
        let signal = Mutex<Int32>(0)
    }

    private let caught = Caught()
    private var sources: [any DispatchSourceSignal] = []

    init() {
        signal(SIGPIPE, SIG_IGN)
        for sig in [SIGTERM, SIGINT] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { [caught] in
                caught.signal.withLock { $0 = sig }
                caught.semaphore.signal()
            }
            source.resume()
            sources.append(source)
        }
    }

    /// Blocks until one of the signals arrives; returns its name.
    func wait() -> String {
        caught.semaphore.wait()
        return caught.signal.withLock { $0 } == SIGINT ? "SIGINT" : "SIGTERM"
    }
}
