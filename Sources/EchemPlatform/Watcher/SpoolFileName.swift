/// Decides which file names in a drop folder are finished files and which are someone's
/// work in progress.
///
/// Editors and copy tools write next to the target before the real file appears: vim's
/// `.name.swp`/`.swx` and backup `name~`, emacs' `#name#` autosave and `.#name` lock, browsers'
/// `.part`/`.crdownload`, and the `*.tmp` of many tools. Hidden files (leading `.`) cover rsync's
/// `.name.XXXXXX` temporaries and GNOME's `.goutputstream-*`. Picking one of these up would run a
/// half-written protocol, so they are never reported.
public enum SpoolFileName {
    /// Suffixes compared case-insensitively (Windows tools write `.TMP`).
    public static let ignoredSuffixes = [".swp", ".swx", ".tmp", ".part", ".crdownload"]

    /// True if `name` must not be treated as a finished file.
    public static func isIgnored(_ name: String) -> Bool {
        if name.isEmpty || name.hasPrefix(".") || name.hasSuffix("~") { return true }
        if name.count >= 2 && name.hasPrefix("#") && name.hasSuffix("#") { return true }
        let lower = name.lowercased()
        return ignoredSuffixes.contains { lower.hasSuffix($0) }
    }
}
