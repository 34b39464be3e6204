/// A `Parameter` ready to validate request values: pattern compiled, options resolved.
///
/// The fields live in one shared immutable box, so copying a spec (as the request path does
/// when it calls into one) is a single retain rather than a copy of every string and array.
struct ParameterSpec: Sendable {
    private final class Box: Sendable {
        let parameter: Parameter
        let pattern: LinearPattern?
        let absentValue: ParameterValue
        let expectedOptions: String

        init(parameter: Parameter, pattern: LinearPattern?, absentValue: ParameterValue, expectedOptions: String) {
            self.parameter = parameter
            self.pattern = pattern
            self.absentValue = absentValue
            self.expectedOptions = expectedOptions
        }
    }

    private let box: Box

    var parameter: Parameter { box.parameter }
    var pattern: LinearPattern? { box.pattern }
    /// The value used when the parameter is absent: its default, or missing.
    var absentValue: ParameterValue { box.absentValue }
    /// `'Urban', 'Semiurban' or 'Rural'`, for enum messages.
    var expectedOptions: String { box.expectedOptions }

    init?(_ parameter: Parameter, reader: inout ConfigReader, at node: ConfigNode) {
        var pattern: LinearPattern?
        if let source = parameter.pattern {
            do throws(LinearPattern.SyntaxError) {
                pattern = try LinearPattern(source)
            } catch {
                reader.error(node.child("pattern", node.node), .invalidPattern, "invalid pattern '\(source)': \(error).")
                return nil
            }
        }
        if let lo = parameter.minimum ?? parameter.exclusiveMinimum, let hi = parameter.maximum ?? parameter.exclusiveMaximum, lo > hi {
            reader.error(node, .conflictingKeys, "the minimum \(Self.format(lo)) is greater than the maximum \(Self.format(hi)).")
            return nil
        }
        self.init(parameter: parameter, pattern: pattern, absentValue: .missing)
        if let value = parameter.defaultValue {
            var issues: [Issue] = []
            let converted = validate(value, at: [], issues: &issues)
            self = ParameterSpec(parameter: parameter, pattern: pattern, absentValue: converted ?? .missing)
        }
    }

    private init(parameter: Parameter, pattern: LinearPattern?, absentValue: ParameterValue) {
        box = Box(parameter: parameter, pattern: pattern, absentValue: absentValue,
                  expectedOptions: Self.list(parameter.options.map(Self.repr)))
    }

    var name: String { parameter.name }

    /// The value's type in expressions.
    var expressionType: ExpressionType {
        switch parameter.type {
        case .int, .float: .number
        case .str: .string
        case .bool: .bool
        case .enum: parameter.options.first.map { if case .number = $0 { .number } else { .string } } ?? .string
        }
    }

    /// Enum options as expression map keys.
    var optionKeys: [ExpressionSyntax.MapKey] {
        parameter.options.compactMap { option in
            switch option {
            case .number(let n): .number(n.double)
            case .string(let s): .string(s)
            default: nil
            }
        }
    }

    /// `'a', 'b' or 'c'` (pydantic's wording).
    static func list(_ items: [String]) -> String {
        guard items.count > 1, let last = items.last else { return items.first ?? "" }
        return items.dropLast().joined(separator: ", ") + " or " + last
    }

    /// Strings quoted, numbers as written.
    static func repr(_ value: JSONValue) -> String {
        switch value {
        case .string(let s): "'\(s)'"
        case .number(let n): n.int64 != nil ? n.description : format(n.double)
        default: value.serializedString
        }
    }

    /// A bound as pydantic shows it: `0`, `0.5`, `100000`.
    static func format(_ value: Double) -> String {
        if value.rounded() == value, abs(value) < 1e15 { return String(Int64(value)) }
        return value.description
    }

    /// A bound as JSON: an integer when whole.
    static func json(_ value: Double) -> JSONValue {
        if value.rounded() == value, abs(value) < 1e15 { return .integer(Int(value)) }
        return .number(value)
    }
}

