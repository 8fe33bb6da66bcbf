import EchemCore
import EchemDrivers
@testable import EchemWireSim
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A device on a real pty that answers like a MethodSCRIPT instrument until the script runs,
/// then sends bytes that are not MethodSCRIPT.
final class GarbageDevice: @unchecked Sendable {
    // @unchecked: the master descriptor is used by the device thread only, then closed by `stop`.
    let pty: PseudoTerminal
    let garbage: [UInt8]
    private let done = DispatchSemaphore(value: 0)
    private let stopping = Mutex(false)

    init(garbage: [UInt8]) throws {
        pty = try PseudoTerminal()
        self.garbage = garbage
        let thread = Thread { [self] in serve(); done.signal() }
        thread.start()
    }

    func stop() {
        stopping.withLock { $0 = true }
        done.wait()
        close(pty.master)
    }

    private func serve() {
        var inbox: [UInt8] = []
        var inScript = false
        while !stopping.withLock({ $0 }) {
            var p = pollfd(fd: pty.master, events: Int16(POLLIN), revents: 0)
            guard poll(&p, 1, 20) > 0, p.revents & Int16(POLLIN) != 0 else { continue }
            var chunk = [UInt8](repeating: 0, count: 512)
            let n = read(pty.master, &chunk, chunk.count)
            guard n > 0 else { usleep(20_000); continue }
            inbox += chunk[0..<n]
            while let nl = inbox.firstIndex(of: 0x0A) {
                let line = String(decoding: inbox[..<nl], as: UTF8.self)
                inbox.removeFirst(nl + 1)
                if inScript {
                    if line.isEmpty { send(Array("e\n".utf8) + garbage); inScript = false }
                    continue
                }
                switch line {
                case "Z": send(Array("Z!0006\n".utf8))
                case "t": send(Array("tnexus1 9.9\nR#fake*\n".utf8))
                case "e": inScript = true
                default: break
                }
            }
        }
    }

    private func send(_ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { write(pty.master, $0.baseAddress, $0.count) }
    }
}

import Synchronization

@Suite("MethodSCRIPT channel against a device sending garbage", .serialized)
struct GarbageDeviceTests {
    @Test("a line that is not MethodSCRIPT is a clear error naming the bytes, not a crash", arguments: [
        (Array("P\u{01}\u{02}zz\n".utf8), "control or non-ASCII"),
        (Array("Pda7F85F3\n".utf8), "10 characters"),
        (Array("hello world\n".utf8), "none of these"),
        ([0xFF, 0xFE, 0x00, 0x41, 0x0A], "control or non-ASCII"),
    ])
    func garbage(bytes: [UInt8], reason: String) async throws {
        let device = try GarbageDevice(garbage: bytes)
        defer { device.stop() }
        let channel = try await MethodSCRIPTChannel.connect(path: device.pty.slavePath, known: ShippedModels.all)
        #expect(channel.firmware == "nexus1 9.9 R#fake")
        try await channel.apply(Setpoint(.voltage(volts: 1)))
        await #expect {
            _ = try await channel.nextReading()
        } throws: { error in
            guard case .malformedReply = error as? MethodSCRIPTError else { return false }
            return "\(error)".contains(reason) && "\(error)".contains("reading the potentiostatic hold")
        }
        await channel.link.port.close()
    }

    @Test("a device that never answers t is refused at connect within the command timeout")
    func silentDevice() async throws {
        let pty = try PseudoTerminal()
        defer { close(pty.master) }
        let wall = ContinuousClock.now
        await #expect {
            _ = try await MethodSCRIPTChannel.connect(path: pty.slavePath,
                                                      options: .init(commandTimeout: .milliseconds(300)))
        } throws: { error in
            guard case .disconnected(let why) = error as? ChannelError else { return false }
            return why.contains("aborting the running script")
        }
        #expect(ContinuousClock.now - wall < .seconds(3))
    }
}
