import EchemDrivers

/// Reads a script (the lines between `e` and the empty line) into a `ParsedScript`, with the
/// error a device gives for what it cannot run: unknown command `!4001`, a real command this
/// simulator does not implement `!001B`, a stray character or a wrong argument count `!4004`,
/// a bad literal `!4039`, an undeclared variable `!420B`, a variable declared twice `!4026`,
/// a measurement loop inside another `!400B`, an unclosed block `!4018`, a misplaced
/// `endloop`/`endif`/`on_finished:` `!400C`, an invalid variable type `!0002`, an option a
/// command does not take `!4008`.
struct ScriptParser {
    /// A word of a line and its 1-based column.
    struct Token {
        var text: Substring
        var column: Int
    }

    /// Real MethodSCRIPT commands outside the simulated subset.
    static let unsupported: Set<String> = [
        "meas_loop_dpv", "meas_loop_swv", "meas_loop_npv", "meas_loop_acv", "meas_loop_pad", "meas_loop_lsp",
        "meas_loop_fcv", "meas_loop_fca", "meas_loop_cp_stripping", "meas_loop_ca_alt_mux", "meas", "meas_fast_cv",
        "array", "array_get", "array_set", "file_open", "file_close", "hibernate", "abort", "notify",
        "i2c_config", "i2c_write", "i2c_read", "set_gpio", "get_gpio", "set_gpio_cfg", "set_gpio_pullup",
        "store_script", "bit_and_var", "bit_or_var", "bit_xor_var", "bit_lsl_var", "bit_lsr_var", "int_to_float",
        "float_to_int", "get_time", "mux_config", "mux_set_channel",
    ]

    private var declared: Set<String> = []
    private var lines: [(number: Int, tokens: [Token], raw: Substring)] = []
    private var position = 0

    static func parse(_ script: [String]) throws(ScriptFault) -> ParsedScript {
        var p = ScriptParser()
        for (i, raw) in script.enumerated() {
            let tokens = try tokenize(Substring(raw), line: i + 1)
            if !tokens.isEmpty { p.lines.append((i + 1, tokens, Substring(raw))) }
        }
        var main: [ScriptNode] = []
        var finished: [ScriptNode] = []
        var inFinished = false
        while p.position < p.lines.count {
            let line = p.lines[p.position]
            if line.tokens[0].text == "on_finished:" {
                guard !inFinished, line.tokens.count == 1 else {
                    throw ScriptFault(code: .notAllowedHere, line: line.number, column: line.tokens[0].column)
                }
                inFinished = true
                p.position += 1
                continue
            }
            let (node, closer) = try p.node(inMeasurement: false)
            if let closer { throw ScriptFault(code: .notAllowedHere, line: closer.line, column: closer.column) }
            if inFinished { finished.append(node) } else { main.append(node) }
        }
        return ParsedScript(main: main, finished: finished)
    }

    /// Words of a line without its comment. A quoted string (send_string) is one word.
    static func tokenize(_ raw: Substring, line: Int) throws(ScriptFault) -> [Token] {
        var tokens: [Token] = []
        var i = raw.startIndex
        var column = 1
        while i < raw.endIndex {
            let c = raw[i]
            if c == "#" { break }
            if c == " " || c == "\t" || c == "\r" {
                i = raw.index(after: i)
                column += 1
                continue
            }
            let start = i
            let startColumn = column
            var quoted = false
            while i < raw.endIndex {
                let ch = raw[i]
                if ch == "\"" { quoted.toggle() }
                if !quoted && (ch == " " || ch == "\t" || ch == "#" || ch == "\r") { break }
                guard ch.isASCII, let v = ch.asciiValue, v >= 0x20 else {
                    throw ScriptFault(code: .unexpectedCharacter, line: line, column: column)
                }
                i = raw.index(after: i)
                column += 1
            }
            if quoted { throw ScriptFault(code: .unexpectedCharacter, line: line, column: startColumn) }
            tokens.append(Token(text: raw[start..<i], column: startColumn))
        }
        return tokens
    }

    /// One statement or block; a block closer (`endloop`, `endif`, `else`, `elseif`) is returned
    /// to the block that reads it, with where it stood.
    private mutating func node(inMeasurement: Bool) throws(ScriptFault) -> (ScriptNode, (line: Int, column: Int)?) {
        let (number, tokens, _) = lines[position]
        position += 1
        let head = tokens[0]
        let args = Array(tokens.dropFirst())
        let name = String(head.text)
        func count(_ n: Int) throws(ScriptFault) {
            if args.count < n { throw ScriptFault(code: .unexpectedCharacter, line: number, column: lastColumn(tokens)) }
            if args.count > n { throw ScriptFault(code: .unexpectedCharacter, line: number, column: args[n].column) }
        }
        switch name {
        case "endloop", "endif", "else", "elseif":
            return (.statement(.breakLoop, line: number), (number, head.column))  // the caller checks what closes it
        case "var":
            try count(1)
            let v = String(args[0].text)
            guard Self.isIdentifier(args[0].text) else { throw ScriptFault(code: .unexpectedCharacter, line: number, column: args[0].column) }
            guard !declared.contains(v) else { throw ScriptFault(code: .variableExists, line: number, column: args[0].column) }
            declared.insert(v)
            return (.statement(.declare(v), line: number), nil)
        case "store_var":
            try count(3)
            let target = try variable(args[0], number)
            let value = try operand(args[1], number)
            guard let type = MethodSCRIPTVariableType(code: String(args[2].text)) else {
                throw ScriptFault(code: .invalidVariableType, line: number, column: args[2].column)
            }
            return (.statement(.store(target, value, type: type), line: number), nil)
        case "copy_var":
            try count(2)
            return (.statement(.copy(from: try variable(args[0], number), to: try variable(args[1], number)), line: number), nil)
        case "add_var", "sub_var", "mul_var", "div_var":
            try count(2)
            let op = ScriptArithmetic(rawValue: name)!
            return (.statement(.arithmetic(op, try variable(args[0], number), try operand(args[1], number)), line: number), nil)
        case "cell_on", "cell_off", "timer_start", "breakloop", "pck_start", "pck_end":
            try count(0)
            let s: ScriptStatement = switch name {
            case "cell_on": .cellOn
            case "cell_off": .cellOff
            case "timer_start": .timerStart
            case "breakloop": .breakLoop
            case "pck_start": .packageStart
            default: .packageEnd
            }
            return (.statement(s, line: number), nil)
        case "timer_get":
            try count(1)
            return (.statement(.timerGet(try variable(args[0], number)), line: number), nil)
        case "pck_add":
            try count(1)
            return (.statement(.packageAdd(try variable(args[0], number)), line: number), nil)
        case "wait":
            try count(1)
            return (.statement(.wait(try operand(args[0], number)), line: number), nil)
        case "send_string":
            try count(1)
            var text = args[0].text
            if text.hasPrefix("f\"") { text = text.dropFirst() }
            guard text.count >= 2, text.first == "\"", text.last == "\"" else {
                throw ScriptFault(code: .unexpectedCharacter, line: number, column: args[0].column)
            }
            return (.statement(.sendString(String(text.dropFirst().dropLast())), line: number), nil)
        case "loop":
            try count(3)
            let condition = try self.condition(args, number)
            let body = try block(closedBy: ["endloop"], opener: number, inMeasurement: inMeasurement)
            return (.loop(condition, body: body.nodes, line: number), nil)
        case "if":
            try count(3)
            var branches: [(ScriptCondition, [ScriptNode])] = [(try self.condition(args, number), [])]
            while true {
                let b = try block(closedBy: ["endif", "else", "elseif"], opener: number, inMeasurement: inMeasurement)
                branches[branches.count - 1].1 = b.nodes
                switch b.closer.name {
                case "elseif":
                    branches.append((try self.condition(b.closer.args, b.closer.line), []))
                case "else":
                    let rest = try block(closedBy: ["endif"], opener: number, inMeasurement: inMeasurement)
                    return (.branch(branches, otherwise: rest.nodes, line: number), nil)
                default:
                    return (.branch(branches, otherwise: nil, line: number), nil)
                }
            }
        default:
            if let kind = MeasurementKind(rawValue: name) {
                guard !inMeasurement else { throw ScriptFault(code: .nestedMeasurementLoop, line: number, column: head.column) }
                let loop = try measurement(kind, args, number)
                let body = try block(closedBy: ["endloop"], opener: number, inMeasurement: true)
                return (.measurement(loop, body: body.nodes, line: number), nil)
            }
            if name.hasPrefix("set_") && Self.isIdentifier(head.text) && !Self.unsupported.contains(name) {
                guard !args.isEmpty else { throw ScriptFault(code: .unexpectedCharacter, line: number, column: lastColumn(tokens)) }
                return (.statement(try setting(name, args, number), line: number), nil)
            }
            if Self.unsupported.contains(name) || name.hasPrefix("meas_loop_") {
                throw ScriptFault(code: .notSupported, line: number, column: head.column)
            }
            throw ScriptFault(code: .unknownScriptCommand, line: number, column: head.column)
        }
    }

    /// Statements up to one of `closers`; a missing closer at the end is `!4018`.
    private mutating func block(closedBy closers: Set<String>, opener: Int, inMeasurement: Bool) throws(ScriptFault)
        -> (nodes: [ScriptNode], closer: (name: String, line: Int, args: [Token])) {
        var nodes: [ScriptNode] = []
        while position < lines.count {
            let line = lines[position]
            let word = String(line.tokens[0].text)
            if ["endloop", "endif", "else", "elseif"].contains(word) {
                guard closers.contains(word) else {
                    throw ScriptFault(code: .notAllowedHere, line: line.number, column: line.tokens[0].column)
                }
                position += 1
                let args = Array(line.tokens.dropFirst())
                if word != "elseif" && !args.isEmpty {
                    throw ScriptFault(code: .unexpectedCharacter, line: line.number, column: args[0].column)
                }
                if word == "elseif" && args.count != 3 {
                    throw ScriptFault(code: .unexpectedCharacter, line: line.number, column: lastColumn(line.tokens))
                }
                return (nodes, (word, line.number, args))
            }
            if word == "on_finished:" { throw ScriptFault(code: .notAllowedHere, line: line.number, column: line.tokens[0].column) }
            let (node, _) = try self.node(inMeasurement: inMeasurement)
            nodes.append(node)
        }
        throw ScriptFault(code: .unexpectedEndOfScript, line: lines.last?.number ?? opener, column: nil)
    }

    private mutating func measurement(_ kind: MeasurementKind, _ args: [Token], _ number: Int) throws(ScriptFault) -> MeasurementLoop {
        var plain = args
        var scans: ScriptOperand?
        if let last = args.last, last.text.hasSuffix(")"), let open = last.text.firstIndex(of: "(") {
            let option = last.text[..<open]
            let inner = last.text[last.text.index(after: open)..<last.text.index(before: last.text.endIndex)]
            guard option == "nscans", kind == .cv else { throw ScriptFault(code: .invalidOptionalArgument, line: number, column: last.column) }
            scans = try operand(Token(text: inner, column: last.column + option.count + 1), number)
            plain.removeLast()
        }
        let needed = kind.outputs + kind.arguments
        if plain.count < needed { throw ScriptFault(code: .unexpectedCharacter, line: number, column: lastColumn(args) ) }
        if plain.count > needed { throw ScriptFault(code: .unexpectedCharacter, line: number, column: plain[needed].column) }
        var outputs: [String] = []
        for t in plain.prefix(kind.outputs) { outputs.append(try variable(t, number)) }
        var operands: [ScriptOperand] = []
        for t in plain.dropFirst(kind.outputs) { operands.append(try operand(t, number)) }
        return MeasurementLoop(kind: kind, outputs: outputs, arguments: operands, scans: scans)
    }

    private func setting(_ name: String, _ args: [Token], _ number: Int) throws(ScriptFault) -> ScriptStatement {
        // Values after a leading variable type (`set_range ba 100u`) are operands; so are the
        // arguments of set_e, set_i and set_pgstat_mode.
        var operands: [ScriptOperand] = []
        for (i, t) in args.enumerated() {
            if i == 0, MethodSCRIPTVariableType(code: String(t.text)) != nil, !declared.contains(String(t.text)) { continue }
            operands.append(try operand(t, number))
        }
        return .setting(name, args.map { String($0.text) }, operands: operands)
    }

    private func condition(_ args: [Token], _ number: Int) throws(ScriptFault) -> ScriptCondition {
        guard let op = ScriptComparison(rawValue: String(args[1].text)) else {
            throw ScriptFault(code: .unexpectedCharacter, line: number, column: args[1].column)
        }
        return ScriptCondition(lhs: try operand(args[0], number), comparison: op, rhs: try operand(args[2], number))
    }

    private func operand(_ t: Token, _ number: Int) throws(ScriptFault) -> ScriptOperand {
        if let first = t.text.first, first.isNumber || first == "-" || first == "+" {
            guard let v = MethodSCRIPTLiteral.parse(t.text) else { throw ScriptFault(code: .malformedLiteral, line: number, column: t.column) }
            return .literal(v.value, isInteger: v.isInteger)
        }
        return .variable(try variable(t, number))
    }

    private func variable(_ t: Token, _ number: Int) throws(ScriptFault) -> String {
        guard Self.isIdentifier(t.text) else { throw ScriptFault(code: .unexpectedCharacter, line: number, column: t.column) }
        guard declared.contains(String(t.text)) else { throw ScriptFault(code: .undeclaredVariable, line: number, column: t.column) }
        return String(t.text)
    }

    private func lastColumn(_ tokens: [Token]) -> Int {
        guard let last = tokens.last else { return 1 }
        return last.column + last.text.count
    }

    static func isIdentifier(_ s: Substring) -> Bool {
        guard let first = s.first, first.isASCII, first.isLetter || first == "_" else { return false }
        return s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
    }
}
