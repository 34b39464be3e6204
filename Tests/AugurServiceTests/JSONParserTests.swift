import Testing
@testable import AugurService

@Suite struct JSONParserTests {
    @Test func parsesAnObject() throws {
        let value = try JSONParser().parse(#"{"a": 1, "b": [true, null, "x"]}"#)
        #expect(value == ["a": 1, "b": [true, nil, "x"]])
    }
}
