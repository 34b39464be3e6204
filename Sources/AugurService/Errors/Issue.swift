/// One problem with a request, in the shape FastAPI/pydantic report: a stable `type` code,
/// where it is (`loc`), one sentence (`msg`), the offending `input` and optional context.
public struct Issue: Sendable, Equatable {
    public var type: IssueType
    public var loc: [LocationPart]
    public var msg: String
    public var input: JSONValue?
    public var context: JSONValue?

    public init(type: IssueType, loc: [LocationPart], msg: String, input: JSONValue? = nil, context: JSONValue? = nil) {
        self.type = type
        self.loc = loc
        self.msg = msg
        self.input = input
        self.context = context
    }

    /// `{"type", "loc", "msg", "input"?, "ctx"?}`.
    public var json: JSONValue {
        var object = JSONObject()
        object.reserveCapacity(5)
        object.append("type", .string(type.rawValue))
        object.append("loc", .array(loc.map(\.json)))
        object.append("msg", .string(msg))
        if let input { object.append("input", input) }
        if let context { object.append("ctx", context) }
        return .object(object)
    }
}

/// One step of an issue's location: an object key or an array index.
public enum LocationPart: Sendable, Equatable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral,
    CustomStringConvertible
{
    case key(String)
    case index(Int)

    public init(stringLiteral value: String) { self = .key(value) }
    public init(integerLiteral value: Int) { self = .index(value) }

    public var json: JSONValue {
        switch self {
        case .key(let key): .string(key)
        case .index(let index): .integer(index)
        }
    }

    public var description: String {
        switch self {
        case .key(let key): key
        case .index(let index): String(index)
        }
    }
}
