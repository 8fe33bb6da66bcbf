import EchemDrivers
import Foundation
import Testing

/// The small XML reader every BTS document and step file goes through.
@Suite("BTS XML reader")
struct XMLReaderTests {
    @Test("captured shapes: CRLF, count = \"1\" with spaces, entities, CDATA, comments, the XML declaration")
    func capturedShapes() throws {
        let text = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<!-- c --><bts version=\"1.0\">\r\n  <cmd>start</cmd>\r\n"
            + "  <list count = \"1\"><start barcode='A&amp;B &lt;1&gt; &#x4E2D;&#25991;'>C:\\a b\\s.xml</start></list>\"\r\n"
            + "  <note><![CDATA[a < b & c]]></note>\r\n</bts>"
        let root = try BTSXMLParser.parse(text)
        #expect(root.name == "bts" && root["version"] == "1.0")
        #expect(root.child("list")?["count"] == "1")
        let start = try #require(root.child("list")?.child("start"))
        #expect(start["barcode"] == "A&B <1> 中文" && start.text == "C:\\a b\\s.xml")
        #expect(root.child("note")?.text == "a < b & c")
        #expect(root.text == "\"", "aurora's stray quote after </list> is character data, not an error")
    }

    @Test("mistakes are errors with an offset and a reason: a mismatched close, an unquoted value, an unclosed element")
    func mistakes() {
        #expect(throws: BTSXMLError(offset: 23, reason: "</bts> closes <list>")) { try BTSXMLParser.parse("<bts><cmd>a</cmd><list></bts>") }
        #expect(throws: BTSXMLError.self) { try BTSXMLParser.parse("<bts a=1></bts>") }
        #expect(throws: BTSXMLError.self) { try BTSXMLParser.parse("<bts><cmd>a</cmd>") }
        #expect(throws: BTSXMLError.self) { try BTSXMLParser.parse("no markup at all") }
        let deep = String(repeating: "<a>", count: 200) + String(repeating: "</a>", count: 200)
        #expect(throws: BTSXMLError.self) { try BTSXMLParser.parse(deep) }
    }

    @Test("10 000 random mutations of a captured reply: each parses or throws, none traps")
    func mutationsNeverTrap() {
        let seed = Array(BTSFraming.reply(lines: ["<cmd>inquire_resp</cmd>", "<list count=\"1\">",
                                                  "  <inquire dev=\"27-21-1-2-0\" cycle_id=\"44\" step_id=\"4\" step_type=\"dc\" workstatus=\"working\" current=\"-0.0003\" />",
                                                  "</list>"]))
        var state: UInt64 = 0x5EED
        func next() -> UInt64 { state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407; return state >> 33 }
        var parsed = 0, refused = 0
        for _ in 0..<10_000 {
            var doc = seed
            for _ in 0..<(1 + Int(next() % 6)) {
                let k = Int(next() % UInt64(doc.count))
                switch next() % 3 {
                case 0: doc[k] = UInt8(truncatingIfNeeded: next())
                case 1: doc.remove(at: k)
                default:
                    let specials = Array("<>\"'&=/ ;#".utf8)
                    doc.insert(specials[Int(next() % UInt64(specials.count))], at: k)
                }
            }
            if (try? BTSXMLParser.parse(doc)) != nil { parsed += 1 } else { refused += 1 }
        }
        #expect(parsed + refused == 10_000 && parsed > 0 && refused > 0)
    }
}
