import EchemPlatform

/// The socket server as the hub's sink (client ids are the server's raw ids).
final class ServerSink: LiveSink {
    let server: UnixLineServer

    init(_ server: UnixLineServer) { self.server = server }

    @discardableResult
    func send(_ client: UInt64, _ line: String) -> Bool {
        server.send(ClientID(rawValue: client), line) == .queued
    }

    func queuedBytes(_ client: UInt64) -> Int? { server.queuedBytes(of: ClientID(rawValue: client)) }
}
