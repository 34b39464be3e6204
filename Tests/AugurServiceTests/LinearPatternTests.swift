@testable import AugurService
import AugurEngine
import Foundation
import Testing

/// `pattern` runs in linear time: the same answers as Swift's backtracking `Regex` on a corpus
/// of patterns and seeded random strings, catastrophic patterns answered at once, and the
/// constructs it does not support refused when the configuration is read.
@Suite struct LinearPatternTests {
    static let patterns = [
        "^[A-Z]{2}[0-9]{5}$", "abc", "^abc", "abc$", "^$", "a|b|cd", "^(ab|a)c?$", "(a|ab)(c|bcd)", "^a*b+c?$", "x{2,3}y",
        "^\\d{3}-\\d{4}$", "\\w+@\\w+\\.com", "^\\s*$", "\\bcat\\b", "\\Bat", "[^aeiou]{3}", "^[a-c-]+$", "[\\d.]+", "^.{4}$",
        "(?:ab)+", "(?P<year>\\d{4})-(?<m>\\d\\d)", "^(a+)+$", "^(a|aa)+$", "(x+x+)+y", "a{0}b", "a{3,}", "^a??b$", "\\.",
        "(?i)^hello$", "(?i)[a-f]+", "^\\x41\\u0042\\x{43}", "\\t", "[\\w-]+", "^(|a)b", "a{,3}", "{", "^x{1000}$",
    ]
    static let alphabet: [Character] = ["a", "b", "c", "d", "x", "y", "A", "B", "H", "E", "L", "O", "h", "e", "l", "o", "0", "1",
                                        "9", "-", ".", "@", " ", "\t", "_", "é", "ß", "]", "{", "m", "t", "C"]

    @Test func agreesWithSwiftRegex() throws {
        var random = SplitMix64(seed: 20261203)
        var compared = 0
        for source in Self.patterns {
            let ours = try LinearPattern(source)
            let reference = try Regex(source)
            var texts = ["", "abc", "hello", "HeLLo", "aaaaaaaaaaaaaaaa", "aaaaaaaaaaaaaaab", "AB12345", "555-1234", "me@home.com",
                         "the cat sat", "xxxy", "xxxxxxxxxxxxy", "ABC", "abcdefa", " \t ", "\t", "1999-12"]
            for _ in 0..<150 {
                texts.append(String((0..<Int.random(in: 0...12, using: &random)).map { _ in Self.alphabet.randomElement(using: &random)! }))
            }
            for text in texts {
                let expected = (try? reference.firstMatch(in: text)) != nil
                #expect(ours.matches(text) == expected, "pattern \(source) on \(text.debugDescription)")
                compared += 1
            }
        }
        #expect(compared > 6000)
    }

    /// `]` first in a class is a member (Swift's Regex refuses `[]a]`, Python and Rust take it).
    @Test func closingBracketFirstInAClass() throws {
        let pattern = try LinearPattern("^[]a]+$")
        #expect(pattern.matches("]a]") && !pattern.matches("b"))
    }

    /// Inputs that take a backtracking matcher exponential time.
    @Test func catastrophicPatternsAnswerAtOnce() throws {
        let started = ContinuousClock.now
        for (source, text) in [("^(a+)+$", String(repeating: "a", count: 100_000) + "!"),
                               ("^(a|aa)+$", String(repeating: "a", count: 100_000) + "b"),
                               ("(x+x+)+y", String(repeating: "x", count: 50_000)),
                               ("^(\\w+\\s?)*$", String(repeating: "word ", count: 10_000) + "!")] {
            #expect(try LinearPattern(source).matches(text) == false, "\(source)")
        }
        // Backtracking would take longer than the age of the universe (Swift's Regex does not
        // finish the third in minutes); linear: well under a minute even in a debug build.
        #expect(ContinuousClock.now - started < .seconds(60))
    }

    @Test func unsupportedSyntaxIsRefused() {
        for (source, reason) in [("(a)\\1", "backreferences"), ("a(?=b)", "lookahead"), ("(?<=a)b", "lookbehind"), ("(?!a)", "lookahead"),
                                 ("a++", "possessive"), ("a(?i)b", "inline flags"), ("[[:alpha:]]", "POSIX"), ("\\p{L}", "Unicode property"),
                                 ("a{1001}", "count above"), ("(a", "without its ')'"), ("a)", "unbalanced"), ("*a", "nothing to repeat"),
                                 ("[a", "without its ']'"), ("[z-a]", "backwards"), ("a{3,2}", "backwards"), ("a**", "repeated quantifier"),
                                 ("(((((a{1000}){10}){10}){10}){10})", "instructions"), ("\\q", "unknown escape"), ("\\", "lone backslash")] {
            do {
                _ = try LinearPattern(source)
                Issue.record("\(source) was accepted")
            } catch {
                #expect(error.description.contains(reason), "\(source): \(error.description)")
            }
        }
    }
}
