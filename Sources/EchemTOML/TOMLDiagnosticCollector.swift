import Synchronization

/// The one place every reader of a load writes its diagnostics to.
///
/// A reader for a nested table or an array element shares its parent's collector, so errors found
/// anywhere in the tree come out together from `diagnostics` of any of them, in the order they
/// were found, with nothing to merge by hand. Several files (a config and the device profiles it
/// names) can share one collector too. Thread-safe, so readers may be used from any task.
public final class TOMLDiagnosticCollector: Sendable {
    private struct State {
        var list: [TOMLDiagnostic] = []
        var seen: Set<TOMLDiagnostic> = []
    }

    private let state = Mutex(State())

    public init() {}

    /// Adds a diagnostic; an identical one reported again (the same key read twice) is dropped.
    public func report(_ diagnostic: TOMLDiagnostic) {
        state.withLock {
            if $0.seen.insert(diagnostic).inserted { $0.list.append(diagnostic) }
        }
    }

    /// Everything reported so far, in order.
    public var diagnostics: [TOMLDiagnostic] { state.withLock { $0.list } }

    public var errors: [TOMLDiagnostic] { diagnostics.filter { $0.severity == .error } }

    public var hasErrors: Bool { state.withLock { $0.list.contains { $0.severity == .error } } }
}
