import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Small files replaced whole: the data goes to `PATH.tmp`, which is then renamed over `PATH`, so
/// a crash leaves the old or the new content, never half of one.
public enum AtomicFile {
    @discardableResult
    public static func write(_ data: Data, to path: String) -> Bool {
        let tmp = path + ".tmp"
        guard FileManager.default.createFile(atPath: tmp, contents: data) else { return false }
        return rename(tmp, path) == 0
    }

    public static func read(_ path: String) -> Data? { FileManager.default.contents(atPath: path) }
}
