/// One problem in a configuration file: where (file, line, key path), what kind (`code`,
/// stable, for tools) and what was expected (`message`, for people).
public struct ConfigError: Sendable, Equatable, CustomStringConvertible {
    /// The kinds of configuration problem: the catalogue `augur check --format json` reports.
    public enum Code: String, Sendable, CaseIterable {
        /// A file or environment variable the configuration names cannot be read.
        case unreadable
        /// The file is not YAML.
        case yamlInvalid = "yaml_invalid"
        /// A value of the wrong kind (a list for a mapping, text for a number, …).
        case wrongType = "wrong_type"
        /// A number outside the range its key allows.
        case outOfRange = "out_of_range"
        /// A key the section does not have (with the closest one suggested).
        case unknownKey = "unknown_key"
        /// A key (or a list's item) the section needs.
        case missingKey = "missing_key"
        /// Keys that contradict each other, or one that does not apply to its parameter's type.
        case conflictingKeys = "conflicting_keys"
        /// A value its key does not accept.
        case invalidValue = "invalid_value"
        /// A route name taken by one of Augur's own endpoints.
        case reservedName = "reserved_name"
        /// A feature or rule expression that does not parse or has the wrong type.
        case invalidExpression = "invalid_expression"
        /// A `pattern` that does not compile (or uses syntax that is refused).
        case invalidPattern = "invalid_pattern"
        /// A model that cannot be found, read or loaded.
        case modelUnavailable = "model_unavailable"
        /// A route that does not fit its model's inputs or outputs.
        case modelMismatch = "model_mismatch"
    }

    public let file: String
    /// 1-based line, when known.
    public let line: Int?
    /// Dotted key path such as `routes.loan.parameters.age`; empty for the whole file.
    public let keyPath: String
    public let code: Code
    public let message: String

    public init(file: String, line: Int?, keyPath: String, code: Code, message: String) {
        self.file = file
        self.line = line
        self.keyPath = keyPath
        self.code = code
        self.message = message
    }

    /// `augur.yaml:12: routes.loan.parameters.age: unknown type 'integer'; expected one of int, float, str, bool, enum.`
    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        text += ": "
        if !keyPath.isEmpty { text += "\(keyPath): " }
        return text + message
    }
}

/// Every problem found in a configuration file, reported together.
public struct ConfigErrors: Error, Sendable, CustomStringConvertible {
    public let errors: [ConfigError]

    public init(_ errors: [ConfigError]) {
        self.errors = errors
    }

    /// One error per line.
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}
