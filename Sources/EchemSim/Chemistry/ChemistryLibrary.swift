import Foundation

/// The parameter sets shipped in `Resources/chemistries.json`, loaded once and looked up by name.
public enum ChemistryLibrary {
    /// File layout: `{ "about": "...", "sets": [ { "name": "zns_anode", ... }, ... ] }`.
    struct File: Decodable {
        var sets: [ChemistryParameters]
    }

    /// Every shipped set, validated, keyed by name.
    public static func all() throws -> [String: ChemistryParameters] {
        try loaded.get()
    }

    public static var names: [String] { ((try? all()) ?? [:]).keys.sorted() }

    public static func named(_ name: String) throws -> ChemistryParameters {
        let sets = try all()
        guard let set = sets[name] else { throw ChemistryError.unknown(name, known: sets.keys.sorted()) }
        return set
    }

    /// Decode a chemistries file (the shipped one, or a user's own with the same layout).
    public static func decode(_ data: Data) throws -> [String: ChemistryParameters] {
        let file: File
        do {
            file = try JSONDecoder().decode(File.self, from: data)
        } catch {
            throw ChemistryError.unreadable(String(describing: error))
        }
        var byName: [String: ChemistryParameters] = [:]
        for set in file.sets {
            try set.validate()
            guard byName[set.name] == nil else { throw ChemistryError.invalid(set.name, "defined twice") }
            byName[set.name] = set
        }
        return byName
    }

    // Loaded lazily and once; a global `let` initialiser is thread-safe in Swift.
    private static let loaded: Result<[String: ChemistryParameters], Error> = Result {
        guard let url = Bundle.module.url(forResource: "chemistries", withExtension: "json") else {
            throw ChemistryError.unreadable("resource missing from the EchemSim bundle")
        }
        return try decode(Data(contentsOf: url))
    }
}
