import Testing
@testable import AugurService

@Suite struct JSONParserTests {
    private func parse(_ text: String, maxDepth: Int = 64) throws(RequestError) -> JSONValue {
        try JSONParser(maxDepth: maxDepth).parse(text)
    }

    /// The message of the json_invalid error `text` produces (nil when it parses).
    private func failure(_ text: String, maxDepth: Int = 64) -> String? {
        do {
            _ = try parse(text, maxDepth: maxDepth)
            return nil
        } catch {
            #expect(error.status == 400)
            #expect(error.issues.first?.type == .jsonInvalid)
            return error.issues.first?.msg
        }
    }

    private func failure(bytes: [UInt8]) -> String? {
        do {
            _ = try JSONParser().parse(bytes)
            return nil
        } catch {
            return error.issues.first?.msg
        }
    }

    @Test func parsesAnObject() throws {
        let value = try parse(#" {"a": 1, "b": [true, null, "x", -2.5e3, {}], "c": []} "#)
        #expect(value == ["a": 1, "b": [true, nil, "x", -2500.0, [:]], "c": []])
        guard case .object(let object) = value else { Issue.record("not an object"); return }
        #expect(object.keys == ["a", "b", "c"])
    }

    @Test func scalarsAtTopLevel() throws {
        #expect(try parse("true") == true)
        #expect(try parse(" null ") == nil)
        #expect(try parse("\"hi\"") == "hi")
        #expect(try parse("0") == 0)
    }

    @Test(arguments: ["NaN", "Infinity", "-Infinity", "[NaN]", "{\"a\": Infinity}"])
    func rejectsNonFiniteLiterals(_ text: String) {
        #expect(failure(text) != nil)
    }

    @Test func rejectsOverflowingNumbers() {
        #expect(failure("1e400") == "Invalid JSON at line 1, column 6 (byte 5): number '1e400' is out of the range of a double.")
        #expect(failure("[-1e309]") != nil)
        #expect(failure("1" + String(repeating: "0", count: 400)) != nil)
    }

    @Test func underflowIsZero() throws {
        #expect(try parse("1e-400") == 0.0)
    }

    @Test(arguments: ["01", "-", "1.", ".5", "1e", "+1", "0x10", "1.5.2", "--1", "1e+", "- 1"])
    func rejectsMalformedNumbers(_ text: String) {
        #expect(failure(text) != nil)
    }

    @Test func integersStayExact() throws {
        let big = try parse("9007199254740993")
        guard case .number(let n) = big else { Issue.record("not a number"); return }
        #expect(n.int64 == 9_007_199_254_740_993)
        #expect(n.double == 9_007_199_254_740_992)
        #expect(try parse("9223372036854775807").serializedString == "9223372036854775807")
        #expect(try parse("-9223372036854775808").serializedString == "-9223372036854775808")
        guard case .number(let huge) = try parse("9223372036854775808") else { Issue.record("not a number"); return }
        #expect(huge.int64 == nil)
        #expect(huge.double == 9_223_372_036_854_775_808)
    }

    @Test func negativeZeroKeepsItsSign() throws {
        guard case .number(let n) = try parse("-0") else { Issue.record("not a number"); return }
        #expect(n.double == 0 && n.double.sign == .minus)
        #expect(n.int64 == nil)
        guard case .number(let m) = try parse("-0.0") else { Issue.record("not a number"); return }
        #expect(m.double.sign == .minus)
    }

    @Test(arguments: ["0.1", "123.456", "1e22", "1.7976931348623157e308", "5e-324", "2.2250738585072014e-308",
                      "0.30000000000000004", "123456789012345678.9", "1.00000000000000011102230246251565404236316680908203125",
                      "9007199254740993.0", "4.35", "-0.000001234", "12345678901234567890e-10"])
    func decimalsRoundCorrectly(_ text: String) throws {
        guard case .number(let n) = try parse(text) else { Issue.record("not a number"); return }
        #expect(n.double == Double(text))
    }

    @Test func rejectsDuplicateKeys() {
        #expect(failure(#"{"a": 1, "a": 2}"#) == "Invalid JSON at line 1, column 10 (byte 9): duplicate key 'a'.")
        let many = (0..<40).map { "\"k\($0)\": \($0)" }.joined(separator: ",")
        #expect(failure("{\(many), \"k17\": 0}") != nil)
        #expect((try? parse("{\(many)}")) != nil)
    }

    @Test func rejectsTrailingCommasAndGarbage() {
        #expect(failure("[1, 2,]") == "Invalid JSON at line 1, column 7 (byte 6): expected a value, found ']'.")
        #expect(failure(#"{"a": 1,}"#) != nil)
        #expect(failure("{} x") == "Invalid JSON at line 1, column 4 (byte 3): unexpected 'x' after the JSON value.")
        #expect(failure("[1] [2]") != nil)
        #expect(failure("") == "Invalid JSON at line 1, column 1 (byte 0): expected a value, found the end of the input.")
        #expect(failure("[1, 2") != nil)
        #expect(failure(#"{"a" 1}"#) != nil)
        #expect(failure("{'a': 1}") != nil)
        #expect(failure("[true, nul]") != nil)
        #expect(failure("[1 2]") != nil)
    }

    @Test func reportsLineAndColumn() {
        #expect(failure("{\n  \"a\": 1,\n  \"b\": ?\n}") == "Invalid JSON at line 3, column 8 (byte 19): expected a value, found '?'.")
    }

    @Test func rejectsInvalidUTF8() {
        #expect(failure(bytes: Array("\"a".utf8) + [0xFF] + Array("\"".utf8)) != nil)
        #expect(failure(bytes: Array("\"".utf8) + [0xC3] + Array("\"".utf8)) != nil)          // truncated
        #expect(failure(bytes: Array("\"".utf8) + [0xC0, 0xAF] + Array("\"".utf8)) != nil)    // overlong
        #expect(failure(bytes: Array("\"".utf8) + [0xED, 0xA0, 0x80] + Array("\"".utf8)) != nil) // surrogate
        #expect(failure(bytes: Array("\"".utf8) + [0xF4, 0x90, 0x80, 0x80] + Array("\"".utf8)) != nil) // > U+10FFFF
        #expect(failure(bytes: [0xEF, 0xBB, 0xBF] + Array("{}".utf8)) != nil)
        #expect(failure(bytes: Array("[1]".utf8) + [0x80]) != nil)
    }

    @Test func acceptsValidUTF8() throws {
        #expect(try parse("\"héllo – 日本 😀\"") == "héllo – 日本 😀")
    }

    @Test func decodesEscapes() throws {
        #expect(try parse(#""a\"b\\c\/d\b\f\n\r\t""#) == "a\"b\\c/d\u{8}\u{C}\n\r\t")
        #expect(try parse(#""\u00e9\u65E5\ud83d\ude00""#) == "é日😀")
        #expect(try parse(#""\u0000""#) == "\u{0}")
    }

    @Test(arguments: [#""\ud83d""#, #""\ude00""#, #""\ud83dx""#, #""\ud83d\u0041""#, #""\x""#, #""\u12""#, #""\u12G4""#])
    func rejectsBadEscapes(_ text: String) {
        #expect(failure(text) != nil)
    }

    @Test func rejectsRawControlCharacters() {
        #expect(failure("\"a\nb\"") != nil)
        #expect(failure("\"a\tb\"") != nil)
    }

    @Test func deepNestingIsRejectedWithoutRecursion() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(failure(deep) == "Invalid JSON at line 1, column 65 (byte 64): nesting is deeper than the limit of 64 levels.")
        let objects = String(repeating: "{\"a\":", count: 10_000) + "1" + String(repeating: "}", count: 10_000)
        #expect(failure(objects) != nil)
        #expect(failure(String(repeating: "[", count: 100_000)) != nil)
    }

    @Test func largeDepthLimitsAreCapped() throws {
        let deep = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
        let value = try parse(deep, maxDepth: 10_000)
        #expect(value.serializedString == deep)
        #expect(failure("[" + deep + "]", maxDepth: 10_000) != nil)
        #expect(failure(deep, maxDepth: 511) != nil)
    }

    @Test func depthLimitCountsContainers() throws {
        #expect(try parse("[[1]]", maxDepth: 2) == [[1]])
        #expect(failure("[[[1]]]", maxDepth: 2) != nil)
        #expect(try parse("1", maxDepth: 1) == 1)
    }

    @Test func errorBodyShape() {
        do {
            _ = try parse("[1,]")
            Issue.record("parsed")
        } catch {
            #expect(error.body.serializedString == #"{"detail":[{"type":"json_invalid","loc":["body"],"msg":"Invalid JSON at line 1, column 4 (byte 3): expected a value, found ']'.","ctx":{"error":"expected a value, found ']'","line":1,"column":4,"offset":3}}]}"#)
        }
    }

    @Test func parsesFromAnyCollection() throws {
        let bytes = Array(#"{"x": [1, 2]}"#.utf8)
        #expect(try JSONParser().parse(bytes[...]) == ["x": [1, 2]])
        #expect(try JSONParser().parse(AnyCollection(bytes)) == ["x": [1, 2]])
    }
}
