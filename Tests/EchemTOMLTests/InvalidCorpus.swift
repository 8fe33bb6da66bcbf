/// Invalid documents, each with the line its error must be reported on and a fragment of the
/// message. Shared by the syntax-error tests and the tomllib oracle (which must reject them too).
struct InvalidDocument: Sendable, CustomTestStringConvertible {
    var name: String
    var text: String
    var line: Int
    var fragment: String

    var testDescription: String { name }
}

import Testing

enum InvalidCorpus {
    static let documents: [InvalidDocument] = [
        // values
        .init(name: "missing value", text: "a = 1\nb =\n", line: 2, fragment: "expected a value"),
        .init(name: "missing value at end of file", text: "a = 1\nb = ", line: 2, fragment: "end of the file"),
        .init(name: "key without equals", text: "# config\n\nkey\n", line: 3, fragment: "expected '='"),
        .init(name: "unquoted string", text: "[ch]\ndriver = modbus\n", line: 2, fragment: "strings must be quoted"),
        .init(name: "misspelled boolean", text: "\n\nflag = tru\n", line: 3, fragment: "bare word 'tru'"),
        .init(name: "two statements on one line", text: "a = 1 b = 2\n", line: 1, fragment: "end of the line"),
        .init(name: "equals without key", text: "a = 1\n= 2\n", line: 2, fragment: "expected a key"),
        // strings
        .init(name: "unterminated basic string", text: "a = 1\nb = \"abc\nc = 2\n", line: 2, fragment: "unterminated string"),
        .init(name: "unterminated literal string", text: "\nb = 'abc\n", line: 2, fragment: "unterminated string"),
        .init(name: "unterminated multi-line string", text: "a = 1\nb = \"\"\"\nline\nline\n", line: 2, fragment: "unterminated multi-line"),
        .init(name: "unterminated multi-line literal", text: "a = '''\nx\n", line: 1, fragment: "unterminated multi-line"),
        .init(name: "invalid escape", text: "a = 1\nb = \"C:\\Temp\"\n", line: 2, fragment: "invalid escape"),
        .init(name: "surrogate escape", text: "\n\ns = \"\\uD800\"\n", line: 3, fragment: "not a Unicode scalar"),
        .init(name: "escape above U+10FFFF", text: "s = \"\\U00110000\"\n", line: 1, fragment: "not a Unicode scalar"),
        .init(name: "short unicode escape", text: "a = 1\ns = \"\\u12\"\n", line: 2, fragment: "exactly 4 hexadecimal"),
        .init(name: "control character in string", text: "a = 1\nb = 2\ns = \"a\u{01}b\"\n", line: 3, fragment: "control character U+0001"),
        .init(name: "NUL in literal string", text: "s = 'a\u{00}b'\n", line: 1, fragment: "U+0000"),
        .init(name: "backslash-space not at end of line", text: "s = \"\"\"a \\ b\"\"\"\n", line: 1, fragment: "must end its line"),
        .init(name: "six quotes closing a multi-line string", text: "a = 1\ns = \"\"\"x\"\"\"\"\"\"\n", line: 2, fragment: "too many quotes"),
        .init(name: "multi-line string as key", text: "\"\"\"k\"\"\" = 1\n", line: 1, fragment: "cannot be used as a key"),
        // whitespace, newlines, comments
        .init(name: "bare carriage return", text: "a = 1\rb = 2\n", line: 1, fragment: "carriage return"),
        .init(name: "control character in comment", text: "a = 1\n# bell \u{07}\n", line: 2, fragment: "in a comment"),
        .init(name: "bare carriage return in a string", text: "a = 1\ns = \"a\rb\"\n", line: 2, fragment: "U+000D"),
        .init(name: "bare carriage return in a comment", text: "a = 1 # x\ry\n", line: 1, fragment: "carriage return (U+000D) is not allowed in a comment"),
        .init(name: "DEL in comment", text: "\n\n# del \u{7F}\n", line: 3, fragment: "U+007F"),
        // numbers
        .init(name: "leading zero", text: "a = 1\nb = 01\n", line: 2, fragment: "leading zeros"),
        .init(name: "double underscore", text: "n = 1__000\n", line: 1, fragment: "between two digits"),
        .init(name: "trailing underscore", text: "\nn = 1000_\n", line: 2, fragment: "between two digits"),
        .init(name: "sign on hexadecimal", text: "n = +0x10\n", line: 1, fragment: "cannot have a sign"),
        .init(name: "upper-case hex prefix", text: "n = 0X10\n", line: 1, fragment: "unexpected 'X'"),
        .init(name: "bad binary digit", text: "a = 1\nn = 0b102\n", line: 2, fragment: "not a binary digit"),
        .init(name: "empty octal", text: "n = 0o\n", line: 1, fragment: "expected octal digits"),
        .init(name: "float without fraction digits", text: "x = 1.\n", line: 1, fragment: "expected digits"),
        .init(name: "float without integer part", text: "a = 1\nx = .5\n", line: 2, fragment: "expected a value"),
        .init(name: "float exponent without digits", text: "x = 1e\n", line: 1, fragment: "exponent"),
        .init(name: "two decimal points", text: "\nx = 1.5.3\n", line: 2, fragment: "unexpected '.'"),
        .init(name: "float with leading zero", text: "x = 03.14\n", line: 1, fragment: "leading zeros"),
        // date-times
        .init(name: "February 30th", text: "a = 1\nd = 2023-02-30\n", line: 2, fragment: "day 30"),
        .init(name: "February 29th of a common year", text: "d = 2023-02-29T00:00:00Z\n", line: 1, fragment: "day 29"),
        .init(name: "month 13", text: "d = 2023-13-01\n", line: 1, fragment: "month 13"),
        .init(name: "hour 24", text: "\n\nt = 24:00:00\n", line: 3, fragment: "hour 24"),
        .init(name: "time without seconds", text: "t = 1979-05-27T07:32\n", line: 1, fragment: "need seconds"),
        .init(name: "offset hour out of range", text: "t = 1979-05-27T07:32:00+24:00\n", line: 1, fragment: "offset hours"),
        .init(name: "junk after a date-time", text: "a = 1\nt = 1979-05-27T07:32:00Zx\n", line: 2, fragment: "end of the line"),
        .init(name: "fraction without digits", text: "t = 07:32:00.\n", line: 1, fragment: "after the '.'"),
        // arrays
        .init(name: "array missing comma", text: "a = [\n  1\n  2\n]\n", line: 3, fragment: "expected ',' or ']'"),
        .init(name: "array leading comma", text: "a = [,1]\n", line: 1, fragment: "expected a value"),
        .init(name: "array double comma", text: "a = [1, 2,, 3]\n", line: 1, fragment: "expected a value"),
        .init(name: "unterminated array", text: "a = 1\nb = [1,\n2,\n", line: 2, fragment: "unterminated array"),
        // inline tables
        .init(name: "newline in inline table", text: "a = 1\nt = { x = 1,\n  y = 2 }\n", line: 2, fragment: "one line"),
        .init(name: "trailing comma in inline table", text: "t = { x = 1, }\n", line: 1, fragment: "trailing comma"),
        .init(name: "unterminated inline table", text: "\nt = { x = 1", line: 2, fragment: "unterminated inline table"),
        .init(name: "duplicate key in inline table", text: "t = { x = 1, x = 2 }\n", line: 1, fragment: "duplicate key"),
        // headers
        .init(name: "empty header", text: "a = 1\n[]\n", line: 2, fragment: "expected a key"),
        .init(name: "header with trailing dot", text: "[a.]\n", line: 1, fragment: "expected a key"),
        .init(name: "unclosed header", text: "\n[a\nb = 1\n", line: 2, fragment: "expected ']'"),
        .init(name: "unclosed array-of-tables header", text: "[[a]\n", line: 1, fragment: "expected ']]'"),
        .init(name: "junk after header", text: "[a] b = 1\n", line: 1, fragment: "after the table header"),
        // redefinition rules
        .init(name: "duplicate key", text: "name = \"a\"\nid = 1\nname = \"b\"\n", line: 3, fragment: "duplicate key name"),
        .init(name: "table defined twice", text: "[a]\nx = 1\n\n[a]\ny = 2\n", line: 4, fragment: "defined twice"),
        .init(name: "sub-table defined twice", text: "[a.b]\n[a]\n[a.b]\n", line: 3, fragment: "defined twice"),
        .init(name: "header redefines a dotted-key table", text: "[fruit]\napple.color = \"red\"\n\n[fruit.apple]\n", line: 4, fragment: "dotted keys"),
        .init(name: "root dotted key then header", text: "a.b = 1\n[a]\n", line: 2, fragment: "dotted keys"),
        .init(name: "dotted keys into a header table", text: "[a.b.c]\nz = 9\n[a]\nb.c.t = 1\n", line: 4, fragment: "its own header"),
        .init(name: "header extends an inline table", text: "a = { b = 1 }\n[a.c]\n", line: 2, fragment: "inline table"),
        .init(name: "dotted key extends an inline table", text: "a = {}\na.b = 1\n", line: 2, fragment: "inline table"),
        .init(name: "header redefines an inline table", text: "a = { b = 1 }\n\n[a]\n", line: 3, fragment: "inline table"),
        .init(name: "append to a static array", text: "fruits = []\n\n[[fruits]]\n", line: 3, fragment: "static array"),
        .init(name: "array of tables then table", text: "[[a]]\nx = 1\n[a]\n", line: 3, fragment: "array of tables"),
        .init(name: "table then array of tables", text: "[a]\nx = 1\n[[a]]\n", line: 3, fragment: "not an array of tables"),
        .init(name: "value used as a table", text: "a.b = 1\na.b.c = 2\n", line: 2, fragment: "cannot contain keys"),
        .init(name: "header on a key holding a value", text: "[a]\nb = 1\n[a.b]\n", line: 3, fragment: "was already given"),
        .init(name: "table replaced by a value", text: "[a.b]\nx = 1\n[a]\nb = 2\n", line: 4, fragment: "duplicate key"),
        .init(name: "dotted keys into an array of tables", text: "[[a.b]]\n[a]\nb.y = 2\n", line: 3, fragment: "array of tables"),
    ]
}
