import EchemCore
import Foundation
import Yams

/// Turns text into a YAML node tree, mapping every libyaml failure to a located diagnostic.
enum YAMLSource {
    /// Nodes visited before an aliased tree is declared too large (the "billion laughs" guard).
    static let maxNodes = 2_000_000

    static func compose(_ text: String, file: String) -> Result<Node?, Diagnostic> {
        if let d = InputGuard.check(text, file: file) { return .failure(d) }
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let e as YamlError {
            return .failure(diagnostic(e, text: text, file: file))
        } catch {
            return .failure(.error(SourceLocation(file: file, line: 1, column: 1), "cannot read YAML: \(error)"))
        }
        if let root {
            var budget = maxNodes
            if !withinBudget(root, &budget, depth: 0) {
                return .failure(.error(location(root, file: file),
                                       "the document expands to more than \(maxNodes) nodes through aliases",
                                       expected: "fewer aliases"))
            }
        }
        return .success(root)
    }

    static func withinBudget(_ node: Node, _ budget: inout Int, depth: Int) -> Bool {
        budget -= 1
        if budget < 0 || depth > 4 * InputGuard.maxDepth { return false }
        switch node {
        case .scalar: return true
        case .sequence(let s):
            for n in s where !withinBudget(n, &budget, depth: depth + 1) { return false }
            return true
        case .mapping(let m):
            for (k, v) in m {
                if !withinBudget(k, &budget, depth: depth + 1) || !withinBudget(v, &budget, depth: depth + 1) { return false }
            }
            return true
        }
    }

    static func diagnostic(_ e: YamlError, text: String, file: String) -> Diagnostic {
        func at(_ m: Mark) -> SourceLocation { SourceLocation(file: file, line: max(1, m.line), column: max(1, m.column)) }
        switch e {
        case .scanner(let context, let problem, let mark, _):
            return .error(at(mark), "YAML syntax: \(problem)\(context.map { " (\($0.text))" } ?? "")")
        case .parser(let context, let problem, let mark, _):
            return .error(at(mark), "YAML structure: \(problem)\(context.map { " (\($0.text))" } ?? "")")
        case .composer(let context, let problem, let mark, _):
            return .error(at(mark), "YAML: \(problem)\(context.map { " (\($0.text))" } ?? "")",
                          expected: "one YAML document")
        case .reader(let problem, let offset, _, _):
            let loc = offset.map { characterLocation($0, in: text, file: file) } ?? SourceLocation(file: file, line: 1, column: 1)
            return .error(loc, "unreadable text: \(problem)", expected: "UTF-8 text")
        default:
            return .error(SourceLocation(file: file, line: 1, column: 1), "cannot read YAML: \(e)")
        }
    }

    static func characterLocation(_ offset: Int, in text: String, file: String) -> SourceLocation {
        var line = 1, column = 1
        for (i, ch) in text.enumerated() {
            if i >= offset { break }
            if ch == "\n" { line += 1; column = 1 } else { column += 1 }
        }
        return SourceLocation(file: file, line: line, column: column)
    }

    static func location(_ node: Node, file: String) -> SourceLocation {
        guard let m = node.mark else { return SourceLocation(file: file, line: 1, column: 1) }
        return SourceLocation(file: file, line: m.line, column: m.column)
    }
}
