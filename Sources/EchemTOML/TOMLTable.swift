/// A TOML table whose keys stay in the order they were written and each remember where.
///
/// Order matters for humans (diagnostics and dumps come out in file order) and the key's own
/// location matters for errors about the key itself, such as an unknown or misspelled key.
public struct TOMLTable: Sendable, Equatable {
    struct Entry: Sendable, Equatable {
        var node: TOMLNode
        var keyLocation: TOMLLocation
    }

    /// The keys in the order they first appeared in the file.
    public let keys: [String]
    /// The `[` of the table's header (of the first header that created it, for a table only
    /// implied by `[a.b.c]`), the first key of a table made by dotted keys, the `{` of an inline
    /// table, or 1:1 for the root table.
    public let location: TOMLLocation
    /// Written as `{ ... }`: complete as written, nothing can be added to it later in the file.
    public let isInline: Bool
    /// One element of an array of tables (`[[name]]`).
    public let isArrayElement: Bool
    private let storage: [String: Entry]

    init(keys: [String], storage: [String: Entry], location: TOMLLocation, isInline: Bool, isArrayElement: Bool) {
        self.keys = keys
        self.storage = storage
        self.location = location
        self.isInline = isInline
        self.isArrayElement = isArrayElement
    }

    /// An empty table, e.g. to read an absent optional section with the same code as a present one.
    public init(location: TOMLLocation = .start) {
        self.init(keys: [], storage: [:], location: location, isInline: false, isArrayElement: false)
    }

    public subscript(key: String) -> TOMLNode? { storage[key]?.node }

    /// Where `key` itself was written: the key of a `key = value` line, or the last key of the
    /// header that defined a sub-table.
    public func keyLocation(_ key: String) -> TOMLLocation? { storage[key]?.keyLocation }

    public var count: Int { keys.count }
    public var isEmpty: Bool { keys.isEmpty }

    /// Key and node pairs in file order.
    public var entries: [(key: String, node: TOMLNode)] {
        keys.map { ($0, storage[$0]!.node) }
    }
}
