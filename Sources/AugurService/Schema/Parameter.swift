/// One request parameter of a route, as declared in `augur.yaml`: its type, constraints and docs.
///
/// Drives validation (`RouteSchema`), the OpenAPI schema and the docs page.
public struct Parameter: Sendable, Equatable {
    /// The declared type.
    public enum Kind: String, Sendable, CaseIterable {
        case int, float, str, bool, `enum`
    }

    public let name: String
    public let type: Kind
    /// False when the parameter has a `default` or `required: false`.
    public let required: Bool
    /// Used when the parameter is absent; nil when there is none (absent → missing value).
    public let defaultValue: JSONValue?
    /// Whether `null` is accepted (a missing value: NaN in float features).
    public let nullable: Bool
    public let minimum: Double?
    public let maximum: Double?
    public let exclusiveMinimum: Double?
    public let exclusiveMaximum: Double?
    public let minLength: Int?
    public let maxLength: Int?
    public let pattern: String?
    /// The options of an `enum` (strings or numbers), in file order; empty for other types.
    public let options: [JSONValue]
    public let description: String
    public let unit: String?
    public let example: JSONValue?
    /// The description per language (`description: {en: …, fr: …}`); `description` is its text.
    public let localizedDescription: LocalizedText
    /// The name people read in a form (`label:`), per language; nil: made from the name.
    public let label: LocalizedText?

    public init(name: String, type: Kind, required: Bool = true, defaultValue: JSONValue? = nil,
                nullable: Bool = false, minimum: Double? = nil, maximum: Double? = nil,
                exclusiveMinimum: Double? = nil, exclusiveMaximum: Double? = nil,
                minLength: Int? = nil, maxLength: Int? = nil, pattern: String? = nil,
                options: [JSONValue] = [], description: String = "", unit: String? = nil, example: JSONValue? = nil,
                localizedDescription: LocalizedText? = nil, label: LocalizedText? = nil) {
        self.name = name
        self.type = type
        self.required = required
        self.defaultValue = defaultValue
        self.nullable = nullable
        self.minimum = minimum
        self.maximum = maximum
        self.exclusiveMinimum = exclusiveMinimum
        self.exclusiveMaximum = exclusiveMaximum
        self.minLength = minLength
        self.maxLength = maxLength
        self.pattern = pattern
        self.options = options
        self.description = description
        self.unit = unit
        self.example = example
        self.localizedDescription = localizedDescription ?? LocalizedText(description)
        self.label = label
    }
}
