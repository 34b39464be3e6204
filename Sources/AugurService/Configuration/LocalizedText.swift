/// A text of `augur.yaml` given once (`description: Predicts…`) or per language
/// (`description: {en: Predicts…, fr: Prédit…}`). The API (OpenAPI, errors) uses `text`, the
/// English one when given, else the first; the end-user forms pick the reader's language.
public struct LocalizedText: Sendable, Equatable {
    public let text: String
    /// Language tag, lowercased (`fr`, `pt-br`) → text.
    public let translations: [String: String]

    public init(_ text: String, translations: [String: String] = [:]) {
        self.text = text
        self.translations = translations
    }

    /// The text for a language tag: the exact tag, else its primary language, else `text`.
    public func text(for language: String) -> String {
        let tag = language.lowercased()
        if let exact = translations[tag] { return exact }
        let primary = String(tag.prefix { $0 != "-" })
        return translations[primary] ?? translations.first { $0.key.hasPrefix(primary + "-") }?.value ?? text
    }

    /// The translations as JSON (for the forms' script and the OpenAPI extension).
    public var translationsJSON: JSONValue {
        .object(JSONObject(translations.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }))
    }
}

extension ConfigReader {
    /// A text, or a mapping of language tags (`en`, `pt-BR`) to texts.
    mutating func localizedText(_ node: ConfigNode) -> LocalizedText? {
        guard case .mapping = node.node else { return string(node).map { LocalizedText($0) } }
        guard let entries = mapping(node) else { return nil }
        var translations: [String: String] = [:], first: String?
        for entry in entries {
            guard (try? /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})?$/.wholeMatch(in: entry.key)) != nil else {
                error(entry.value, .invalidValue, "'\(entry.key)' is not a language tag (such as en, fr or pt-BR); give the text per language, or one text.")
                continue
            }
            guard let text = string(entry.value) else { continue }
            translations[entry.key.lowercased()] = text
            if first == nil { first = text }
        }
        guard let first else {
            error(node, .invalidValue, "expected a text, or texts per language ({en: …, fr: …}); found an empty mapping.")
            return nil
        }
        return LocalizedText(translations["en"] ?? first, translations: translations)
    }
}
