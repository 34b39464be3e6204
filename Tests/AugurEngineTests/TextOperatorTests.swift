@testable import AugurEngine
import Testing

/// The token patterns and separators Augur accepts (the rest is refused at load), matched as
/// RE2 matches them in onnxruntime (leftmost-longest; ASCII \w, Unicode \p{L}); the fixtures
/// text_* compare whole models with onnxruntime.
@Suite struct TextOperatorTests {
    func tokens(_ pattern: String, _ text: String, minimum: Int = 1) throws -> [String] {
        let tokenizer = try Tokenizer(mode: .pattern(try #require(TokenPattern(pattern))), mark: false, padValue: "#", minimumLength: minimum)
        return tokenizer.tokenize(text)
    }

    @Test func patternsConvertersEmit() throws {
        #expect(try tokens("[\\p{L}\\p{N}_]{2,}", "Hello, world! abc123 x") == ["Hello", "world", "abc123"])
        #expect(try tokens("[\\p{L}\\p{N}_]{2,}", "café naïve Über İstanbul 50% ✈️") == ["café", "naïve", "Über", "İstanbul", "50"])
        #expect(try tokens("[a-zA-Z0-9_]+", "naïve question: résumé?") == ["na", "ve", "question", "r", "sum"])
        #expect(try tokens("\\w+", "café") == ["caf"])
        #expect(try tokens("X*", "aXbXXc") == ["X", "XX"])
        #expect(try tokens("[a-zA-Z0-9_]+", "Hello world abc123", minimum: 2) == ["Hello", "world", "abc123"])
        #expect(try tokens("[a-z]{2,3}", "abcdefg h ij") == ["abc", "def", "ij"])
        #expect(try tokens("[^ ,]+", "a,b c") == ["a", "b", "c"])
        // scikit-learn's default token pattern without (?u), and the same without boundaries:
        // onnxruntime 1.23 gives these tokens for both.
        for pattern in ["\\b\\w\\w+\\b", "\\w\\w+", "\\b\\w{2,}\\b", "\\b\\w+\\b"] {
            let expected = pattern == "\\b\\w+\\b" ? ["a", "caf", "is", "nice", "I", "x1y2", "go"] : ["caf", "is", "nice", "x1y2", "go"]
            #expect(try tokens(pattern, "a café is nice, I x1y2 go!") == expected, "\(pattern)")
        }
        #expect(try tokens("[a-c][a-c]{2}", "abcabcab") == ["abc", "abc"])
    }

    @Test func otherRegexesAreRefused() {
        // A boundary that would change the matches: another class, a bounded or empty repetition, inside.
        for pattern in ["(?u)\\b\\w\\w+\\b", "[a-z]+|[0-9]+", "(ab)+", "\\b[a-z]+\\b", "\\b\\w{2,3}\\b", "\\b\\w*\\b", "\\w\\b\\w+",
                        "[[:alpha:]]+", "[a-z]+[0-9]+", "", "[z-a]+", "a{2000}", "a{600}a{600}", "a{0,600}a{0,600}"] {
            #expect(TokenPattern(pattern) == nil, "\(pattern)")
        }
    }

    @Test func literalSeparators() throws {
        #expect(literalSeparator(" ") == [" "])
        #expect(literalSeparator("[.]") == ["."])
        #expect(literalSeparator("\\?") == ["?"])
        #expect(literalSeparator("a b") == ["a", " ", "b"])
        #expect(literalSeparator("\\s+") == nil && literalSeparator("a|b") == nil && literalSeparator(".") == nil)
        let tokenizer = try Tokenizer(mode: .separators([[" "], ["."], [","]]), mark: false, padValue: "", minimumLength: 1)
        #expect(tokenizer.tokenize("a  b..c,d ") == ["a", "b", "c", "d"])
    }

    @Test func caseMappingPerCodePoint() {
        #expect(StringNormalizer.convert("İSTANBUL ΟΔΟΣ Straße ᾳ", .lower) == "istanbul οδοσ straße ᾳ")
        #expect(StringNormalizer.convert("straße ᾳ ǅ café", .upper) == "STRAßE ᾼ Ǆ CAFÉ")
        #expect(StringNormalizer.convert("CAFÉ", .lower, asciiOnly: true) == "cafÉ")
    }
}
