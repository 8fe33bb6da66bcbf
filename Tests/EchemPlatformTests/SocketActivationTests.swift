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

        // The positive case (a real socket at fd 3) is tested end to end in a separate process,
        // under systemd-socket-activate (EchemDaemonTests.SocketActivationE2ETests): in this test
        // process fd 3 is libdispatch's epoll descriptor, and swapping it even for a moment can
        // freeze every timer in the process.

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
