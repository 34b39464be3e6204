/// onnxruntime's `Tokenizer` (com.microsoft, version 1): each string of a `[C]` or `[N, C]`
/// tensor becomes its tokens along a new last axis, padded with `pad_value` to the most tokens
/// of any string (with `mark`, between "\u{02}" and "\u{03}"); tokens of fewer than
/// `mincharnum` code points are dropped.
///
/// Tokens are the matches of `tokenexp`, or the text between `separators`, or (`tokenexp`
/// "." or `separators` [""]) single code points. onnxruntime matches with RE2 in leftmost-
/// longest mode; Augur implements the patterns converters emit exactly, and refuses others at
/// load (`TokenPattern`): a token pattern is one character class with a repetition, a
/// separator a literal string.
public struct Tokenizer: Operator {
    public enum Mode: Sendable, Equatable {
        case characters
        case pattern(TokenPattern)
        case separators([[Unicode.Scalar]])
    }

    public let mode: Mode
    public let mark: Bool
    public let padValue: String
    public let minimumLength: Int

    public init(mode: Mode, mark: Bool, padValue: String, minimumLength: Int) throws {
        guard minimumLength > 0 else { throw EngineError(.invalidAttribute, "mincharnum must be positive, not \(minimumLength).") }
        if mode == .characters, minimumLength > 1 {
            throw EngineError(.invalidAttribute, "character tokenization needs mincharnum 1, not \(minimumLength).")
        }
        self.mode = mode
        self.mark = mark
        self.padValue = padValue
        self.minimumLength = minimumLength
    }

    public func outputTypes(for inputs: [ValueType?]) throws -> [ValueType] {
        let x = try tensorType(inputs, 0)
        guard x.elementType == .string else { throw EngineError(.typeMismatch, "input 0 must be a string tensor, not \(x.elementType).") }
        guard let shape = x.shape else { return [.tensor(TensorType(.string))] }
        guard shape.count == 1 || shape.count == 2 else {
            throw EngineError(.typeMismatch, "input 0 must have shape [C] or [N, C], not rank \(shape.count).")
        }
        return [.tensor(TensorType(.string, shape: shape + [nil]))]
    }

    public func run(_ inputs: [Value?]) throws -> [Value] {
        let x = try tensor(inputs, 0)
        guard case .string(let strings) = x.storage else { throw EngineError(.typeMismatch, "input 0 must be a string tensor.") }
        guard x.shape.count == 1 || x.shape.count == 2 else {
            throw EngineError(.shapeMismatch, "input 0 must have shape [C] or [N, C], not \(x.shape).")
        }
        if strings.isEmpty {
            let shape = x.shape.count == 1 ? [0] : [x.shape[0], 0]
            return [.tensor(try Tensor(shape: shape, storage: .string([])))]
        }
        let tokens = strings.map(tokenize)
        let most = tokens.map(\.count).max() ?? 0
        let width = most == 0 ? 0 : (mark ? most + 2 : most)
        guard let total = TensorLimits.product([strings.count, width]) else {
            throw EngineError(.tooLarge, "\(strings.count) strings of \(width) tokens exceed \(TensorLimits.maxElements) values.")
        }
        var out: [String] = []
        out.reserveCapacity(total)
        if width > 0 {
            for row in tokens {
                if mark { out.append("\u{02}") }
                out.append(contentsOf: row)
                if mark { out.append("\u{03}") }
                for _ in 0..<(most - row.count) { out.append(padValue) }
            }
        }
        return [.tensor(try Tensor(shape: x.shape + [width], storage: .string(out)))]
    }

    /// One string's tokens.
    func tokenize(_ string: String) -> [String] {
        let scalars = Array(string.unicodeScalars)
        var tokens: [String] = []
        func emit(_ range: Range<Int>) {
            guard range.count >= minimumLength else { return }
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars[range])
            tokens.append(String(view))
        }
        switch mode {
        case .characters:
            for i in scalars.indices { emit(i..<(i + 1)) }
        case .pattern(let pattern):
            var position = 0
            while let match = pattern.firstMatch(in: scalars, from: position) {
                if match.count > 0, match.count >= minimumLength {
                    emit(match)
                    position = match.upperBound
                } else {
                    position = match.lowerBound + 1
                }
                if position > scalars.count { break }
            }
        case .separators(let separators):
            var pieces = [0..<scalars.count]
            for separator in separators {
                var next: [Range<Int>] = []
                for piece in pieces {
                    var start = piece.lowerBound
                    var i = piece.lowerBound
                    while i + separator.count <= piece.upperBound {
                        if scalars[i..<(i + separator.count)].elementsEqual(separator) {
                            if i - start >= minimumLength { next.append(start..<i) }
                            i += separator.count
                            start = i
                        } else {
                            i += 1
                        }
                    }
                    if piece.upperBound - start >= minimumLength { next.append(start..<piece.upperBound) }
                }
                pieces = next
            }
            for piece in pieces { emit(piece) }
        }
        return tokens
    }
}

/// A token pattern Augur matches exactly as RE2 does in leftmost-longest mode: one character
/// class (`[...]` with ranges, negation and the escapes `\w \d \s \W \D \S \p{L} \p{N}` and their
/// `\P` forms, `.`, an escape or a literal) with a repetition (`+`, `*`, `?`, `{m}`, `{m,}`,
/// `{m,n}`) or none. As in RE2, `\w`, `\d` and `\s` are ASCII; `\p{…}` is Unicode.
public struct TokenPattern: Sendable, Equatable {
    let set: ScalarSet
    let minimum: Int
    let maximum: Int?

    /// Nil when the pattern is outside what Augur supports.
    ///
    /// Also read: several repeated atoms of one class in a row (`\w\w+` is `\w{2,}`: the same
    /// leftmost-longest matches), and word boundaries `\b` around an unbounded repetition of
    /// `\w` (`\b\w\w+\b`, scikit-learn's default token pattern without its `(?u)`, which RE2
    /// refuses): such a match always spans a whole run of word characters, so it starts and
    /// ends at boundaries anyway. A `\b` anywhere else would change the matches and is refused.
    public init?(_ text: String) {
        var parser = PatternParser(Array(text.unicodeScalars))
        let leading = parser.boundary()
        guard let set = parser.atom(), let (low, high) = parser.quantifier() else { return nil }
        var (minimum, maximum) = (low, high)
        var trailing = false
        while !parser.atEnd {
            if parser.boundary() {
                trailing = true
                guard parser.atEnd else { return nil }
                break
            }
            guard let next = parser.atom(), next == set, let (l, h) = parser.quantifier() else { return nil }
            minimum += l
            maximum = maximum.flatMap { m in h.map { m + $0 } }
            // Counts over 1,000 are refused, summed or not.
            guard minimum <= 1_000, (maximum ?? 0) <= 1_000 else { return nil }
        }
        if leading || trailing {
            guard set == ScalarSet(items: [.word]), maximum == nil, minimum >= 1 else { return nil }
        }
        (self.set, self.minimum, self.maximum) = (set, minimum, maximum)
    }

    /// The leftmost match at or after `from`, as long as possible (an empty match is a range of
    /// length 0 where the pattern allows none of the class).
    func firstMatch(in scalars: [Unicode.Scalar], from start: Int) -> Range<Int>? {
        var p = start
        while p <= scalars.count {
            var run = 0
            while p + run < scalars.count, set.contains(scalars[p + run]) { run += 1 }
            if run >= minimum {
                return p..<(p + Swift.min(run, maximum ?? run))
            }
            // No match starts inside a run shorter than the minimum.
            p += Swift.max(run, 1)
        }
        return nil
    }
}

/// A set of code points: ranges, named classes, negation.
struct ScalarSet: Sendable, Equatable {
    enum Item: Sendable, Equatable {
        case range(UInt32, UInt32)
        case word, digit, space, letter, number, anyButNewline
        indirect case not(Item)
    }

    var items: [Item]
    var negated = false

    func contains(_ scalar: Unicode.Scalar) -> Bool {
        items.contains { Self.matches($0, scalar) } != negated
    }

    static func matches(_ item: Item, _ s: Unicode.Scalar) -> Bool {
        let v = s.value
        switch item {
        case .range(let low, let high): return v >= low && v <= high
        case .word: return (v >= 48 && v <= 57) || (v >= 65 && v <= 90) || (v >= 97 && v <= 122) || v == 95
        case .digit: return v >= 48 && v <= 57
        case .space: return v == 9 || v == 10 || v == 12 || v == 13 || v == 32
        case .letter:
            switch s.properties.generalCategory {
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
            default: return false
            }
        case .number:
            switch s.properties.generalCategory {
            case .decimalNumber, .letterNumber, .otherNumber: return true
            default: return false
            }
        case .anyButNewline: return v != 10
        case .not(let inner): return !matches(inner, s)
        }
    }
}

/// Reads the supported pattern subset; nil at the first thing outside it.
private struct PatternParser {
    let text: [Unicode.Scalar]
    var at = 0
    init(_ text: [Unicode.Scalar]) { self.text = text }
    var atEnd: Bool { at == text.count }
    var startsQuantifier: Bool { at < text.count && ["+", "*", "?", "{"].contains(text[at]) }

    /// Reads `\b` when it comes next.
    mutating func boundary() -> Bool {
        guard at + 1 < text.count, text[at] == "\\", text[at + 1] == "b" else { return false }
        at += 2
        return true
    }

    mutating func next() -> Unicode.Scalar? {
        guard at < text.count else { return nil }
        defer { at += 1 }
        return text[at]
    }

    /// A class, `.`, an escape or a literal that is not a metacharacter.
    mutating func atom() -> ScalarSet? {
        guard let c = next() else { return nil }
        switch c {
        case "[": return bracket()
        case ".": return ScalarSet(items: [.anyButNewline])
        case "\\": return escape().map { ScalarSet(items: [$0]) }
        case "(", ")", "|", "*", "+", "?", "{", "}", "^", "$", "]": return nil
        default: return ScalarSet(items: [.range(c.value, c.value)])
        }
    }

    mutating func escape() -> ScalarSet.Item? {
        guard let c = next() else { return nil }
        switch c {
        case "w": return .word
        case "W": return .not(.word)
        case "d": return .digit
        case "D": return .not(.digit)
        case "s": return .space
        case "S": return .not(.space)
        case "p", "P":
            guard next() == "{" else { return nil }
            var name = ""
            while let n = next(), n != "}" { name.unicodeScalars.append(n) }
            let item: ScalarSet.Item
            switch name {
            case "L": item = .letter
            case "N": item = .number
            default: return nil
            }
            return c == "p" ? item : .not(item)
        case "n": return .range(10, 10)
        case "t": return .range(9, 9)
        case "r": return .range(13, 13)
        default:
            // An escaped punctuation character stands for itself; letters and digits would be
            // other RE2 escapes (\b, \A, \x…), not supported.
            guard !c.properties.isAlphabetic, !(c.value >= 48 && c.value <= 57) else { return nil }
            return .range(c.value, c.value)
        }
    }

    mutating func bracket() -> ScalarSet? {
        var set = ScalarSet(items: [])
        if at < text.count, text[at] == "^" {
            set.negated = true
            at += 1
        }
        var first = true
        while let c = next() {
            if c == "]" && !first { return set.items.isEmpty ? nil : set }
            first = false
            var low: UInt32
            if c == "\\" {
                guard let item = escape() else { return nil }
                guard case .range(let l, _) = item else {
                    set.items.append(item)
                    continue
                }
                low = l
            } else if c == "[" {
                return nil  // POSIX classes ([:alpha:]) are not supported
            } else {
                low = c.value
            }
            if at + 1 < text.count, text[at] == "-", text[at + 1] != "]" {
                at += 1
                guard let h = next() else { return nil }
                var high = h.value
                if h == "\\" {
                    guard let item = escape(), case .range(let l, _) = item else { return nil }
                    high = l
                }
                guard high >= low else { return nil }
                set.items.append(.range(low, high))
            } else {
                set.items.append(.range(low, low))
            }
        }
        return nil
    }

    /// (minimum, maximum) of the repetition; (1, 1) when there is none.
    mutating func quantifier() -> (Int, Int?)? {
        guard at < text.count else { return (1, 1) }
        let c = text[at]
        at += 1
        switch c {
        case "+": return (1, nil)
        case "*": return (0, nil)
        case "?": return (0, 1)
        case "{":
            var digits = ""
            var low: Int?
            while let d = next() {
                if d == "," {
                    low = Int(digits)
                    guard low != nil else { return nil }
                    digits = ""
                } else if d == "}" {
                    if let low {
                        if digits.isEmpty { return low <= 1000 ? (low, nil) : nil }
                        guard let high = Int(digits), high >= low, high <= 1000 else { return nil }
                        return (low, high)
                    }
                    guard let exact = Int(digits), exact <= 1000 else { return nil }
                    return (exact, exact)
                } else if d.value >= 48 && d.value <= 57 {
                    digits.unicodeScalars.append(d)
                } else {
                    return nil
                }
            }
            return nil
        default:
            at -= 1
            return (1, 1)
        }
    }
}

/// A separator Augur supports: a literal string, written plainly or with escaped punctuation
/// and single-character classes (`[.]`, `\?`), read by the token patterns' parser; nil otherwise.
public func literalSeparator(_ text: String) -> [Unicode.Scalar]? {
    var parser = PatternParser(Array(text.unicodeScalars))
    var out: [Unicode.Scalar] = []
    while !parser.atEnd {
        guard let set = parser.atom(), !set.negated, set.items.count == 1, case .range(let low, let high) = set.items[0], low == high,
              let scalar = Unicode.Scalar(low), parser.atEnd || !parser.startsQuantifier else { return nil }
        out.append(scalar)
    }
    return out.isEmpty ? nil : out
}
