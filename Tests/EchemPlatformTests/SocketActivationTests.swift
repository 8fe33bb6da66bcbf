#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import EchemPlatform

extension ProcessEnvironment {
    @Suite struct SocketActivationTests {
        private func clearVariables() {
            unsetenv("LISTEN_PID")
            unsetenv("LISTEN_FDS")
            unsetenv("LISTEN_FDNAMES")
        }

        private var variablesAreUnset: Bool {
            getenv("LISTEN_PID") == nil && getenv("LISTEN_FDS") == nil && getenv("LISTEN_FDNAMES") == nil
        }

        /// What the code under test saw while the listening socket sat at fd 3.
        private struct Observed {
            var sockets: [(fd: Int32, name: String?)] = []
            var error: SocketActivation.Error?
            var cloexecBefore = false
            var cloexecAfter = false
            var inodeAtFD3: UInt64 = 0
            var secondCall: Int = -1
        }

        /// Puts a real listening socket at fd 3, as systemd passes it, and runs `body`.
        ///
        /// If fd 3 is free it is taken atomically with `F_DUPFD`. In the Swift test runner it is
        /// usually taken (libdispatch's epoll descriptor), so it is saved, replaced with `dup2`, and
        /// restored with its flags right after `body`: keep `body` to a few system calls, because
        /// other threads in this process may be using that descriptor meanwhile.
        private func withListeningSocketAtFD3(_ listener: Int32, _ body: () -> Observed) -> Observed {
            let placed = fcntl(listener, F_DUPFD, 3)
            if placed == 3 {
                defer { close(3) }
                return body()
            }
            if placed >= 0 { close(placed) }
            let savedFlags = fcntl(3, F_GETFD)
            let saved = fcntl(3, F_DUPFD_CLOEXEC, 10)
            guard savedFlags >= 0, saved >= 0 else {
                Issue.record("fd 3 is neither free nor duplicable")
                return Observed()
            }
            dup2(listener, 3)
            let observed = body()
            dup2(saved, 3)
            _ = fcntl(3, F_SETFD, savedFlags)  // dup2 cleared FD_CLOEXEC
            close(saved)
            return observed
        }

        private func inode(_ fd: Int32) -> UInt64 {
            var st = stat()
            return fstat(fd, &st) == 0 ? UInt64(st.st_ino) : 0
        }

        @Test("LISTEN_PID=getpid with one named socket: fd 3, its name, CLOEXEC set, variables unset")
        func activated() throws {
            let dir = TempDir("activation")
            defer { dir.remove() }
            let path = dir.file("api.sock")
            let listener = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)  // no CLOEXEC: the code must set it
            defer { close(listener) }
            let address = try UnixSocketAddress(path)
            #expect(address.withSockAddr { bind(listener, $0, $1) } == 0)
            #expect(listen(listener, 16) == 0)
            setenv("LISTEN_PID", String(getpid()), 1)
            setenv("LISTEN_FDS", "1", 1)
            setenv("LISTEN_FDNAMES", "api", 1)

            let seen = withListeningSocketAtFD3(listener) {
                var o = Observed()
                o.cloexecBefore = fcntl(3, F_GETFD) & FD_CLOEXEC != 0
                do throws(SocketActivation.Error) {
                    o.sockets = try SocketActivation.listeningSockets()
                    o.secondCall = try SocketActivation.listeningSockets().count
                } catch {
                    o.error = error
                }
                o.cloexecAfter = fcntl(3, F_GETFD) & FD_CLOEXEC != 0
                o.inodeAtFD3 = inode(3)
                return o
            }
            #expect(seen.error == nil)
            #expect(seen.sockets.count == 1)
            #expect(seen.sockets.first?.fd == 3)
            #expect(seen.sockets.first?.name == "api")
            #expect(!seen.cloexecBefore && seen.cloexecAfter, "listeningSockets() sets FD_CLOEXEC")
            #expect(seen.inodeAtFD3 == inode(listener), "fd 3 was the listening socket")
            #expect(variablesAreUnset)
            #expect(seen.secondCall == 0, "the descriptors have one owner")

            // That socket is usable as passed: the line server adopts it (here through the
            // original descriptor, since fd 3 has been given back).
            let server = try UnixLineServer(listeningFD: fcntl(listener, F_DUPFD_CLOEXEC, 10))
            server.onLine = { client, line in server.send(client, "ok \(line)") }
            try server.start()
            let client = try UnixLineClient(connectingTo: path)
            try client.send("hello")
            #expect(try client.readLine() == "ok hello")
            server.stop()
            #expect(currentFileMode(path)?.isSocket == true, "an adopted socket's file belongs to systemd")
        }

        @Test("LISTEN_PID of another process: not for us, nothing returned, variables still unset")
        func otherProcess() throws {
            setenv("LISTEN_PID", String(getpid() + 1), 1)
            setenv("LISTEN_FDS", "1", 1)
            #expect(try SocketActivation.listeningSockets().isEmpty)
            #expect(variablesAreUnset)
        }

        @Test("not activated: empty")
        func notActivated() throws {
            clearVariables()
            #expect(try SocketActivation.listeningSockets().isEmpty)
        }

        @Test("malformed variables are errors, and are still removed")
        func malformed() throws {
            setenv("LISTEN_PID", "12x", 1)
            #expect(throws: SocketActivation.Error.invalidListenPID("12x")) { try SocketActivation.listeningSockets() }
            #expect(variablesAreUnset)

            setenv("LISTEN_PID", String(getpid()), 1)
            setenv("LISTEN_FDS", "two", 1)
            #expect(throws: SocketActivation.Error.invalidListenFDs("two")) { try SocketActivation.listeningSockets() }

            setenv("LISTEN_PID", String(getpid()), 1)
            setenv("LISTEN_FDS", "1", 1)
            setenv("LISTEN_FDNAMES", "api:extra", 1)
            #expect(throws: SocketActivation.Error.nameCountMismatch(names: 2, fds: 1)) {
                try SocketActivation.listeningSockets()
            }
            #expect(variablesAreUnset)
        }

        @Test("unsetEnvironment: false leaves the variables in place")
        func keepEnvironment() throws {
            setenv("LISTEN_PID", String(getpid() + 1), 1)
            setenv("LISTEN_FDS", "1", 1)
            _ = try SocketActivation.listeningSockets(unsetEnvironment: false)
            #expect(getenv("LISTEN_PID") != nil)
            clearVariables()
        }
    }
}
