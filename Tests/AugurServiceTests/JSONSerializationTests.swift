import Testing
@testable import AugurService

@Suite struct JSONSerializationTests {
    @Test func compactInOrder() {
        let value: JSONValue = ["z": 1, "a": [true, false, nil], "m": "x", "f": 0.5]
        #expect(value.serializedString == #"{"z":1,"a":[true,false,null],"m":"x","f":0.5}"#)
    }

    @Test func nonFiniteNumbersAreNull() {
        let value: JSONValue = [.number(.nan), .number(.infinity), .number(-.infinity)]
        #expect(value.serializedString == "[null,null,null]")
    }

    @Test func numbers() {
        #expect(JSONValue.number(-0.0).serializedString == "-0.0")
        #expect(JSONValue.number(5849).serializedString == "5849.0")
        #expect(JSONValue.integer(-42).serializedString == "-42")
        #expect(JSONValue.integer(0).serializedString == "0")
        #expect(JSONValue.number(1e22).serializedString == "1e+22")
        #expect(JSONValue.number(JSONNumber(Float(0.7847))).serializedString == "0.7847")
        #expect(JSONValue.number(JSONNumber(Int64.min)).serializedString == "-9223372036854775808")
    }

    @Test func escapes() {
        let value: JSONValue = "a\"b\\c\nd\u{1}e\u{1F}é😀"
        #expect(value.serializedString == #""a\"b\\c\nd\u0001e\u001fé😀""#)
    }

    @Test func roundTrips() throws {
        let texts = [#"{"a":[1,2.5,-3e-07,"x\ty"],"b":{"c":null,"d":true}}"#, "[]", "{}", #""\u0000""#]
        for text in texts {
            let value = try JSONParser().parse(text)
            #expect(try JSONParser().parse(value.serialized()) == value)
        }
    }

    @Test func objectEditing() {
        var object = JSONObject()
        for i in 0..<30 { object["k\(i)"] = .integer(i) }
        #expect(object["k29"] == .integer(29))
        object["k3"] = nil
        #expect(object.count == 29)
        #expect(object["k3"] == nil)
        #expect(object["k4"] == .integer(4))
        object["k4"] = "four"
        #expect(object.keys[3] == "k4")
        #expect(object["k4"] == "four")
    }
}
