import Foundation
import Testing
@testable import EchemTOML

/// Python's tomllib, an independent implementation, must agree with this parser: the same values
/// for every valid document, and a rejection for every invalid one. Fails (does not skip) when
/// python3 or tomllib is missing, since CI has Python 3.11.
@Suite("tomllib oracle")
struct TomllibOracleTests {
    @Test func validDocumentsGiveTheSameValuesAsTomllib() throws {
        let docs = ValidCorpus.documents
        #expect(docs.count >= 30)
        let outcomes = try Tomllib.run(docs.map { Array($0.text.utf8) })
        for (doc, outcome) in zip(docs, outcomes) {
            let ours = try TOMLParser.parse(doc.text, filename: doc.name)
            switch outcome {
            case .rejected(let why):
                Issue.record("tomllib rejects valid document '\(doc.name)': \(why)")
            case .parsed(let theirs):
                let d = Tomllib.difference(Tomllib.tagged(ours), theirs)
                #expect(d == nil, "'\(doc.name)' differs from tomllib at \(d ?? "")")
            }
        }
    }

    /// The harness itself: values that differ in the last bit, by an offset, or by type are
    /// told apart, so agreement above means something.
    @Test func theComparisonSeesSmallDifferences() throws {
        let pairs = [("a = 1.0", "a = 1.0000000000000002"), ("a = 1979-05-27T07:32:00Z", "a = 1979-05-27T07:32:00+01:00"),
                     ("a = 1", "a = 1.0"), ("a = [1, 2]", "a = [1, 2, 3]"), ("a.b = 1", "a.c = 1"), ("a = 0.0", "a = -0.0")]
        let outcomes = try Tomllib.run(pairs.map { Array($0.1.utf8) })
        for (pair, outcome) in zip(pairs, outcomes) {
            guard case .parsed(let theirs) = outcome else { Issue.record("tomllib rejects \(pair.1)"); continue }
            let ours = try TOMLParser.parse(pair.0, filename: "t.toml")
            #expect(Tomllib.difference(Tomllib.tagged(ours), theirs) != nil, "\(pair.0) vs \(pair.1)")
        }
    }

    @Test func tomllibRejectsEveryDocumentWeReject() throws {
        let docs = InvalidCorpus.documents
        let outcomes = try Tomllib.run(docs.map { Array($0.text.utf8) })
        for (doc, outcome) in zip(docs, outcomes) {
            #expect(syntaxError(doc.text) != nil, "we accept '\(doc.name)'")
            if case .parsed = outcome { Issue.record("tomllib accepts '\(doc.name)', which we reject") }
        }
    }

    @Test func invalidUTF8IsRejectedByBoth() throws {
        let doc: [UInt8] = Array("a = \"".utf8) + [0xC3, 0x28] + Array("\"\n".utf8)
        #expect(syntaxError(bytes: doc) != nil)
        let outcome = try #require(try Tomllib.run([doc]).first)
        if case .parsed = outcome { Issue.record("tomllib accepts invalid UTF-8") }
    }

    /// Where we deliberately differ from tomllib, pinned so a change on either side is noticed.
    /// Each follows the TOML 1.0 spec (or, for the BOM, common practice) where Python's own types
    /// or choices differ.
    @Test func knownIntendedDifferences() throws {
        let cases: [(name: String, doc: [UInt8], weAccept: Bool)] = [
            // spec: integers that do not fit in 64 bits must be an error; Python ints are unbounded
            ("integer above Int64.max", Array("n = 9223372036854775808\n".utf8), false),
            // spec (via RFC 3339): second 60 is a leap second; Python's datetime cannot hold it
            ("leap second", Array("t = 1990-12-31T23:59:60Z\n".utf8), true),
            // RFC 3339 allows year 0000; Python's datetime starts at year 1
            ("year zero", Array("d = 0000-01-01\n".utf8), true),
            // a UTF-8 byte order mark at the very start is skipped (as toml-test expects)
            ("byte order mark", [0xEF, 0xBB, 0xBF] + Array("a = 1\n".utf8), true),
            // our nesting cap
            ("200 nested arrays", Array(("a = " + String(repeating: "[", count: 200) + String(repeating: "]", count: 200)).utf8), false),
        ]
        let outcomes = try Tomllib.run(cases.map(\.doc))
        for (c, outcome) in zip(cases, outcomes) {
            let weAccept = syntaxError(bytes: c.doc) == nil
            #expect(weAccept == c.weAccept, "\(c.name)")
            let theyAccept = if case .parsed = outcome { true } else { false }
            #expect(theyAccept == !c.weAccept, "\(c.name): tomllib no longer differs")
        }
    }
}
