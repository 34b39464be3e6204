@testable import AugurServer
import AugurService
import Hummingbird
import HummingbirdTesting
import Testing

/// GET routes read their query as browsers and Python's `urlencode` write it.
@Suite struct QueryStringTests {
    @Test func formEncoding() {
        func pairs(_ query: String) -> [[String]] { FormQuery.pairs(Substring(query)).map { [$0.0, $0.1] } }
        #expect(pairs("a=Fiber+optic") == [["a", "Fiber optic"]])
        #expect(pairs("a=Fiber%20optic&b=%2B1") == [["a", "Fiber optic"], ["b", "+1"]])
        #expect(pairs("my+key=1&%61=2") == [["my key", "1"], ["a", "2"]])
        #expect(pairs("a=1&&b=&c") == [["a", "1"], ["b", ""], ["c", ""]])
        #expect(pairs("a=x=y") == [["a", "x=y"]])
        #expect(pairs("a=%&b=%4&c=%zz&d=100%") == [["a", "%"], ["b", "%4"], ["c", "%zz"], ["d", "100%"]])
        #expect(pairs("a=%C3%A9t%C3%A9&b=%FF") == [["a", "été"], ["b", "\u{FFFD}"]])
        #expect(pairs("") == [])
    }

    /// `Fiber+optic` (what `requests.get(params=...)` sends) is the option "Fiber optic", and
    /// the GET answer equals the POST answer.
    @Test func plusIsASpaceOnARoute() async throws {
        let app = Support.app(try await Support.service("pipeline"))
        try await app.test(.router) { client in
            var post: JSONValue?
            try await client.execute(uri: "/churn", method: .post, headers: [.contentType: "application/json"],
                                     body: Support.body(#"{"support_calls": 4, "contract": "One year", "internet_service": "Fiber optic", "payment_method": "Mailed check"}"#)) { response in
                #expect(response.status == .ok)
                post = try Support.json(response.body)
            }
            for query in ["support_calls=4&contract=One+year&internet_service=Fiber+optic&payment_method=Mailed+check",
                          "support_calls=4&contract=One%20year&internet_service=Fiber%20optic&payment_method=Mailed%20check"] {
                try await client.execute(uri: "/churn?" + query, method: .get) { response in
                    #expect(response.status == .ok, "\(query): \(String(buffer: response.body))")
                    let json = try Support.json(response.body)
                    #expect(json == post)
                }
            }
        }
    }
}
