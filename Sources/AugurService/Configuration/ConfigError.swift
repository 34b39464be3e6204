/// One problem in a configuration file: where (file, line, key path) and what was expected.
public struct ConfigError: Sendable, Equatable, CustomStringConvertible {
    public let file: String
    /// 1-based line, when known.
    public let line: Int?
    /// Dotted key path such as `routes.loan.parameters.age`; empty for the whole file.
    public let keyPath: String
    public let message: String

    public init(file: String, line: Int?, keyPath: String, message: String) {
        self.file = file
        self.line = line
        self.keyPath = keyPath
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
