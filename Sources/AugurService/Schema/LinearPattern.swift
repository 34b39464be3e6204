/// A parameter's `pattern`, matched in time linear in the text: compiled to a Thompson NFA and
/// run as a Pike VM (every thread in step, at most one per instruction), as the Rust `regex`
/// crate pydantic uses does. No pattern can make a request backtrack exponentially.
///
/// Searched anywhere in the string (anchor it with `^…$`), over Unicode scalars. Syntax:
/// literals, `.` (anything but a newline), `[…]` and `[^…]` with ranges and `\d \w \s`,
/// `\d \D \w \W \s \S` (Unicode), `\b \B \A \z \Z`, `^ $` (start and end of the text), groups
/// `(…)`, `(?:…)`, `(?P<name>…)`, `(?<name>…)`, `|`, the quantifiers `* + ? {n} {n,} {n,m} {,m}` (each
/// also lazy, `*?`, which changes nothing for a yes/no match), escapes `\t \n \r \f \v \0 \xHH
/// \x{H…} \uHHHH` and escaped punctuation, and a leading `(?i)` (case-insensitive). Refused when
/// the configuration is read, with the reason: backreferences, lookaround, possessive
/// quantifiers, other inline flags, POSIX and Unicode property classes, counts above 1,000, and
/// patterns that compile to more than 20,000 instructions.
public struct LinearPattern: Sendable {
    public struct SyntaxError: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    public let source: String
    private let program: [Instruction]
    private let caseInsensitive: Bool

    static let maxCount = 1000
    static let maxInstructions = 20_000

    public init(_ source: String) throws(SyntaxError) {
        var parser = Parser(scalars: Array(source.unicodeScalars))
        let insensitive = parser.leadingFlags()
        let tree = try parser.parse()
        var compiler = Compiler(caseInsensitive: insensitive)
        try compiler.emit(tree)
        compiler.program.append(.match)
        self.source = source
        self.program = compiler.program
        self.caseInsensitive = insensitive
    }

    /// Whether the pattern matches somewhere in `text`.
    public func matches(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars)
        var mark = [Int](repeating: -1, count: program.count)
        var current: [Int] = [], next: [Int] = [], stack: [Int] = []
        current.reserveCapacity(program.count)
        next.reserveCapacity(program.count)
        if add(0, at: 0, scalars, generation: 0, &mark, &current, &stack) { return true }
        for i in 0..<scalars.count {
            let c = scalars[i]
            next.removeAll(keepingCapacity: true)
            for pc in current where accepts(program[pc], c) {
                if add(pc + 1, at: i + 1, scalars, generation: i + 1, &mark, &next, &stack) { return true }
            }
            // A match may also start at i + 1 (an unanchored search).
            if add(0, at: i + 1, scalars, generation: i + 1, &mark, &next, &stack) { return true }
            swap(&current, &next)
        }
        return false
    }

    /// Follows jumps, splits and assertions from `pc` at text position `i`, adding the
    /// instructions that consume a scalar to `list`; true when `match` is reached.
    private func add(_ pc: Int, at i: Int, _ text: [Unicode.Scalar], generation: Int, _ mark: inout [Int], _ list: inout [Int],
                     _ stack: inout [Int]) -> Bool {
        stack.removeAll(keepingCapacity: true)
        stack.append(pc)
        while let pc = stack.popLast() {
            guard mark[pc] != generation else { continue }
            mark[pc] = generation
            switch program[pc] {
            case .match: return true
            case .jump(let to): stack.append(to)
            case .split(let first, let second):
                stack.append(second)
                stack.append(first)
            case .assert(let assertion):
                if holds(assertion, at: i, text) { stack.append(pc + 1) }
            case .scalar, .set, .any: list.append(pc)
            }
        }
        return false
    }

    private func holds(_ assertion: Assertion, at i: Int, _ text: [Unicode.Scalar]) -> Bool {
        switch assertion {
        case .start: return i == 0
        case .end: return i == text.count
        case .wordBoundary, .notWordBoundary:
            let before = i > 0 && Shorthand.word.contains(text[i - 1])
            let after = i < text.count && Shorthand.word.contains(text[i])
            return (before != after) == (assertion == .wordBoundary)
        }
    }

    private func accepts(_ instruction: Instruction, _ c: Unicode.Scalar) -> Bool {
        switch instruction {
        case .scalar(let s): return s == c || (caseInsensitive && Self.fold(c) == s)
        case .any: return c != "\n"
        case .set(let set):
            return set.contains(c) || (caseInsensitive && (set.contains(Self.fold(c)) || set.contains(Self.upper(c))))
        default: return false
        }
    }

    static func fold(_ c: Unicode.Scalar) -> Unicode.Scalar { single(c.properties.lowercaseMapping) ?? c }
    static func upper(_ c: Unicode.Scalar) -> Unicode.Scalar { single(c.properties.uppercaseMapping) ?? c }
    private static func single(_ s: String) -> Unicode.Scalar? {
        var it = s.unicodeScalars.makeIterator()
        guard let first = it.next(), it.next() == nil else { return nil }
        return first
    }
}

// MARK: - The program

extension LinearPattern {
    enum Assertion: Sendable { case start, end, wordBoundary, notWordBoundary }

    enum Shorthand: Sendable {
        case digit, word, space

        func contains(_ c: Unicode.Scalar) -> Bool {
            switch self {
            case .digit: return c.properties.numericType == .decimal
            case .space: return c.properties.isWhitespace
            case .word:
                if c == "_" || c.properties.isAlphabetic || c.properties.numericType == .decimal { return true }
                switch c.properties.generalCategory {
                case .nonspacingMark, .spacingMark, .enclosingMark, .connectorPunctuation: return true
                default: return false
                }
            }
        }
    }

    struct CharSet: Sendable {
        var ranges: [ClosedRange<UInt32>] = []
        var shorthands: [(Shorthand, negated: Bool)] = []
        var negated = false

        func contains(_ c: Unicode.Scalar) -> Bool {
            let inside = ranges.contains { $0.contains(c.value) } || shorthands.contains { $0.0.contains(c) != $0.negated }
            return inside != negated
        }
    }

    enum Instruction: Sendable {
        case scalar(Unicode.Scalar)
        case set(CharSet)
        case any
        case split(Int, Int)
        case jump(Int)
        case assert(Assertion)
        case match
    }

    indirect enum Node {
        case empty
        case scalar(Unicode.Scalar)
        case set(CharSet)
        case any
        case assert(Assertion)
        case concat([Node])
        case alternation([Node])
        case repetition(Node, min: Int, max: Int?)
    }

    struct Compiler {
        let caseInsensitive: Bool
        var program: [Instruction] = []

        mutating func append(_ instruction: Instruction) throws(SyntaxError) {
            guard program.count < LinearPattern.maxInstructions else {
                throw SyntaxError(description: "it compiles to more than \(LinearPattern.maxInstructions) instructions; use smaller counts")
            }
            program.append(instruction)
        }

        mutating func emit(_ node: Node) throws(SyntaxError) {
            switch node {
            case .empty: break
            case .scalar(let c): try append(.scalar(caseInsensitive ? LinearPattern.fold(c) : c))
            case .set(let set): try append(.set(set))
            case .any: try append(.any)
            case .assert(let a): try append(.assert(a))
            case .concat(let nodes): for n in nodes { try emit(n) }
            case .alternation(let branches):
                // split L1, next; L1: branch; jump end; next: split … ; last branch
                var jumps: [Int] = []
                for (k, branch) in branches.enumerated() {
                    if k < branches.count - 1 {
                        let split = program.count
                        try append(.split(split + 1, -1))
                        try emit(branch)
                        jumps.append(program.count)
                        try append(.jump(-1))
                        program[split] = .split(split + 1, program.count)
                    } else {
                        try emit(branch)
                    }
                }
                for j in jumps { program[j] = .jump(program.count) }
            case .repetition(let inner, let min, let max):
                for _ in 0..<min { try emit(inner) }
                if let max {
                    // Each optional copy: split body, end.
                    var splits: [Int] = []
                    for _ in min..<max {
                        splits.append(program.count)
                        try append(.split(program.count + 1, -1))
                        try emit(inner)
                    }
                    for s in splits { program[s] = .split(s + 1, program.count) }
                } else {
                    let loop = program.count
                    try append(.split(loop + 1, -1))
                    try emit(inner)
                    try append(.jump(loop))
                    program[loop] = .split(loop + 1, program.count)
                }
            }
        }
    }
}

// MARK: - The parser

extension LinearPattern {
    struct Parser {
        let scalars: [Unicode.Scalar]
        var i = 0

        init(scalars: [Unicode.Scalar]) { self.scalars = scalars }

        var peek: Unicode.Scalar? { i < scalars.count ? scalars[i] : nil }

        func error(_ message: String) -> SyntaxError { SyntaxError(description: message) }

        /// A leading `(?i)`.
        mutating func leadingFlags() -> Bool {
            guard scalars.starts(with: "(?i)".unicodeScalars) else { return false }
            i = 4
            return true
        }

        mutating func parse() throws(SyntaxError) -> Node {
            let node = try alternation(depth: 0)
            if let c = peek { throw error(c == ")" ? "unbalanced ')' at \(i)" : "unexpected '\(c)' at \(i)") }
            return node
        }

        mutating func alternation(depth: Int) throws(SyntaxError) -> Node {
            guard depth < 100 else { throw error("groups nested deeper than 100") }
            var branches = [try concatenation(depth: depth)]
            while peek == "|" {
                i += 1
                branches.append(try concatenation(depth: depth))
            }
            return branches.count == 1 ? branches[0] : .alternation(branches)
        }

        mutating func concatenation(depth: Int) throws(SyntaxError) -> Node {
            var nodes: [Node] = []
            while let c = peek, c != "|", c != ")" {
                nodes.append(try repetition(depth: depth))
            }
            return nodes.isEmpty ? .empty : nodes.count == 1 ? nodes[0] : .concat(nodes)
        }

        mutating func repetition(depth: Int) throws(SyntaxError) -> Node {
            let at = i
            var node = try atom(depth: depth)
            guard let (min, max) = try quantifier() else { return node }
            if case .assert = node { throw error("a quantifier after an anchor at \(at)") }
            if peek == "?" { i += 1 }  // lazy: the same yes/no answer
            if peek == "+" { throw error("possessive quantifiers are not supported (at \(i))") }
            if try quantifierAhead() { throw error("a repeated quantifier at \(i)") }
            node = .repetition(node, min: min, max: max)
            return node
        }

        /// Whether a quantifier starts here (without consuming it).
        mutating func quantifierAhead() throws(SyntaxError) -> Bool {
            let saved = i
            defer { i = saved }
            return try quantifier() != nil
        }

        mutating func quantifier() throws(SyntaxError) -> (Int, Int?)? {
            switch peek {
            case "*": i += 1; return (0, nil)
            case "+": i += 1; return (1, nil)
            case "?": i += 1; return (0, 1)
            case "{":
                let start = i
                i += 1
                // `{,m}` is `{0,m}` (as Python reads it); no number at all is a literal '{'.
                guard let lo = number() ?? (peek == "," ? 0 : nil) else { i = start; return nil }
                var hi: Int? = lo
                if peek == "," {
                    i += 1
                    hi = number()
                }
                guard peek == "}" else { i = start; return nil }
                i += 1
                guard lo <= LinearPattern.maxCount, (hi ?? 0) <= LinearPattern.maxCount else {
                    throw error("a count above \(LinearPattern.maxCount) at \(start)")
                }
                if let hi, hi < lo { throw error("the count {\(lo),\(hi)} at \(start) is backwards") }
                return (lo, hi)
            default: return nil
            }
        }

        mutating func number() -> Int? {
            var value = 0, digits = 0
            while let c = peek, let d = c.properties.numericType == .decimal && c.isASCII ? Int(c.value) - 48 : nil {
                value = Swift.min(value * 10 + d, 1_000_000)
                digits += 1
                i += 1
            }
            return digits == 0 ? nil : value
        }

        mutating func atom(depth: Int) throws(SyntaxError) -> Node {
            guard let c = peek else { throw error("the pattern ends early") }
            i += 1
            switch c {
            case "(":
                if peek == "?" {
                    i += 1
                    if peek == ":" {
                        i += 1
                    } else if peek == "P" || peek == "<" {
                        if peek == "P" { i += 1 }
                        guard peek == "<" else { throw error("unsupported group syntax at \(i)") }
                        i += 1
                        if peek == "=" || peek == "!" { throw error("lookbehind is not supported (at \(i))") }
                        while let n = peek, n != ">" { i += 1 }
                        guard peek == ">" else { throw error("an unterminated group name") }
                        i += 1
                    } else if peek == "=" || peek == "!" {
                        throw error("lookahead is not supported (at \(i))")
                    } else {
                        throw error("inline flags other than a leading (?i) are not supported (at \(i))")
                    }
                }
                let inner = try alternation(depth: depth + 1)
                guard peek == ")" else { throw error("a '(' without its ')'") }
                i += 1
                return inner
            case ".": return .any
            case "^": return .assert(.start)
            case "$": return .assert(.end)
            case "[": return .set(try characterClass())
            case "*", "+", "?": throw error("'\(c)' at \(i - 1) has nothing to repeat")
            case "{":
                i -= 1
                if try quantifierAhead() { throw error("'{' at \(i) has nothing to repeat") }
                i += 1
                return .scalar(c)
            case "\\": return try escape(inClass: false)
            default: return .scalar(c)
            }
        }

        /// After a backslash.
        mutating func escape(inClass: Bool) throws(SyntaxError) -> Node {
            guard let c = peek else { throw error("the pattern ends with a lone backslash") }
            i += 1
            switch c {
            case "d": return .set(CharSet(shorthands: [(.digit, false)]))
            case "D": return .set(CharSet(shorthands: [(.digit, true)]))
            case "w": return .set(CharSet(shorthands: [(.word, false)]))
            case "W": return .set(CharSet(shorthands: [(.word, true)]))
            case "s": return .set(CharSet(shorthands: [(.space, false)]))
            case "S": return .set(CharSet(shorthands: [(.space, true)]))
            case "b" where !inClass: return .assert(.wordBoundary)
            case "B" where !inClass: return .assert(.notWordBoundary)
            case "A" where !inClass: return .assert(.start)
            case "z" where !inClass, "Z" where !inClass: return .assert(.end)
            case "t": return .scalar("\t")
            case "n": return .scalar("\n")
            case "r": return .scalar("\r")
            case "f": return .scalar("\u{0C}")
            case "v": return .scalar("\u{0B}")
            case "0": return .scalar("\0")
            case "x", "u":
                let braced = c == "x" && peek == "{"
                if braced { i += 1 }
                var value: UInt32 = 0, digits = 0
                let wanted = braced ? 8 : c == "x" ? 2 : 4
                while digits < wanted, let h = peek, let d = h.properties.numericType == .decimal && h.isASCII ? h.value - 48
                    : ("a"..."f").contains(h) ? h.value - 87 : ("A"..."F").contains(h) ? h.value - 55 : nil {
                    value = value << 4 | d
                    digits += 1
                    i += 1
                }
                if braced {
                    guard peek == "}" else { throw error("an unterminated \\x{…}") }
                    i += 1
                }
                guard digits > 0, braced || digits == wanted, let scalar = Unicode.Scalar(value) else {
                    throw error("a bad \\\(c) escape at \(i)")
                }
                return .scalar(scalar)
            case "1"..."9": throw error("backreferences are not supported (\\\(c))")
            case "p", "P": throw error("Unicode property classes (\\\(c){…}) are not supported")
            default:
                guard !c.properties.isAlphabetic, c.properties.numericType == nil else {
                    throw error("unknown escape \\\(c)")
                }
                return .scalar(c)
            }
        }

        /// After `[`.
        mutating func characterClass() throws(SyntaxError) -> CharSet {
            var set = CharSet()
            if peek == "^" {
                set.negated = true
                i += 1
            }
            var first = true
            while true {
                guard let c = peek else { throw error("a '[' without its ']'") }
                if c == "]" && !first {
                    i += 1
                    return set
                }
                first = false
                if c == "[" {
                    if i + 1 < scalars.count, scalars[i + 1] == ":" { throw error("POSIX classes ([:alpha:]) are not supported") }
                    throw error("'[' inside a class at \(i); escape it as \\[")
                }
                guard let low = try classMember(into: &set) else { continue }
                if peek == "-", i + 1 < scalars.count, scalars[i + 1] != "]" {
                    i += 1
                    let at = i
                    guard let high = try classMember(into: &set) else { throw error("a range ending in a class at \(at)") }
                    guard low.value <= high.value else { throw error("the range at \(at) is backwards") }
                    set.ranges.append(low.value...high.value)
                } else {
                    set.ranges.append(low.value...low.value)
                }
            }
        }

        /// One member: a scalar (returned) or a shorthand class (added to `set`, nil returned).
        mutating func classMember(into set: inout CharSet) throws(SyntaxError) -> Unicode.Scalar? {
            guard let c = peek else { throw error("a '[' without its ']'") }
            i += 1
            guard c == "\\" else { return c }
            switch try escape(inClass: true) {
            case .scalar(let s): return s
            case .set(let shorthand):
                set.shorthands += shorthand.shorthands
                return nil
            default: throw error("an anchor inside a class")
            }
        }
    }
}
