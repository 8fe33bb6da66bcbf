/// "Did you mean …?" for misspelled keys and choice values.
enum TOMLSpelling {
    /// Optimal string alignment distance (insertions, deletions, substitutions and swaps of
    /// neighbours each cost 1), ignoring case: `max_volt` → `max_volts` is 1, `drvier` → `driver` 1.
    static func distance(_ a: String, _ b: String) -> Int {
        let s = Array(a.lowercased().unicodeScalars), t = Array(b.lowercased().unicodeScalars)
        if s.isEmpty { return t.count }
        if t.isEmpty { return s.count }
        var before = [Int](repeating: 0, count: t.count + 1)
        var previous = Array(0...t.count)
        var current = [Int](repeating: 0, count: t.count + 1)
        for i in 1...s.count {
            current[0] = i
            for j in 1...t.count {
                let cost = s[i - 1] == t[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, s[i - 1] == t[j - 2], s[i - 2] == t[j - 1] {
                    current[j] = min(current[j], before[j - 2] + 1)
                }
            }
            (before, previous, current) = (previous, current, before)
        }
        return previous[t.count]
    }

    /// The closest candidate, if close enough to be a plausible typo: one edit for words of up to
    /// three letters, otherwise up to a third of the word's length (at least two).
    static func suggestion(for word: String, among candidates: [String]) -> String? {
        let length = word.unicodeScalars.count
        let limit = length <= 3 ? 1 : max(2, length / 3)
        var best: (String, Int)?
        for c in candidates where c != word {
            let d = distance(word, c)
            if d <= limit && (best == nil || d < best!.1) { best = (c, d) }
        }
        return best?.0
    }
}
