import EchemPlatform
import Foundation
import Synchronization

/// One ordered request stream per connected client: a client's requests are handled one after
/// another (pause then resume never swap), while different clients never wait for each other.
/// The server thread only enqueues, so a slow request (a submit's compile) never stalls it.
final class ClientSessions: Sendable {
    struct Session {
        let peer: Peer
        let input: AsyncStream<String>.Continuation
        /// Requests received and not yet answered.
        var inFlight = 0
    }

    /// A client with this many unanswered requests is not reading its replies (or is hostile):
    /// it is closed with a reason rather than letting its queue grow without bound.
    static let maxInFlight = 1024

    private let sessions = Mutex<[UInt64: Session]>([:])
    let api: SocketAPI
    let hub: LiveHub

    init(api: SocketAPI, hub: LiveHub) {
        self.api = api
        self.hub = hub
    }

    func connected(_ client: ClientID, _ cred: PeerCredentials) {
        let peer = Peer(pid: cred.pid, uid: cred.uid, gid: cred.gid, groups: cred.groups)
        // Unbounded here, bounded by `maxInFlight`: a request is never dropped silently.
        let (stream, continuation) = AsyncStream<String>.makeStream(bufferingPolicy: .unbounded)
        sessions.withLock { $0[client.rawValue] = Session(peer: peer, input: continuation) }
        let api = self.api
        Task { [self] in
            for await line in stream {
                await api.handle(line: line, client: client.rawValue, peer: peer)
                self.sessions.withLock { $0[client.rawValue]?.inFlight -= 1 }
            }
        }
    }

    /// Returns false when the client has too many unanswered requests (the caller closes it).
    func line(_ client: ClientID, _ line: String) -> Bool {
        let session = sessions.withLock { s -> Session? in
            guard var session = s[client.rawValue], session.inFlight < ClientSessions.maxInFlight else { return nil }
            session.inFlight += 1
            s[client.rawValue] = session
            return session
        }
        guard let session else { return false }
        session.input.yield(line)
        return true
    }

    func disconnected(_ client: ClientID) {
        let session = sessions.withLock { $0.removeValue(forKey: client.rawValue) }
        session?.input.finish()
        hub.clientGone(client.rawValue)
    }
}
