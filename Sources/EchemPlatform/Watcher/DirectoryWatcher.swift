#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Reports files that have become complete in one directory (the run queue's `incoming/`),
/// using inotify on its own thread.
///
/// Only two events mean "complete":
/// - `IN_CLOSE_WRITE`: a writer closed the file. `cp a.yaml incoming/` produces it once, after
///   the whole copy; a file still being written produces nothing yet.
/// - `IN_MOVED_TO`: a file was renamed into the directory, which is atomic on one filesystem
///   (`mv` within the same mount, or write-to-temp-then-rename as editors and `install` do).
///
/// `IN_CREATE` is deliberately not watched: it fires when the file is still empty.
///
/// Names are reported only for regular files (not directories, symlinks or FIFOs) whose name
/// passes `SpoolFileName.isIgnored`, and that still exist when the event is read. A name can be
/// reported more than once (a writer that closes twice, or a rescan after an inotify queue
/// overflow), so the consumer must be idempotent, e.g. by moving each file out of `incoming/`
/// before processing it.
///
/// Files dropped while the daemon was down produce no events: call `scanExisting()` at start,
/// after `init` so nothing falls in the gap (a file may then be seen by both; see above).
///
/// The thread keeps the watcher alive until `stop()`.
public final class DirectoryWatcher: Sendable {
    public typealias Handler = @Sendable (String) -> Void

    public enum Error: Swift.Error, Equatable, Sendable {
        case system(SystemError)
    }

    /// The watched directory.
    public let directory: String

    private let inotifyFD: Int32
    private let wakeup: Wakeup
    private let handler: Handler
    private let thread = Mutex<(thread: PosixThread?, stopped: Bool)>((nil, false))

    /// Events we act on, plus `IN_ONLYDIR` (fail if not a directory) and the self-events that
    /// tell us the directory itself went away.
    private static let mask = UInt32(IN_CLOSE_WRITE) | UInt32(IN_MOVED_TO) | UInt32(IN_ONLYDIR)
        | UInt32(IN_DELETE_SELF) | UInt32(IN_MOVE_SELF)

    /// Sets up the watch immediately, so events from this moment on are queued by the kernel even
    /// before `start()`. `handler` runs on the watcher thread and should not block for long.
    public init(directory: String, handler: @escaping Handler) throws(Error) {
        let fd = inotify_init1(Int32(IN_NONBLOCK) | Int32(IN_CLOEXEC))
        guard fd >= 0 else { throw .system(.last("inotify_init1")) }
        guard inotify_add_watch(fd, directory, Self.mask) >= 0 else {
            let error = SystemError.last("inotify_add_watch(\(directory))")
            FileDescriptor.close(fd)
            throw .system(error)
        }
        do {
            wakeup = try Wakeup()
        } catch {
            FileDescriptor.close(fd)
            throw .system(error)
        }
        self.directory = directory
        self.inotifyFD = fd
        self.handler = handler
    }

    deinit { FileDescriptor.close(inotifyFD) }

    /// Starts the watcher thread. Idempotent; does nothing after `stop()`.
    public func start() throws(SystemError) {
        try thread.withLock { t throws(SystemError) in
            guard t.thread == nil, !t.stopped else { return }
            t.thread = try PosixThread.spawn(name: "echem-watch") { [self] in run() }
        }
    }

    /// Stops the thread and waits for it (unless called from the handler). No handler call
    /// starts after `stop()` returns. Idempotent.
    public func stop() {
        let running = thread.withLock { t -> PosixThread? in
            defer { t.stopped = true; t.thread = nil }
            return t.stopped ? nil : t.thread
        }
        guard let running else { return }
        wakeup.signal()
        if running.isCurrent { running.detach() } else { running.join() }
    }

    /// Names of the complete-looking regular files already in the directory, sorted, filtered
    /// like events. Does not call the handler.
    public func scanExisting() throws(SystemError) -> [String] {
        try Self.scan(directory)
    }

    static func scan(_ directory: String) throws(SystemError) -> [String] {
        guard let dir = opendir(directory) else { throw .last("opendir(\(directory))") }
        defer { closedir(dir) }
        let dirFD = dirfd(dir)
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name == "." || name == ".." || SpoolFileName.isIgnored(name) { continue }
            let type = entry.pointee.d_type
            if type == UInt8(DT_REG) || (type == UInt8(DT_UNKNOWN) && isRegularFile(dirFD, name)) {
                names.append(name)
            }
        }
        return names.sorted()
    }

    private static func isRegularFile(_ dirFD: Int32, _ name: String) -> Bool {
        var st = stat()
        return fstatat(dirFD, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && st.st_mode & S_IFMT == S_IFREG
    }

    private func run() {
        let bufferSize = 64 << 10  // room for hundreds of events per read
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bufferSize, alignment: 8)
        defer { buffer.deallocate() }
        let dirFD = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        defer { if dirFD >= 0 { FileDescriptor.close(dirFD) } }
        while true {
            var fds = [pollfd(fd: wakeup.fd, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: inotifyFD, events: Int16(POLLIN), revents: 0)]
            let rc = fds.withUnsafeMutableBufferPointer { poll($0.baseAddress, 2, -1) }
            if rc < 0 {
                if errno == EINTR { continue }
                return
            }
            if fds[0].revents != 0 || isStopped { return }
            guard fds[1].revents != 0 else { continue }
            let n = retryingEINTR { read(inotifyFD, buffer.baseAddress, bufferSize) }
            if n < 0 {
                if errno == EAGAIN { continue }
                return
            }
            var offset = 0
            // struct inotify_event { int wd; uint32_t mask, cookie, len; char name[len]; }
            while offset + 16 <= n {
                let mask = buffer.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self)
                let length = Int(buffer.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self))
                let nameBytes = UnsafeRawBufferPointer(rebasing: buffer[(offset + 16)..<min(n, offset + 16 + length)])
                offset += 16 + length
                if mask & UInt32(IN_Q_OVERFLOW) != 0 {
                    // The kernel dropped events: fall back to looking at what is there.
                    for name in (try? Self.scan(directory)) ?? [] where !isStopped { handler(name) }
                    continue
                }
                if mask & (UInt32(IN_DELETE_SELF) | UInt32(IN_MOVE_SELF) | UInt32(IN_IGNORED)) != 0 {
                    return  // the directory is gone or was moved away; nothing more will come
                }
                if mask & UInt32(IN_ISDIR) != 0 { continue }
                let name = String(decoding: nameBytes.prefix { $0 != 0 }, as: UTF8.self)
                if name.isEmpty || SpoolFileName.isIgnored(name) { continue }
                if dirFD >= 0 && !Self.isRegularFile(dirFD, name) { continue }
                if isStopped { return }
                handler(name)
            }
        }
    }

    private var isStopped: Bool { thread.withLock { $0.stopped } }
}
