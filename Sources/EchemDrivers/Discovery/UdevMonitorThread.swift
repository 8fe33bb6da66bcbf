import CUdev
import Dispatch
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The netlink monitor's thread: it sleeps in `poll()` on the monitor's socket and on a pipe
/// that `stop()` writes to, so it wakes for a device event or for shutdown and never spins.
/// All libudev objects are created, used and freed on this thread (libudev is not thread-safe).
///
/// It subscribes to "udev" events (sent after udev's rules ran, so `ID_*` properties and the
/// `/dev/serial/by-id` links exist), not raw "kernel" ones.
final class UdevMonitorThread: Sendable {
    private struct State {
        var stopped = false
        var ended = false
        var thread: pthread_t?
    }

    private let state = Mutex(State())
    private let stopPipe: (read: Int32, write: Int32)
    private let ended = DispatchSemaphore(value: 0)

    private init(stopPipe: (read: Int32, write: Int32)) {
        self.stopPipe = stopPipe
    }

    /// The running monitor and `.live`/`.quiet`, or nil and `.unavailable` with the reason.
    static func start(reader: UdevDeviceReader,
                      onEvent: @escaping @Sendable (DeviceSourceEvent) -> Void) -> (UdevMonitorThread?, DeviceMonitorStatus) {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else {
            return (nil, .unavailable(reason: "cannot create a pipe: \(UdevDeviceSource.errnoText())"))
        }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        let monitor = UdevMonitorThread(stopPipe: (fds[0], fds[1]))
        let setup = Mutex<String??>(nil)   // nil: not yet; .some(nil): ready; .some(reason): failed
        let setupDone = DispatchSemaphore(value: 0)
        let thread = Thread {
            monitor.state.withLock { $0.thread = pthread_self() }
            monitor.run(reader: reader, onEvent: onEvent) { failure in
                setup.withLock { $0 = .some(failure) }
                setupDone.signal()
            }
        }
        thread.name = "udev monitor"
        thread.start()
        setupDone.wait()
        if case .some(.some(let reason)) = setup.withLock({ $0 }) {
            monitor.stop()
            return (nil, .unavailable(reason: reason))
        }
        // With no udevd, the "udev" multicast group has no sender (and libudev inside a
        // container may not even subscribe): the monitor works but stays silent.
        if access("/run/udev/control", F_OK) != 0 {
            return (monitor, .quiet(reason: "udevd is not running (no /run/udev/control), as in most containers"))
        }
        return (monitor, .live)
    }

    /// Wakes the thread and waits until it has ended, except when called from an event handler
    /// on the thread itself (it then ends after the handler returns). Idempotent.
    func stop() {
        let onOwnThread = state.withLock { s -> Bool? in
            guard !s.stopped else { return nil }
            s.stopped = true
            if !s.ended {
                var byte: UInt8 = 1
                _ = write(stopPipe.write, &byte, 1)
            }
            return s.thread.map { pthread_equal($0, pthread_self()) != 0 } ?? false
        }
        guard let onOwnThread, !onOwnThread else { return }
        ended.wait()
    }

    private func run(reader: UdevDeviceReader, onEvent: @Sendable (DeviceSourceEvent) -> Void,
                     ready: (String?) -> Void) {
        defer {
            state.withLock { s in
                s.ended = true
                close(stopPipe.read)
                close(stopPipe.write)
            }
            ended.signal()
        }
        guard let udev = udev_new() else { return ready("udev_new failed (\(UdevDeviceSource.errnoText()))") }
        defer { udev_unref(udev) }
        guard let monitor = udev_monitor_new_from_netlink(udev, "udev") else {
            return ready("cannot open udev's netlink socket (\(UdevDeviceSource.errnoText())); "
                         + "a container needs the host's network namespace for hot-plug events")
        }
        defer { udev_monitor_unref(monitor) }
        guard udev_monitor_filter_add_match_subsystem_devtype(monitor, "tty", nil) >= 0,
              udev_monitor_enable_receiving(monitor) >= 0 else {
            return ready("cannot receive udev events (\(UdevDeviceSource.errnoText()))")
        }
        let fd = udev_monitor_get_fd(monitor)
        guard fd >= 0 else { return ready("the udev monitor has no socket") }
        ready(nil)

        while true {
            var fds = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: stopPipe.read, events: Int16(POLLIN), revents: 0)]
            let rc = poll(&fds, 2, -1)
            if rc < 0 && errno == EINTR { continue }
            if rc < 0 || fds[1].revents != 0 { return }
            if fds[0].revents & Int16(POLLNVAL) != 0 { return }
            guard fds[0].revents != 0 else { continue }
            // Also on POLLERR (receive buffer overrun): the receive call clears the socket error,
            // where skipping it would spin.
            guard let device = udev_monitor_receive_device(monitor) else { continue }
            defer { udev_device_unref(device) }
            let action = udev_device_get_action(device).map { String(cString: $0) }
            guard let info = reader.info(device) else { continue }
            switch action {
            case "add", "change": onEvent(.added(info))
            case "remove": onEvent(.removed(info))
            default: break   // bind/unbind/move: the tty itself did not come or go
            }
        }
    }
}
