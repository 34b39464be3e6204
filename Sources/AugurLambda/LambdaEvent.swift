import AugurService
import Foundation

/// An AWS Lambda invocation event as an HTTP request, and the answer back in the event's own
/// response format. Four kinds: API Gateway REST APIs (payload 1.0), HTTP APIs and Function
/// URLs (payload 2.0), Application Load Balancers, and a direct invocation whose event is a
/// plain JSON body (no HTTP envelope), which is POSTed to the only route.
public struct LambdaHTTPRequest: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case restAPI
        case httpAPI
        /// `multiValue`: the target group sends (and wants back) multi-value headers.
        case loadBalancer(multiValue: Bool)
        case direct
    }

    public var kind: Kind
    public var method: String
    /// The path with its query string, as an HTTP request line carries it.
    public var target: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public static func == (a: Self, b: Self) -> Bool {
        a.kind == b.kind && a.method == b.method && a.target == b.target && a.body == b.body
            && a.headers.map { "\($0.name): \($0.value)" } == b.headers.map { "\($0.name): \($0.value)" }
    }
}

/// An answer to encode for the event that asked.
public struct LambdaHTTPResponse: Sendable {
    public var status: Int
    public var reason: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(status: Int, reason: String, headers: [(name: String, value: String)], body: [UInt8]) {
        self.status = status
        self.reason = reason
        self.headers = headers
        self.body = body
    }
}

/// An event that is not one Augur can answer.
public struct LambdaEventError: Error, Sendable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

public enum LambdaEvent {
    /// The event's request. `directRoute`: the path a direct invocation is POSTed to (nil:
    /// direct invocations are refused).
    public static func request(_ event: [UInt8], directRoute: String?) throws(LambdaEventError) -> LambdaHTTPRequest {
        let json: JSONValue
        do throws(RequestError) { json = try JSONParser().parse(event) } catch {
            throw LambdaEventError("the event is not JSON: \(error.summary)")
        }
        if case .object(let object) = json {
            if object["version"]?.string == "2.0", let http = object["requestContext"]?["http"], case .object = http {
                return try httpAPI(object, http)
            }
            if object["requestContext"]?["elb"] != nil, let method = object["httpMethod"]?.string {
                return try loadBalancer(object, method)
            }
            if let method = object["httpMethod"]?.string, object["path"]?.string != nil {
                return try restAPI(object, method)
            }
        }
        guard let directRoute else {
            throw LambdaEventError("the event is no API Gateway, Function URL or load balancer request, and a direct invocation needs exactly one route (or server.invocations_route).")
        }
        return LambdaHTTPRequest(kind: .direct, method: "POST", target: directRoute, headers: [("content-type", "application/json")], body: event)
    }

    /// Payload 2.0: `rawPath`, `rawQueryString`, comma-joined `headers`, `cookies`.
    static func httpAPI(_ event: JSONObject, _ http: JSONValue) throws(LambdaEventError) -> LambdaHTTPRequest {
        let method = http["method"]?.string ?? "GET"
        let path = event["rawPath"]?.string ?? http["path"]?.string ?? "/"
        let query = event["rawQueryString"]?.string ?? ""
        var headers = stringPairs(event["headers"])
        if case .array(let cookies)? = event["cookies"], !cookies.isEmpty {
            headers.append(("cookie", cookies.compactMap(\.string).joined(separator: "; ")))
        }
        return LambdaHTTPRequest(kind: .httpAPI, method: method, target: query.isEmpty ? path : "\(path)?\(query)",
                                 headers: headers, body: try body(event))
    }

    /// Payload 1.0 (REST APIs): `path` (without the stage when it leads the path),
    /// `multiValueHeaders` over `headers`, `multiValueQueryStringParameters` over
    /// `queryStringParameters` (values as API Gateway decoded them, encoded again here).
    static func restAPI(_ event: JSONObject, _ method: String) throws(LambdaEventError) -> LambdaHTTPRequest {
        var path = event["path"]?.string ?? "/"
        if let stage = event["requestContext"]?["stage"]?.string, !stage.isEmpty, path.hasPrefix("/\(stage)/") {
            path = String(path.dropFirst(stage.count + 1))
        }
        return LambdaHTTPRequest(kind: .restAPI, method: method, target: path + queryString(event), headers: multiValueHeaders(event),
                                 body: try body(event))
    }

    /// An ALB target group's event: the REST shape; multi-value mode when the event has
    /// `multiValueHeaders`. Its query values arrive still percent-encoded.
    static func loadBalancer(_ event: JSONObject, _ method: String) throws(LambdaEventError) -> LambdaHTTPRequest {
        let multiValue = event["multiValueHeaders"] != nil
        var pairs: [(String, String)] = []
        for key in multiValue ? ["multiValueQueryStringParameters"] : ["queryStringParameters"] {
            guard case .object(let query)? = event[key] else { continue }
            for member in query.members {
                for value in values(member.value) { pairs.append((member.key, value)) }
            }
        }
        let query = pairs.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
        let path = event["path"]?.string ?? "/"
        return LambdaHTTPRequest(kind: .loadBalancer(multiValue: multiValue), method: method, target: query.isEmpty ? path : "\(path)?\(query)",
                                 headers: multiValueHeaders(event), body: try body(event))
    }

    /// The answer in the format of the event that asked.
    public static func response(_ response: LambdaHTTPResponse, for kind: LambdaHTTPRequest.Kind) -> [UInt8] {
        let (text, base64) = encodedBody(response)
        var object = JSONObject([("statusCode", .integer(response.status))])
        switch kind {
        case .httpAPI, .restAPI, .direct, .loadBalancer(multiValue: false):
            if case .loadBalancer = kind { object.append("statusDescription", .string("\(response.status) \(response.reason)")) }
            var headers = JSONObject()
            var cookies: [JSONValue] = []
            for (name, value) in response.headers {
                if kind == .httpAPI, name.lowercased() == "set-cookie" { cookies.append(.string(value)); continue }
                if let existing = headers[name]?.string { headers[name] = .string("\(existing), \(value)") } else { headers.append(name, .string(value)) }
            }
            object.append("headers", .object(headers))
            if !cookies.isEmpty { object.append("cookies", .array(cookies)) }
        case .loadBalancer(multiValue: true):
            object.append("statusDescription", .string("\(response.status) \(response.reason)"))
            var headers = JSONObject()
            for (name, value) in response.headers {
                if case .array(let list)? = headers[name] { headers[name] = .array(list + [.string(value)]) } else { headers.append(name, .array([.string(value)])) }
            }
            object.append("multiValueHeaders", .object(headers))
        }
        object.append("body", .string(text))
        object.append("isBase64Encoded", .bool(base64))
        return JSONValue.object(object).serialized()
    }

    // MARK: Parts

    /// The body, base64-decoded when `isBase64Encoded`.
    static func body(_ event: JSONObject) throws(LambdaEventError) -> [UInt8] {
        guard case .string(let text)? = event["body"] else { return [] }
        guard event["isBase64Encoded"] == .bool(true) else { return Array(text.utf8) }
        guard let data = Data(base64Encoded: text, options: .ignoreUnknownCharacters) else {
            throw LambdaEventError("the event's body is marked base64 but is not base64.")
        }
        return [UInt8](data)
    }

    /// A text body as is; anything else (not UTF-8, or a binary media type) in base64.
    static func encodedBody(_ response: LambdaHTTPResponse) -> (String, Bool) {
        let type = response.headers.first { $0.name.lowercased() == "content-type" }?.value.lowercased() ?? ""
        let textual = type.isEmpty || type.hasPrefix("text/") || type.contains("json") || type.contains("xml") || type.contains("javascript")
        if textual, let text = String(validating: response.body, as: UTF8.self) { return (text, false) }
        return (Data(response.body).base64EncodedString(), true)
    }

    static func multiValueHeaders(_ event: JSONObject) -> [(name: String, value: String)] {
        if case .object(let multi)? = event["multiValueHeaders"] {
            return multi.members.flatMap { member in values(member.value).map { (member.key.lowercased(), $0) } }
        }
        return stringPairs(event["headers"])
    }

    /// `?a=1&b=2` from the decoded query values of payload 1.0, encoded again.
    static func queryString(_ event: JSONObject) -> String {
        var pairs: [String] = []
        if case .object(let multi)? = event["multiValueQueryStringParameters"] {
            for member in multi.members { for value in values(member.value) { pairs.append("\(encode(member.key))=\(encode(value))") } }
        } else if case .object(let single)? = event["queryStringParameters"] {
            for member in single.members { if let value = member.value.string { pairs.append("\(encode(member.key))=\(encode(value))") } }
        }
        return pairs.isEmpty ? "" : "?" + pairs.joined(separator: "&")
    }

    static func stringPairs(_ value: JSONValue?) -> [(name: String, value: String)] {
        guard case .object(let object)? = value else { return [] }
        return object.members.compactMap { member in member.value.string.map { (member.key.lowercased(), $0) } }
    }

    static func values(_ value: JSONValue) -> [String] {
        switch value {
        case .array(let items): items.compactMap(\.string)
        case .string(let s): [s]
        default: []
        }
    }

    /// Percent-encoding for a query name or value (unreserved characters kept).
    static func encode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }
}
