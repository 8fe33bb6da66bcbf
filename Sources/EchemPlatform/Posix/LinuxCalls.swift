#if canImport(Glibc)
import Glibc
#endif

/// glibc functions that Swift's `Glibc` module does not import because they sit behind
/// `_GNU_SOURCE` or in headers the module map leaves out (`<sys/eventfd.h>`).
///
/// They are resolved once through `dlsym` and called through a `@convention(c)` pointer, which
/// gives the exact C calling convention (unlike `@_silgen_name`, which is Swift's convention and
/// only matches C by accident) and needs no C target in Package.swift. glibc has exported all
/// three since 2.x; the fallbacks exist only so a missing symbol degrades instead of crashing.
enum LinuxCalls {
    typealias EventFDFunction = @convention(c) (UInt32, Int32) -> Int32
    typealias Accept4Function = @convention(c) (
        Int32, UnsafeMutablePointer<sockaddr>?, UnsafeMutablePointer<socklen_t>?, Int32
    ) -> Int32
    typealias SetNameFunction = @convention(c) (pthread_t, UnsafePointer<CChar>) -> Int32

    /// `EFD_CLOEXEC`/`EFD_NONBLOCK` are defined by the kernel ABI as `O_CLOEXEC`/`O_NONBLOCK`.
    static let efdCloexec = Int32(O_CLOEXEC)
    static let efdNonblock = Int32(O_NONBLOCK)

    private static func resolve<F>(_ name: String, as: F.Type) -> F? {
        // RTLD_DEFAULT is (void *)0 on glibc.
        guard let symbol = dlsym(nil, name) else { return nil }
        return unsafeBitCast(symbol, to: F.self)
    }

    private static let eventfdPointer = resolve("eventfd", as: EventFDFunction.self)
    private static let accept4Pointer = resolve("accept4", as: Accept4Function.self)
    private static let setNamePointer = resolve("pthread_setname_np", as: SetNameFunction.self)

    /// `eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)`; -1 with `errno = ENOSYS` if unavailable.
    static func eventfdNonBlocking() -> Int32 {
        guard let f = eventfdPointer else { errno = ENOSYS; return -1 }
        return f(0, efdCloexec | efdNonblock)
    }

    /// `accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)`: the new descriptor is born
    /// non-blocking and close-on-exec, with no window in which a concurrent `fork`+`exec`
    /// could inherit it. Falls back to `accept` + `fcntl`.
    static func acceptNonBlocking(_ fd: Int32) -> Int32 {
        let flags = Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        if let f = accept4Pointer { return f(fd, nil, nil, flags) }
        let client = accept(fd, nil, nil)
        if client >= 0 {
            _ = try? FileDescriptor.setCloseOnExec(client)
            _ = try? FileDescriptor.setNonBlocking(client)
        }
        return client
    }

    /// Names the calling thread (best effort; the kernel keeps 15 bytes).
    static func setCurrentThreadName(_ name: String) {
        guard let f = setNamePointer else { return }
        let bytes = Array(name.utf8.prefix(15)).map { CChar(bitPattern: $0) } + [0]
        _ = bytes.withUnsafeBufferPointer { f(pthread_self(), $0.baseAddress!) }
    }
}
