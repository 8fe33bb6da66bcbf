import Synchronization

/// What the daemon hears about instruments coming and going.
public enum DeviceWatchEvent: Sendable, Hashable {
    /// A device a profile matches is present (at start-up, or plugged in).
    case plugged(DeviceMatch)
    /// A device announced earlier went away. `match` is what it was matched to (nil for an
    /// `unrecognized` one).
    case unplugged(devnode: String, match: DeviceMatch?)
    /// A USB serial device no profile matches (non-USB ttys are not reported).
    case unrecognized(SerialDeviceInfo)
}

/// Combines a `DeviceSource` with a `ProfileMatcher` and reports USB serial devices as they
/// appear and disappear, in order, on `events`.
///
/// Devices are recognised across replugs by `DeviceKey` (vendor, product, serial, interface),
/// never by devnode: a device that returns as `/dev/ttyACM1` after being `/dev/ttyACM0` gives a
/// `.plugged` whose `match.key` equals the earlier one. The daemon binds a channel to a key,
/// pauses the channel on `.unplugged` of that key and resumes it, on the new devnode, on the next
/// `.plugged` of the same key.
///
/// ```swift
/// let watcher = DeviceWatcher(source: UdevDeviceSource(), matcher: ProfileMatcher(profiles: profiles))
/// let status = watcher.start()          // log it; if status.needsPolling, call rescan() every few s
/// for await event in watcher.events { … }
/// ```
public final class DeviceWatcher: Sendable {
    public let events: AsyncStream<DeviceWatchEvent>
    private let continuation: AsyncStream<DeviceWatchEvent>.Continuation
    private let source: any DeviceSource
    private let matcher: ProfileMatcher

    private struct Entry {
        var device: SerialDeviceInfo
        var match: DeviceMatch?
    }

    /// USB devices announced and not yet gone, by devnode.
    private let present = Mutex<[String: Entry]>([:])

    public init(source: any DeviceSource, matcher: ProfileMatcher) {
        self.source = source
        self.matcher = matcher
        (events, continuation) = AsyncStream.makeStream(of: DeviceWatchEvent.self)
    }

    deinit {
        source.stop()
        continuation.finish()
    }

    /// Starts monitoring, then reports the devices already present. Monitoring starts first so a
    /// device plugged in between is not missed (a duplicate report of it is dropped).
    /// Enumeration failing is reported as `.unavailable` with monitoring left running.
    @discardableResult
    public func start() -> DeviceMonitorStatus {
        let status = source.monitor { [weak self] event in self?.handle(event) }
        do {
            for device in try source.enumerate() { handle(.added(device)) }
        } catch {
            return .unavailable(reason: "\(error)")
        }
        return status
    }

    /// Enumerates again and reports the differences: what a daemon calls periodically when the
    /// monitor status `needsPolling` (no udevd, no netlink). Not needed when monitoring is live:
    /// a device removed while a rescan runs would be reported again until the next rescan.
    public func rescan() throws(DiscoveryError) {
        let now = try source.enumerate().filter { $0.usb != nil }
        let nodes = Set(now.map(\.devnode))
        let gone = present.withLock { p in p.values.map(\.device).filter { !nodes.contains($0.devnode) } }
        for device in gone { handle(.removed(device)) }
        for device in now { handle(.added(device)) }
    }

    /// Stops the source's monitor and ends `events`.
    public func stop() {
        source.stop()
        continuation.finish()
    }

    /// The matched devices present now.
    public var matches: [DeviceMatch] {
        present.withLock { p in p.values.compactMap(\.match).sorted { $0.device.devnode < $1.device.devnode } }
    }

    /// The present device with this key, e.g. to reopen a channel's port after a replug.
    public func device(for key: DeviceKey) -> SerialDeviceInfo? {
        present.withLock { p in p.values.first { $0.device.key == key }?.device }
    }

    /// Applies one source event. Events are yielded under the lock, so `events` sees them in
    /// the order the state changed, whichever thread they came from.
    private func handle(_ event: DeviceSourceEvent) {
        present.withLock { p in
            switch event {
            case .added(let device):
                guard device.usb != nil else { return }
                if let old = p[device.devnode] {
                    // A repeat (monitor and enumeration both saw it, or a "change"): nothing new.
                    if old.device.key == device.key { return }
                    // Another device now holds the devnode: the old one must have left unseen.
                    continuation.yield(.unplugged(devnode: device.devnode, match: old.match))
                }
                let match = matcher.match(device)
                p[device.devnode] = Entry(device: device, match: match)
                continuation.yield(match.map(DeviceWatchEvent.plugged) ?? .unrecognized(device))
            case .removed(let device):
                guard let old = p.removeValue(forKey: device.devnode) else { return }
                continuation.yield(.unplugged(devnode: device.devnode, match: old.match))
            }
        }
    }
}
