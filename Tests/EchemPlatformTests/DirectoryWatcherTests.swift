#if canImport(Glibc)
import Glibc
#endif
import Testing
import EchemPlatform

@Suite struct DirectoryWatcherTests {
    /// A watched `incoming/` next to a `staging/` on the same filesystem (for atomic renames).
    private struct Spool {
        let root = TempDir("spool")
        var incoming: String { root.file("incoming") }
        var staging: String { root.file("staging") }
        let seen = Recorder<String>()
        let watcher: DirectoryWatcher

        init() throws {
            mkdir(root.file("incoming"), 0o770)
            mkdir(root.file("staging"), 0o770)
            let seen = seen
            watcher = try DirectoryWatcher(directory: root.file("incoming")) { seen.append($0) }
            try watcher.start()
        }

        func finish() {
            watcher.stop()
            root.remove()
        }

        /// Writes a file like `cp` does: open, several writes, close.
        func write(_ path: String, _ text: String, chunks: Int = 1) -> Int32 {
            let fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0o640)
            let bytes = Array(text.utf8)
            let size = max(1, bytes.count / chunks)
            var offset = 0
            while offset < bytes.count {
                let n = min(size, bytes.count - offset)
                _ = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, n) }
                offset += n
            }
            return fd
        }
    }

    @Test("a file written like cp is reported once, only after close")
    func closeWrite() throws {
        let spool = try Spool()
        defer { spool.finish() }
        let fd = spool.write(spool.incoming + "/run-1.yaml", String(repeating: "step: rest\n", count: 10_000), chunks: 20)
        pause(.milliseconds(200))
        #expect(spool.seen.all.isEmpty, "a file still open for writing is not complete")
        close(fd)
        #expect(spool.seen.wait { !$0.isEmpty } == ["run-1.yaml"])
        pause(.milliseconds(200))
        #expect(spool.seen.all == ["run-1.yaml"], "reported exactly once")
    }

    @Test("a file renamed into the directory is reported")
    func movedIn() throws {
        let spool = try Spool()
        defer { spool.finish() }
        close(spool.write(spool.staging + "/run-2.yaml", "name: x\n"))
        pause(.milliseconds(100))
        #expect(spool.seen.all.isEmpty, "writes elsewhere are not reported")
        #expect(rename(spool.staging + "/run-2.yaml", spool.incoming + "/run-2.yaml") == 0)
        #expect(spool.seen.wait { !$0.isEmpty } == ["run-2.yaml"])
    }

    @Test("editor swap files, backups, partial downloads, dotfiles and directories are ignored")
    func ignoredNames() throws {
        let spool = try Spool()
        defer { spool.finish() }
        for name in [".run.yaml.swp", "run.yaml.swp", "run.yaml.swx", "run.yaml~", "run.yaml.part",
                     "run.yaml.crdownload", "run.yaml.tmp", "RUN.YAML.TMP", "#run.yaml#", ".hidden", ".#run.yaml"] {
            close(spool.write(spool.incoming + "/" + name, "x"))
        }
        mkdir(spool.incoming + "/subdir", 0o770)
        mkdir(spool.staging + "/movedDir", 0o770)
        rename(spool.staging + "/movedDir", spool.incoming + "/movedDir")
        symlink("/etc/hostname", spool.incoming + "/link.yaml")
        // Events arrive in order: once the sentinel is seen, anything reported before it would be too.
        close(spool.write(spool.incoming + "/sentinel.yaml", "x"))
        #expect(spool.seen.wait { $0.contains("sentinel.yaml") } == ["sentinel.yaml"])

        #expect(SpoolFileName.isIgnored("a.swp") && SpoolFileName.isIgnored("#a#") && SpoolFileName.isIgnored("a~"))
        #expect(!SpoolFileName.isIgnored("run.yaml") && !SpoolFileName.isIgnored("#hashtag") && !SpoolFileName.isIgnored("a.partial"))
    }

    @Test("scanExisting finds files dropped before the watcher existed, filtered the same way")
    func scanExisting() throws {
        let root = TempDir("scan")
        defer { root.remove() }
        for name in ["b.yaml", "a.yaml", ".a.yaml.swp", "c.yaml~", "d.part"] {
            close(open(root.file(name), O_CREAT | O_WRONLY, 0o640))
        }
        mkdir(root.file("dir.yaml"), 0o770)
        symlink("/etc/hostname", root.file("link.yaml"))
        let watcher = try DirectoryWatcher(directory: root.path) { _ in }
        #expect(try watcher.scanExisting() == ["a.yaml", "b.yaml"])
    }

    @Test("stop() ends delivery; a missing directory is an error at init")
    func stopAndErrors() throws {
        let spool = try Spool()
        spool.watcher.stop()
        close(spool.write(spool.incoming + "/late.yaml", "x"))
        pause(.milliseconds(150))
        #expect(spool.seen.all.isEmpty)
        spool.finish()  // second stop is a no-op
        #expect(throws: DirectoryWatcher.Error.self) {
            try DirectoryWatcher(directory: "/nonexistent/echem-\(getpid())") { _ in }
        }
    }
}
