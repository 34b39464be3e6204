/// A JSON object: key/value pairs in insertion order, with lookup by key.
///
/// Lookup scans the keys for small objects and uses a hash index past `indexThreshold` keys.
/// Equality compares keys and values in order.
public struct JSONObject: Sendable, Equatable {
    /// One key/value pair.
    public struct Member: Sendable, Equatable {
        public var key: String
        public var value: JSONValue
    }

    /// The members in order.
    public private(set) var members: [Member] = []
    private var index: [String: Int]? = nil

    private static let indexThreshold = 12

    public init() {}

    public init(_ pairs: [(String, JSONValue)]) {
        members.reserveCapacity(pairs.count)
        for (key, value) in pairs { self[key] = value }
    }

    public var count: Int { members.count }
    public var isEmpty: Bool { members.isEmpty }
    /// The keys in order (a new array).
    public var keys: [String] { members.map(\.key) }
    /// The values in order (a new array).
    public var values: [JSONValue] { members.map(\.value) }

    /// The position of `key`, or nil.
    public func position(of key: String) -> Int? {
        if let index { return index[key] }
        for i in members.indices where members[i].key == key { return i }
        return nil
    }

    /// The value for `key`; setting appends a new key or replaces the value in place, and
    /// setting nil removes the key.
    public subscript(key: String) -> JSONValue? {
        get { position(of: key).map { members[$0].value } }
        set {
            if let at = position(of: key) {
                if let newValue {
                    members[at].value = newValue
                } else {
                    members.remove(at: at)
                    rebuildIndex()
                }
            } else if let newValue {
                append(key, newValue)
            }
        }
    }

    /// Appends a member without checking for an existing key (callers check first).
    public mutating func append(_ key: String, _ value: JSONValue) {
        members.append(Member(key: key, value: value))
        if index != nil {
            index?[key] = members.count - 1
        } else if members.count > Self.indexThreshold {
            rebuildIndex()
        }
    }

    mutating func reserveCapacity(_ n: Int) {
        members.reserveCapacity(n)
    }

    private mutating func rebuildIndex() {
        guard members.count > Self.indexThreshold else {
            index = nil
            return
        }
        var built = [String: Int](minimumCapacity: members.count)
        for (position, member) in members.enumerated() { built[member.key] = position }
        index = built
    }

    public static func == (a: JSONObject, b: JSONObject) -> Bool { a.members == b.members }
}

extension JSONObject: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.init(elements)
    }
}
