#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import Testing
@testable import EchemPlatform

/// A fresh directory under /tmp, removed with its contents by `remove()`.
struct TempDir {
    let path: String

    init(_ label: String = "platform") {
        var template = Array("/tmp/echem-\(label)-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(made != nil, "mkdtemp failed: \(errno)")
        path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    func file(_ name: String) -> String { path + "/" + name }

    func remove() {
        guard let dir = opendir(path) else { return }
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name == "." || name == ".." { continue }
            let full = file(name)
            var st = stat()
            if lstat(full, &st) == 0 && st.st_mode & S_IFMT == S_IFDIR {
                TempDir(existing: full).remove()
            } else {
                unlink(full)
            }
        }
        closedir(dir)
        rmdir(path)
    }

    init(existing path: String) { self.path = path }
}

/// Collects values delivered on other threads and waits for conditions on them.
final class Recorder<T: Sendable>: Sendable {
    private let items = Mutex<[T]>([])

    func append(_ item: T) { items.withLock { $0.append(item) } }
    var all: [T] { items.withLock { $0 } }

    /// Polls until `condition` holds on the recorded items or `timeout` passes; returns them.
    @discardableResult
    func wait(timeout: Duration = .seconds(5), until condition: ([T]) -> Bool) -> [T] {
        let deadline = ContinuousClock.now + timeout
        while true {
            let snapshot = all
            if condition(snapshot) || ContinuousClock.now >= deadline { return snapshot }
            usleep(2_000)
        }
    }
}

/// Sleeps the calling thread (tests here are synchronous on purpose: they exercise threads).
func pause(_ duration: Duration) {
    let (s, atto) = duration.components
    usleep(useconds_t(s * 1_000_000 + atto / 1_000_000_000_000))
}

/// A bound AF_UNIX datagram socket playing systemd's notification socket.
struct DatagramReceiver {
    let fd: Int32

    /// `address` is `/path` or `@abstract`.
    init(address: String) throws {
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        let parsed = try UnixSocketAddress(address)
        let rc = parsed.withSockAddr { bind(fd, $0, $1) }
        #expect(rc == 0, "bind(\(address)) errno \(errno)")
    }

    /// The next datagram's exact bytes, or nil after `timeoutMS`.
    func receive(timeoutMS: Int32 = 2000) -> [UInt8]? {
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&p, 1, timeoutMS) == 1 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = recv(fd, &buffer, buffer.count, 0)
        return n < 0 ? nil : Array(buffer[0..<n])
    }

    func close() { Glibc.close(fd) }
}

/// Raises the soft descriptor limit so tests with many sockets do not hit `EMFILE`.
func raiseDescriptorLimit(to wanted: rlim_t) {
    var limit = rlimit()
    getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    if limit.rlim_cur < wanted {
        limit.rlim_cur = min(wanted, limit.rlim_max)
        setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }
}

func currentFileMode(_ path: String) -> (mode: mode_t, gid: gid_t, isSocket: Bool)? {
    var st = stat()
    guard lstat(path, &st) == 0 else { return nil }
    return (st.st_mode & 0o7777, st.st_gid, st.st_mode & S_IFMT == S_IFSOCK)
}

/// Serializes every test that changes process-wide state (environment variables, fd 3).
/// `setenv` while another thread calls `getenv` is undefined behaviour in glibc, and these tests
/// share the variables they set.
@Suite(.serialized) struct ProcessEnvironment {}
