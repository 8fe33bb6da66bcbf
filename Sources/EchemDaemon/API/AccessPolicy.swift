import EchemPlatform
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Who a socket peer is, from SO_PEERCRED (the kernel's word, not the client's).
public struct Peer: Sendable, Hashable {
    public var pid: Int32
    public var uid: UInt32
    public var gid: UInt32
    /// The peer user's groups (primary and supplementary, from the group database).
    public var groups: [UInt32]

    public init(pid: Int32, uid: UInt32, gid: UInt32, groups: [UInt32]) {
        self.pid = pid
        self.uid = uid
        self.gid = gid
        self.groups = groups
    }
}

/// Who may do what. Anyone who can open the socket (its mode and group decide that) may watch:
/// status, channels, queue, subscribe. Submitting and controlling runs needs root, the daemon's
/// own user, or membership of the control group.
public struct AccessPolicy: Sendable {
    public let controlGroupName: String?
    public let controlGID: UInt32?
    public let daemonUID: UInt32

    public init(controlGroup: String?, daemonUID: UInt32 = getuid()) {
        self.controlGroupName = controlGroup
        self.daemonUID = daemonUID
        self.controlGID = controlGroup.flatMap(UserGroups.gid(ofGroupNamed:))
    }

    public func mayControl(_ peer: Peer) -> Bool {
        if peer.uid == 0 || peer.uid == daemonUID { return true }
        guard let gid = controlGID else { return false }
        return peer.gid == gid || peer.groups.contains(gid)
    }

    /// Why control was refused, in words a lab user can act on.
    public func refusal(_ peer: Peer) -> String {
        if let name = controlGroupName {
            return "uid \(peer.uid) may watch but not control: controlling needs membership of group '\(name)'"
                + (controlGID == nil ? " (which does not exist on this machine)" : "")
                + " (ask an administrator: usermod -aG \(name) USER, then log in again)"
        }
        return "uid \(peer.uid) may watch but not control: no control group is configured, so only root and the daemon's own user (uid \(daemonUID)) may control"
    }
}
