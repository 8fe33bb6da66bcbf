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
    }

    private let sessions = Mutex<[UInt64: Session]>([:])
    let api: SocketAPI
    let hub: LiveHub

    init(api: SocketAPI, hub: LiveHub) {
        self.api = api
        self.hub = hub
    }

    func connected(_ client: ClientID, _ cred: PeerCredentials) {
        let peer = Peer(pid: cred.pid, uid: cred.uid, gid: cred.gid, groups: cred.groups)
        let (stream, continuation) = AsyncStream<String>.makeStream(bufferingPolicy: .bufferingNewest(256))
        sessions.withLock { $0[client.rawValue] = Session(peer: peer, input: continuation) }
        let api = self.api
        Task {
            for await line in stream { await api.handle(line: line, client: client.rawValue, peer: peer) }
        }
    }

    func line(_ client: ClientID, _ line: String) {
        let session = sessions.withLock { $0[client.rawValue] }
        session?.input.yield(line)
    }

    func disconnected(_ client: ClientID) {
        let session = sessions.withLock { $0.removeValue(forKey: client.rawValue) }
        session?.input.finish()
        hub.clientGone(client.rawValue)
    }
}
