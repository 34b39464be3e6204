@testable import AugurServer
import HTTPTypes
import Testing

/// The request-path header helpers give the same answers as the definitions they replace.
@Suite struct HeaderValuesTests {
    static let contentTypes = [
        "application/json", "Application/JSON", "application/json; charset=utf-8", "application/json;charset=UTF-8",
        " application/json ", "\tapplication/json\t;", ";application/json", ";;application/json; x", "; ;application/json",
        "application/problem+json", "APPLICATION/VND.API+JSON; q=1", "application/+json", "application+json",
        "application/jsonx", "application/json, text/plain", "text/json", "text/plain", "", ";", " ", ";;", "json",
        "application/", "+json", "application/x+jso", "application/json\u{A0}", "\u{3000}application/json",
        "application/ＪＳＯＮ", "APPLİCATION/json", "application/x+JSON\u{301}", "application/json \u{301}",
        "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
    ]

    @Test func isJSONMatchesTheUnicodeDefinition() {
        for type in Self.contentTypes {
            #expect(MediaType.isJSON(type) == MediaType.isJSONUnicode(type), "\(type.debugDescription)")
        }
        #expect(MediaType.isJSON("application/json; charset=utf-8"))
        #expect(MediaType.isJSON("application/geo+json"))
        #expect(!MediaType.isJSON("text/csv"))
    }

    @Test func valueMatchesTheSubscript() {
        let cases: [HTTPFields] = [
            [:],
            [.contentType: "application/json"],
            [.contentType: "application/json", .contentLength: "12"],
            HTTPFields([HTTPField(name: .contentType, value: "a"), HTTPField(name: .accept, value: "x"),
                        HTTPField(name: .contentType, value: "b")]),
            HTTPFields([HTTPField(name: .contentLength, value: "5"), HTTPField(name: .contentLength, value: "5")]),
            HTTPFields([HTTPField(name: .cookie, value: "a=1"), HTTPField(name: .cookie, value: "b=2")]),
        ]
        for fields in cases {
            for name in [HTTPField.Name.contentType, .contentLength, .cookie, .accept, HTTPField.Name("X-Request-ID")!] {
                #expect(fields.value(name) == fields[name])
            }
        }
    }
}
