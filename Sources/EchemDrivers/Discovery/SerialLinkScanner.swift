import Foundation

/// Finds the `/dev/serial/by-id` and `by-path` links that point at each devnode by reading the
/// directories themselves. udev reports links from its database; in a container whose `/dev`
/// comes from the host, the links exist while the database does not.
public struct SerialLinkScanner: Sendable {
    public var directories: [String]

    public init(directories: [String] = ["/dev/serial/by-id", "/dev/serial/by-path"]) {
        self.directories = directories
    }

    /// devnode → the links resolving to it, each list sorted.
    public func linksByDevnode() -> [String: [String]] {
        var result: [String: [String]] = [:]
        for dir in directories {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
            for name in names.sorted() {
                let link = "\(dir)/\(name)"
                let target = URL(fileURLWithPath: link).resolvingSymlinksInPath().path
                guard target != link else { continue }
                result[target, default: []].append(link)
            }
        }
        return result
    }
}
