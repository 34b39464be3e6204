/// A model in an MLflow Model Registry: `models:/NAME/VERSION`, `models:/NAME@ALIAS` or
/// `models:/NAME/latest`, parsed the way MLflow's own client parses them.
///
/// The name is kept literally (MLflow does not percent-decode it; `models:/loan eu/1` names
/// `loan eu`) and is percent-encoded only when sent. MLflow forbids `/` and `:` in names and
/// allows letters, digits, `_` and `-` in aliases; anything else is refused here, before any
/// request. Stages (`models:/loan/Production`) are deprecated in MLflow and refused with a hint
/// to use an alias; `models:/m-…` (a logged model, not a registered one) is refused too.
public struct MLflowReference: Sendable, Hashable, CustomStringConvertible {
    public enum Selector: Sendable, Hashable {
        /// One version number, normalised (`007` → `7`).
        case version(String)
        /// A registered model alias (`champion`).
        case alias(String)
        /// The highest version number among the versions whose status is `READY`.
        case latest
    }

    public static let scheme = "models:/"
    /// MLflow's limit for alias names.
    public static let maxAliasLength = 255
    /// A sanity limit for names (MLflow's SQL stores allow 256 characters).
    public static let maxNameLength = 256

    public let name: String
    public let selector: Selector

    /// A reference from parts that are already known to be valid (for example from a resolved
    /// version); use `init(parsing:)` for text a user wrote.
    public init(name: String, selector: Selector) {
        self.name = name
        self.selector = selector
    }

    public init(parsing text: String) throws(StoreError) {
        guard Self.isMLflowURI(text) else {
            throw Self.malformed(text, "it does not start with 'models:/'")
        }
        let path = String(text.dropFirst(Self.scheme.count))
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        switch parts.count {
        case 2:
            let name = parts[0], suffix = parts[1]
            try Self.checkName(name, in: text)
            if let version = Self.normalisedVersion(suffix) {
                self.init(name: name, selector: .version(version))
            } else if suffix.lowercased() == "latest" {
                self.init(name: name, selector: .latest)
            } else if suffix.isEmpty {
                throw Self.malformed(text, "the version after '/' is empty")
            } else {
                throw StoreError(.invalidName, "'\(text)' selects the stage '\(suffix)'; MLflow deprecated stages and Augur does not resolve them. Use a version number, 'latest', or an alias: 'models:/\(name)@\(suffix.lowercased())'.")
            }
        case 1:
            guard let at = path.lastIndex(of: "@") else {
                if path.hasPrefix("m-") {
                    throw Self.malformed(text, "it names a logged model, not a registered model version")
                }
                throw Self.malformed(text, "it has no version or alias")
            }
            let name = String(path[..<at]), alias = String(path[path.index(after: at)...])
            try Self.checkName(name, in: text)
            guard !alias.isEmpty, alias.count <= Self.maxAliasLength,
                  alias.unicodeScalars.allSatisfy({ $0.properties.isAlphabetic || $0.properties.numericType != nil || $0 == "_" || $0 == "-" })
            else {
                throw StoreError(.invalidName, "'\(alias)' in '\(text)' is not a valid MLflow alias: use 1–\(Self.maxAliasLength) letters, digits, '_' or '-'.")
            }
            self.init(name: name, selector: alias.lowercased() == "latest" ? .latest : .alias(alias))
        default:
            throw Self.malformed(text, parts.count == 0 ? "it is empty" : "it has more than one '/' after the name")
        }
    }

    /// True when `text` is meant as an MLflow reference (starts with `models:/`), valid or not.
    public static func isMLflowURI(_ text: String) -> Bool {
        text.hasPrefix(scheme)
    }

    /// True for references whose version can change over time (latest, aliases): the ones a
    /// reloader polls.
    public var isMoving: Bool {
        if case .version = selector { return false }
        return true
    }

    public var description: String {
        switch selector {
        case .version(let version): return "\(Self.scheme)\(name)/\(version)"
        case .alias(let alias): return "\(Self.scheme)\(name)@\(alias)"
        case .latest: return "\(Self.scheme)\(name)/latest"
        }
    }

    /// `text` as a version number without leading zeros, or nil when it is not one (MLflow
    /// versions are positive integers).
    static func normalisedVersion(_ text: String) -> String? {
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
              let number = Int64(text), number > 0 else { return nil }
        return String(number)
    }

    private static func checkName(_ name: String, in text: String) throws(StoreError) {
        let problem: String?
        if name.allSatisfy(\.isWhitespace) {
            problem = "the model name is empty"
        } else if name.count > maxNameLength {
            problem = "the model name is longer than \(maxNameLength) characters"
        } else if name.contains(":") {
            problem = "MLflow model names cannot contain ':'"
        } else if name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            problem = "the model name contains a control character"
        } else {
            problem = nil
        }
        if let problem { throw malformed(text, problem) }
    }

    private static func malformed(_ text: String, _ problem: String) -> StoreError {
        StoreError(.invalidName, "'\(text)' is not a valid MLflow model URI: \(problem); expected 'models:/NAME/VERSION', 'models:/NAME@ALIAS' or 'models:/NAME/latest'.")
    }
}
