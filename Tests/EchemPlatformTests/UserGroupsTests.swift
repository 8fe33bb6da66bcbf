#if canImport(Glibc)
import Glibc
#endif
import Testing
import EchemPlatform

@Suite struct UserGroupsTests {
    @Test("group names and gids resolve both ways through the group database")
    func groupLookup() {
        #expect(UserGroups.gid(ofGroupNamed: "root") == 0)
        #expect(UserGroups.groupName(of: 0) == "root")
        #expect(UserGroups.gid(ofGroupNamed: "no-such-group-echem-\(getpid())") == nil)
        let mine = getegid()
        if let name = UserGroups.groupName(of: mine) {
            #expect(UserGroups.gid(ofGroupNamed: name) == mine)
        }
    }

    @Test("a uid's groups include its primary group; unknown uids give nil")
    func uidGroups() throws {
        let uid = getuid()
        let user = try #require(UserGroups.user(of: uid))
        let groups = try #require(UserGroups.groups(ofUID: uid))
        #expect(groups.contains(user.primaryGID))
        #expect(groups == groups.sorted())
        #expect(UserGroups.groups(ofUID: 0)?.contains(0) == true)
        #expect(UserGroups.groups(ofUID: 3_999_999_999) == nil)
    }

    @Test("currentUserIsRoot follows the effective uid")
    func root() {
        #expect(UserGroups.currentUserIsRoot == (geteuid() == 0))
    }
}
