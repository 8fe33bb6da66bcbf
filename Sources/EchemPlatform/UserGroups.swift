#if canImport(Glibc)
import Glibc
#endif

/// User and group lookups through NSS (`/etc/passwd`, `/etc/group`, or whatever
/// `/etc/nsswitch.conf` names).
///
/// The reentrant `_r` variants are used because the line server calls these on its own thread
/// while other threads may be doing lookups too; the plain `getgrnam` returns a shared static
/// buffer.
///
/// Lookups can block: with LDAP/SSSD in `nsswitch.conf` a lookup may wait on the network.
/// On a lab PC with local files it is a few microseconds.
public enum UserGroups {
    /// True when the effective uid is 0 (then `chown` to any group works and tests may use groups
    /// the process is not in).
    public static var currentUserIsRoot: Bool { geteuid() == 0 }

    /// The gid of a group name, or nil if no such group exists.
    public static func gid(ofGroupNamed name: String) -> gid_t? {
        withGrowingBuffer { buffer -> (Int32, gid_t?) in
            var group = group()
            var result: UnsafeMutablePointer<group>?
            let rc = getgrnam_r(name, &group, buffer.baseAddress!, buffer.count, &result)
            return (rc, result == nil ? nil : group.gr_gid)
        } ?? nil
    }

    /// The name of a gid, or nil if it has none.
    public static func groupName(of gid: gid_t) -> String? {
        withGrowingBuffer { buffer -> (Int32, String?) in
            var group = group()
            var result: UnsafeMutablePointer<group>?
            let rc = getgrgid_r(gid, &group, buffer.baseAddress!, buffer.count, &result)
            return (rc, result == nil ? nil : String(cString: group.gr_name))
        } ?? nil
    }

    /// The login name and primary gid of a uid, or nil if the uid has no passwd entry.
    public static func user(of uid: uid_t) -> (name: String, primaryGID: gid_t)? {
        withGrowingBuffer { buffer -> (Int32, (name: String, primaryGID: gid_t)?) in
            var passwd = passwd()
            var result: UnsafeMutablePointer<passwd>?
            let rc = getpwuid_r(uid, &passwd, buffer.baseAddress!, buffer.count, &result)
            return (rc, result == nil ? nil : (String(cString: passwd.pw_name), passwd.pw_gid))
        } ?? nil
    }

    /// All groups of a uid according to the group database: its passwd entry's primary gid plus
    /// every group listing the user name (`getgrouplist(3)`), sorted and unique.
    ///
    /// Returns nil when the uid has no passwd entry (e.g. a container-mapped or deleted uid).
    /// This is the database's view, not necessarily a given process's: see `PeerCredentials`.
    public static func groups(ofUID uid: uid_t) -> [gid_t]? {
        guard let user = user(of: uid) else { return nil }
        return groups(ofUserNamed: user.name, primaryGID: user.primaryGID)
    }

    /// `getgrouplist` for a user name, growing the array until it fits.
    public static func groups(ofUserNamed name: String, primaryGID: gid_t) -> [gid_t] {
        var capacity: Int32 = 32
        while true {
            var list = [gid_t](repeating: 0, count: Int(capacity))
            var count = capacity
            let rc = getgrouplist(name, primaryGID, &list, &count)
            if rc >= 0 {
                return Array(Set(list.prefix(Int(count)))).sorted()
            }
            // -1: too small; `count` now holds the needed size (glibc), or is unchanged (others).
            capacity = max(count, capacity * 2)
            if capacity > 65_536 { return [primaryGID] }
        }
    }

    /// Runs a `*_r` lookup, doubling the scratch buffer on `ERANGE`. Returns nil on other errors.
    private static func withGrowingBuffer<T>(_ body: (UnsafeMutableBufferPointer<CChar>) -> (Int32, T)) -> T? {
        var size = max(1024, sysconf(Int32(_SC_GETGR_R_SIZE_MAX)))
        while size <= 1 << 24 {
            let buffer = UnsafeMutableBufferPointer<CChar>.allocate(capacity: size)
            defer { buffer.deallocate() }
            let (rc, value) = body(buffer)
            if rc == ERANGE { size *= 2; continue }
            return rc == 0 ? value : nil
        }
        return nil
    }
}
