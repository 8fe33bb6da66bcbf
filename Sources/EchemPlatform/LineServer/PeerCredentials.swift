#if canImport(Glibc)
import Glibc
#endif

/// Who is on the other end of a UNIX socket connection, as the kernel saw it at `connect()`.
///
/// `pid`, `uid` and `gid` come from `SO_PEERCRED`: the kernel records them when the peer connects,
/// they cannot be forged, and they do not change if the peer later calls `setuid` or passes the
/// socket to another process. This is what lets the daemon decide "may this client submit runs?"
/// without passwords: membership in `echem-control`.
///
/// `groups` is the peer's group list from the group database (`getgrouplist` on the uid's passwd
/// entry), resolved once at accept time. Limits of that choice:
/// - It is the database's view, not the peer process's actual supplementary groups. After
///   `usermod -aG echem-control alice`, alice's already-running shells lack the group, but the
///   daemon already grants it; after removing her, the daemon denies at once although her old
///   shells still carry the group. For an authorization check that is the behaviour one wants.
///   (The socket file's own `0660` group check is done by the kernel on the process's real
///   groups, so to connect at all she still needs a fresh login, `newgrp`, or `sg`.)
/// - Groups granted only to the process (`newgrp`, `sg`, `SupplementaryGroups=` of another
///   service) are not seen. `processGroups` has those.
/// - A uid without a passwd entry (container-mapped, deleted) yields only its primary `gid`.
/// - The lookup goes through NSS; with LDAP/SSSD it can be slow and it runs on the server thread.
public struct PeerCredentials: Sendable, Equatable, CustomStringConvertible {
    public var pid: pid_t
    public var uid: uid_t
    /// The peer's effective gid at connect time.
    public var gid: gid_t
    /// Primary gid plus supplementary groups from the group database, sorted, unique.
    public var groups: [gid_t]
    /// The peer process's own supplementary groups at connect time (`SO_PEERGROUPS`, Linux ≥ 4.13),
    /// or nil if the kernel does not support it.
    public var processGroups: [gid_t]?

    public init(pid: pid_t, uid: uid_t, gid: gid_t, groups: [gid_t], processGroups: [gid_t]? = nil) {
        self.pid = pid
        self.uid = uid
        self.gid = gid
        self.groups = groups
        self.processGroups = processGroups
    }

    /// True if the peer is root or belongs to `gid` (as primary or database supplementary group).
    public func isRootOrMember(of gid: gid_t) -> Bool {
        uid == 0 || self.gid == gid || groups.contains(gid)
    }

    public var description: String {
        "pid=\(pid) uid=\(uid) gid=\(gid) groups=\(groups.map(String.init).joined(separator: ","))"
    }

    /// Reads `SO_PEERCRED` (and `SO_PEERGROUPS`) from a connected UNIX stream socket.
    public static func of(socket fd: Int32) throws(SystemError) -> PeerCredentials {
        // `struct ucred` needs _GNU_SOURCE, which Swift's Glibc module does not define; its layout
        // is fixed by the kernel ABI: pid_t, uid_t, gid_t.
        var cred = (pid: pid_t(0), uid: uid_t(0), gid: gid_t(0))
        var length = socklen_t(MemoryLayout.size(ofValue: cred))
        guard getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &length) == 0 else {
            throw .last("getsockopt(SO_PEERCRED)")
        }
        let groups = UserGroups.groups(ofUID: cred.uid) ?? [cred.gid]
        return PeerCredentials(pid: cred.pid, uid: cred.uid, gid: cred.gid,
                               groups: groups, processGroups: peerGroups(fd))
    }

    private static func peerGroups(_ fd: Int32) -> [gid_t]? {
        var list = [gid_t](repeating: 0, count: 64)
        while true {
            var length = socklen_t(list.count * MemoryLayout<gid_t>.size)
            if getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, &list, &length) == 0 {
                return Array(list.prefix(Int(length) / MemoryLayout<gid_t>.size)).sorted()
            }
            // ERANGE: `length` holds the needed size.
            guard errno == ERANGE, Int(length) > list.count * MemoryLayout<gid_t>.size else { return nil }
            list = [gid_t](repeating: 0, count: Int(length) / MemoryLayout<gid_t>.size)
        }
    }
}
