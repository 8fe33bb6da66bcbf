/// Identifies one accepted connection for the lifetime of a `UnixLineServer`.
///
/// A counter, not the file descriptor: fds are reused as soon as they are closed, so a late
/// `send` to a departed client's fd number could reach a newcomer. IDs are never reused.
public struct ClientID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }
    public static func < (a: ClientID, b: ClientID) -> Bool { a.rawValue < b.rawValue }
    public var description: String { "client#\(rawValue)" }
}

extension UnixLineServer {
    /// Outcome of `send`. Never "would block": sending only appends to a memory queue.
    public enum SendResult: Sendable, Equatable {
        /// Appended to the client's queue; the server thread writes it when the socket accepts it.
        case queued
        /// This line would have pushed the client's queue past `maxQueuedBytesPerClient`: the
        /// queue was replaced by the slow-client notice and the client is being closed.
        case droppedSlowClient
        /// No such client, or it is already closing (dropped, `close`d, disconnected, stopped).
        case notConnected
        /// The line contains `\n`, which would split it into two messages on the wire.
        case invalidLine
    }

    /// Why a client went away, passed to `onDisconnect`.
    public enum DisconnectReason: Sendable, Equatable {
        /// The peer closed its end (or reset the connection).
        case peerClosed
        /// Its queue overflowed `maxQueuedBytesPerClient`; it got the slow-client notice.
        case slowClient
        /// It sent more than `maxLineBytes` without a newline; it got the line-too-long notice.
        case lineTooLong
        /// `close(_:finalLine:)` was called.
        case closedByServer
        /// `stop()` was called.
        case serverStopped
        /// A socket call failed with this `errno`.
        case ioError(errno: Int32)
    }

    /// Why the server could not be created.
    public enum Error: Swift.Error, Equatable, Sendable, CustomStringConvertible {
        /// Another process is accepting connections on this path.
        case addressInUse(path: String)
        /// Something that is not a socket exists at the path; it is never deleted.
        case notASocket(path: String)
        /// The path does not fit in `sockaddr_un` (107 bytes) or is empty or `@abstract`.
        case invalidPath(String)
        /// `group:` names no group.
        case unknownGroup(String)
        /// The adopted descriptor is not a listening `AF_UNIX` `SOCK_STREAM` socket.
        case notAListeningUnixStreamSocket(fd: Int32)
        case system(SystemError)

        public var description: String {
            switch self {
            case .addressInUse(let path): "\(path): another server is listening there"
            case .notASocket(let path): "\(path): exists and is not a socket; refusing to replace it"
            case .invalidPath(let path): "\(path): not a usable UNIX socket path"
            case .unknownGroup(let name): "group \(name) does not exist"
            case .notAListeningUnixStreamSocket(let fd): "fd \(fd) is not a listening AF_UNIX stream socket"
            case .system(let error): error.description
            }
        }
    }
}

/// "4 MiB", "64 KiB", "1000 bytes": limits in notices read the way they were configured.
func formatByteCount(_ n: Int) -> String {
    if n >= 1 << 20 && n % (1 << 20) == 0 { return "\(n >> 20) MiB" }
    if n >= 1 << 10 && n % (1 << 10) == 0 { return "\(n >> 10) KiB" }
    return "\(n) bytes"
}
