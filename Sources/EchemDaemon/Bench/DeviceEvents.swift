import EchemDrivers
import Foundation

/// Instruments coming and going (udev), published on the socket as `device` documents. Profiles
/// come from the drivers folder; with no udevd (containers) the watcher rescans every few seconds.
final class DeviceEvents: Sendable {
    let watcher: DeviceWatcher
    let status: DeviceMonitorStatus
    private let tasks: [Task<Void, Never>]

    /// The drivers folder: the configured one, else the installed one, else `./drivers` (a checkout).
    static func driversFolder(_ configured: String?) -> String? {
        [configured, "/usr/share/echemd/drivers", FileManager.default.currentDirectoryPath + "/drivers"]
            .compactMap { $0 }.first { FileManager.default.fileExists(atPath: $0) }
    }

    init?(driversFolder: String?, hub: LiveHub, log: @escaping @Sendable (String) -> Void) {
        guard let folder = driversFolder else { return nil }
        let (profiles, diagnostics) = DeviceProfileLoader.loadAll(in: URL(fileURLWithPath: folder))
        for d in diagnostics { log("device profile: \(d)") }
        let watcher = DeviceWatcher(source: UdevDeviceSource(), matcher: ProfileMatcher(profiles: profiles))
        self.watcher = watcher
        status = watcher.start()
        log("devices: \(profiles.count) profile(s) from \(folder); hot-plug \(status)")
        var tasks = [Task {
            for await event in watcher.events { hub.publish(DeviceEvents.document(event)) }
        }]
        if status.needsPolling {
            tasks.append(Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(5))
                    try? watcher.rescan()
                }
            })
        }
        self.tasks = tasks
    }

    func stop() {
        watcher.stop()
        for t in tasks { t.cancel() }
    }

    static func document(_ event: DeviceWatchEvent) -> LiveDocument {
        switch event {
        case .plugged(let m):
            return Documents.device(m.device.byIDPaths.first ?? m.device.devnode, event: "plugged",
                                    detail: "\(m.profile.device.family) at \(m.device.devnode) (\(m.device.usb.map { "\($0)" } ?? "no USB identity"))")
        case .unplugged(let devnode, let m):
            return Documents.device(devnode, event: "unplugged", detail: m.map { "\($0.profile.device.family) gone" } ?? "unrecognized device gone")
        case .unrecognized(let info):
            return Documents.device(info.devnode, event: "unrecognized", detail: "\(info.usb.map { "\($0)" } ?? "") matches no profile in drivers/")
        }
    }
}
