/// A reference to a model in the local store: `name` (the latest version), `name:version` or
/// `name@alias`.
public struct ModelReference: Sendable, Hashable, CustomStringConvertible {
    public enum Selector: Sendable, Hashable {
        case latest
        case version(String)
        case alias(String)
    }

    public let name: String
    public let selector: Selector

    public init(name: String, selector: Selector = .latest) {
        self.name = name
        self.selector = selector
    }

    /// Parses `name`, `name:version`, `name@alias` (`name@latest` is the latest version), checking
    /// every part with `StoreNames`.
    public init(parsing text: String) throws(StoreError) {
        if let at = text.firstIndex(of: "@") {
            let name = String(text[..<at]), alias = String(text[text.index(after: at)...])
            try StoreNames.check(name, as: "model name")
            try StoreNames.check(alias, as: "alias")
            self.init(name: name, selector: alias == "latest" ? .latest : .alias(alias))
        } else if let colon = text.firstIndex(of: ":") {
            let name = String(text[..<colon]), version = String(text[text.index(after: colon)...])
            try StoreNames.check(name, as: "model name")
            try StoreNames.check(version, as: "version")
            self.init(name: name, selector: version == "latest" ? .latest : .version(version))
        } else {
            try StoreNames.check(text, as: "model name")
            self.init(name: text)
        }
    }

    /// True for references whose version can change over time (latest, aliases).
    public var isMoving: Bool {
        if case .version = selector { return false }
        return true
    }

    public var description: String {
        switch selector {
        case .latest: return name
        case .version(let v): return "\(name):\(v)"
        case .alias(let a): return "\(name)@\(a)"
        }
    }
}

/// The names the store accepts for models, versions and aliases: 1–128 characters from
/// `A–Z a–z 0–9 . _ -`, starting with a letter or digit. This keeps every name a single, plain
/// path component (no `/`, no `..`, no hidden files, nothing absolute).
public enum StoreNames {
    public static let maxLength = 128

    public static func isValid(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, text.unicodeScalars.count <= maxLength, isAlphanumeric(first) else { return false }
        return text.unicodeScalars.allSatisfy { isAlphanumeric($0) || $0 == "." || $0 == "_" || $0 == "-" }
    }

    public static func check(_ text: String, as what: String) throws(StoreError) {
        guard isValid(text) else {
            throw StoreError(.invalidName, "'\(text)' is not a valid \(what): use 1–\(maxLength) letters, digits, '.', '_' or '-', starting with a letter or digit.")
        }
    }

    private static func isAlphanumeric(_ s: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(s) || ("A"..."Z").contains(s) || ("0"..."9").contains(s)
    }
}
