/// The mutable table tree the parser fills in, and TOML's rules about what may be added where.
///
/// TOML lets a table be created in several ways (a `[header]`, an `[[array]]` element, dotted
/// keys, an inline `{}`), and forbids defining one twice, extending an inline table, adding to a
/// static array, or reaching into a header-defined table with dotted keys. Each table records how
/// it was created (`Origin`), which is all those rules need. The tree uses classes because the
/// parser keeps a handle on the table of the current section while later headers add siblings.
final class TOMLTableBuilder {
    final class Table {
        enum Origin: Equatable {
            case root
            /// Only implied by a longer header (`a` in `[a.b]`); a later `[a]` may still define it.
            case implicit
            case header
            /// Created by a dotted key (`a.b = 1`) in the given section; only that section may add
            /// to it with more dotted keys, and no header may define it again.
            case dotted(section: Int)
            case arrayElement
            /// The body of an inline table while it is being read.
            case inlineBody
        }

        var origin: Origin
        var location: TOMLLocation
        /// Containers between the root and this table (the root is 0), to bound nesting.
        let depth: Int
        /// Absolute key path, for messages.
        let path: [String]
        var keys: [String] = []
        var entries: [String: Entry] = [:]

        init(origin: Origin, location: TOMLLocation, depth: Int, path: [String]) {
            self.origin = origin
            self.location = location
            self.depth = depth
            self.path = path
        }

        func add(_ key: String, _ value: Value, keyLocation: TOMLLocation) {
            keys.append(key)
            entries[key] = Entry(value: value, keyLocation: keyLocation)
        }
    }

    final class TableArray {
        var elements: [Table]
        let location: TOMLLocation
        init(first: Table, location: TOMLLocation) {
            elements = [first]
            self.location = location
        }
    }

    enum Value {
        /// A finished value: scalars, static arrays and inline tables, none of which can change.
        case leaf(TOMLNode)
        case table(Table)
        case tableArray(TableArray)
    }

    struct Entry {
        var value: Value
        var keyLocation: TOMLLocation
    }

    let filename: String
    let maxDepth: Int
    let root: Table

    init(filename: String, maxDepth: Int) {
        self.filename = filename
        self.maxDepth = maxDepth
        root = Table(origin: .root, location: .start, depth: 0, path: [])
    }

    // MARK: headers

    /// `[a.b.c]`: defines `c`, creating `a` and `b` on the way if needed.
    func defineTable(_ path: [TOMLKeyPart], header: TOMLLocation) throws(TOMLSyntaxError) -> Table {
        let parent = try parentForHeader(path, header: header)
        let last = path[path.count - 1]
        let name = "[\(TOMLKeyPath.render(path.map(\.name)))]"
        if let existing = parent.entries[last.name] {
            switch existing.value {
            case .table(let t):
                switch t.origin {
                case .implicit:
                    t.origin = .header
                    t.location = header
                    return t
                case .dotted:
                    throw fail("table \(name) was already created by the dotted keys at \(existing.keyLocation); a table cannot be defined twice", at: header)
                case .header, .arrayElement, .root, .inlineBody:
                    throw fail("table \(name) is defined twice; it was first defined at \(t.location)", at: header)
                }
            case .tableArray(let a):
                throw fail("\(name) is already an array of tables (first [[…]] at \(a.location)); add elements with [\(name)]", at: header)
            case .leaf(let node):
                throw fail("\(TOMLKeyPath.render(path.map(\.name))) was already given \(node.value.typeDescription) at \(existing.keyLocation), so \(name) cannot define it", at: header)
            }
        }
        let t = try makeTable(.header, location: header, under: parent, name: last, extraDepth: 1)
        parent.add(last.name, .table(t), keyLocation: last.location)
        return t
    }

    /// `[[a.b.c]]`: appends a new table to the array of tables `c`, creating the array if needed.
    func appendArrayElement(_ path: [TOMLKeyPart], header: TOMLLocation) throws(TOMLSyntaxError) -> Table {
        let parent = try parentForHeader(path, header: header)
        let last = path[path.count - 1]
        let rendered = TOMLKeyPath.render(path.map(\.name))
        if let existing = parent.entries[last.name] {
            switch existing.value {
            case .tableArray(let a):
                let t = try makeTable(.arrayElement, location: header, under: parent, name: last, extraDepth: 2)
                a.elements.append(t)
                return t
            case .table(let t):
                throw fail("[[\(rendered)]] cannot add to \(rendered): it is a table (defined at \(t.location)), not an array of tables", at: header)
            case .leaf(let node):
                if case .array = node.value {
                    throw fail("[[\(rendered)]] cannot append to the static array \(rendered) written at \(existing.keyLocation); an array written with [ ] is complete", at: header)
                }
                throw fail("\(rendered) was already given \(node.value.typeDescription) at \(existing.keyLocation), so [[\(rendered)]] cannot define it", at: header)
            }
        }
        let t = try makeTable(.arrayElement, location: header, under: parent, name: last, extraDepth: 2)
        parent.add(last.name, .tableArray(TableArray(first: t, location: header)), keyLocation: last.location)
        return t
    }

    /// Walks all but the last key of a header, entering (or implicitly creating) tables and the
    /// last element of arrays of tables.
    private func parentForHeader(_ path: [TOMLKeyPart], header: TOMLLocation) throws(TOMLSyntaxError) -> Table {
        var table = root
        for part in path.dropLast() {
            guard let existing = table.entries[part.name] else {
                let t = try makeTable(.implicit, location: header, under: table, name: part, extraDepth: 1)
                table.add(part.name, .table(t), keyLocation: part.location)
                table = t
                continue
            }
            switch existing.value {
            case .table(let t):
                table = t
            case .tableArray(let a):
                table = a.elements[a.elements.count - 1]
            case .leaf(let node):
                let rendered = TOMLKeyPath.render(table.path + [part.name])
                throw fail(cannotExtend(rendered, node, at: existing.keyLocation), at: part.location)
            }
        }
        return table
    }

    // MARK: key = value

    /// `a.b.c = value` inside the current section's table (or an inline table's body).
    func insert(_ key: [TOMLKeyPart], _ node: TOMLNode, into section: Table, sectionID: Int) throws(TOMLSyntaxError) {
        var table = section
        for part in key.dropLast() {
            let rendered = TOMLKeyPath.render(table.path + [part.name])
            guard let existing = table.entries[part.name] else {
                let t = try makeTable(.dotted(section: sectionID), location: part.location, under: table, name: part, extraDepth: 1)
                table.add(part.name, .table(t), keyLocation: part.location)
                table = t
                continue
            }
            switch existing.value {
            case .table(let t):
                switch t.origin {
                case .implicit:
                    t.origin = .dotted(section: sectionID)
                    table = t
                case .dotted(let s) where s == sectionID:
                    table = t
                case .dotted:
                    throw fail("table \(rendered) was created by dotted keys under another header (at \(existing.keyLocation)) and cannot be extended here", at: part.location)
                case .header, .arrayElement, .root, .inlineBody:
                    throw fail("dotted keys cannot add to table [\(rendered)], which has its own header at \(t.location); put the key under that header", at: part.location)
                }
            case .tableArray(let a):
                throw fail("dotted keys cannot add to \(rendered): it is an array of tables (first [[…]] at \(a.location))", at: part.location)
            case .leaf(let n):
                throw fail(cannotExtend(rendered, n, at: existing.keyLocation), at: part.location)
            }
        }
        let last = key[key.count - 1]
        if let existing = table.entries[last.name] {
            let rendered = TOMLKeyPath.render(table.path + [last.name])
            throw fail("duplicate key \(rendered): it was already defined at \(existing.keyLocation)", at: last.location)
        }
        table.add(last.name, .leaf(node), keyLocation: last.location)
    }

    // MARK: helpers

    private func makeTable(_ origin: Table.Origin, location: TOMLLocation, under parent: Table, name: TOMLKeyPart,
                           extraDepth: Int) throws(TOMLSyntaxError) -> Table {
        let depth = parent.depth + extraDepth
        guard depth <= maxDepth else {
            throw fail("tables are nested more than \(maxDepth) levels deep", at: name.location)
        }
        return Table(origin: origin, location: location, depth: depth, path: parent.path + [name.name])
    }

    private func cannotExtend(_ rendered: String, _ node: TOMLNode, at keyLocation: TOMLLocation) -> String {
        switch node.value {
        case .table:
            "cannot add to the inline table \(rendered) written at \(keyLocation); an inline table is complete as written"
        case .array:
            "cannot add a table under \(rendered): it is a static array (written at \(keyLocation)), not an array of tables"
        default:
            "\(rendered) was already given \(node.value.typeDescription) at \(keyLocation), so it cannot contain keys"
        }
    }

    private func fail(_ message: String, at location: TOMLLocation) -> TOMLSyntaxError {
        TOMLSyntaxError(filename: filename, location: location, message: message)
    }

    // MARK: result

    /// The finished, immutable tree. Recursion depth is bounded by `maxDepth`.
    func freeze(_ t: Table, isInline: Bool = false, isArrayElement: Bool = false) -> TOMLTable {
        var storage: [String: TOMLTable.Entry] = [:]
        storage.reserveCapacity(t.keys.count)
        for key in t.keys {
            let e = t.entries[key]!
            let node: TOMLNode
            switch e.value {
            case .leaf(let n):
                node = n
            case .table(let child):
                node = TOMLNode(value: .table(freeze(child)), location: child.location)
            case .tableArray(let a):
                let elements = a.elements.map {
                    TOMLNode(value: .table(freeze($0, isArrayElement: true)), location: $0.location)
                }
                node = TOMLNode(value: .array(elements), location: a.location)
            }
            storage[key] = TOMLTable.Entry(node: node, keyLocation: e.keyLocation)
        }
        return TOMLTable(keys: t.keys, storage: storage, location: t.location, isInline: isInline, isArrayElement: isArrayElement)
    }
}
