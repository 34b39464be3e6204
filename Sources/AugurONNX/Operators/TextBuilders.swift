import AugurEngine

/// Builders for the text operators of scikit-learn's CountVectorizer and TfidfVectorizer:
/// StringNormalizer and TfIdfVectorizer (ai.onnx) and onnxruntime's Tokenizer (com.microsoft).
let textOperators: [OperatorRegistry.Entry] = [
    .init("", "StringNormalizer", versions: [10], TextBuilders.stringNormalizer),
    .init("", "TfIdfVectorizer", versions: [9], TextBuilders.tfIdfVectorizer),
    .init("com.microsoft", "Tokenizer", versions: [1], TextBuilders.tokenizer),
]

enum TextBuilders {
    static func stringNormalizer(_ ctx: NodeContext) throws -> any Operator {
        try MLAttributes.expectInputs(ctx, 1)
        let action = try ctx.string("case_change_action", default: "NONE")
        guard let change = StringNormalizer.CaseChange(rawValue: action) else {
            throw ctx.error("case_change_action", "'\(action)' is not LOWER, UPPER or NONE.")
        }
        let sensitive = try ctx.int("is_case_sensitive", default: 0)
        guard sensitive == 0 || sensitive == 1 else { throw ctx.error("is_case_sensitive", "'\(sensitive)' is not 0 or 1.") }
        // onnxruntime's UTF-8 locales map case alike; "C"/"POSIX" change ASCII only; Turkic
        // locales (dotted and dotless i) are refused rather than guessed.
        let locale = try ctx.string("locale") ?? ""
        if ["tr", "az"].contains(where: { locale.lowercased().hasPrefix($0 + "_") || locale.lowercased() == $0 }) {
            throw ctx.error("locale", "'\(locale)' is not supported (its i and I map differently).", code: .unsupportedFeature)
        }
        return StringNormalizer(caseChange: change, caseSensitive: sensitive == 1, stopWords: try ctx.strings("stopwords") ?? [],
                                asciiOnly: locale == "C" || locale == "POSIX")
    }

    static func tokenizer(_ ctx: NodeContext) throws -> any Operator {
        try MLAttributes.expectInputs(ctx, 1)
        let mark = try ctx.required("mark", ctx.int)
        let minimum = try ctx.required("mincharnum", ctx.int)
        let pad = try ctx.required("pad_value", ctx.string)
        let mode: Tokenizer.Mode
        if let separators = try ctx.strings("separators"), !separators.isEmpty {
            if separators == [""] {
                mode = .characters
            } else {
                mode = .separators(try separators.map { text in
                    guard let literal = literalSeparator(text) else {
                        throw ctx.error("separators", "'\(text)' is not supported; Augur splits on literal separators (plain text, escaped punctuation, or one character in brackets).",
                                        code: .unsupportedFeature)
                    }
                    return literal
                })
            }
        } else if let expression = try ctx.string("tokenexp") {
            if expression == "." {
                mode = .characters
            } else if let pattern = TokenPattern(expression) {
                mode = .pattern(pattern)
            } else {
                throw ctx.error("tokenexp", "'\(expression)' is not supported; Augur matches one character class with a repetition, such as [a-zA-Z0-9_]+ or [\\p{L}\\p{N}_]{2,}.",
                                code: .unsupportedFeature)
            }
        } else {
            throw ctx.error("tokenexp", "one of 'separators' and 'tokenexp' is required.", code: .missingAttribute)
        }
        return try Tokenizer(mode: mode, mark: mark != 0, padValue: pad, minimumLength: minimum)
    }

    static func tfIdfVectorizer(_ ctx: NodeContext) throws -> any Operator {
        try MLAttributes.expectInputs(ctx, 1)
        let name = try ctx.required("mode", ctx.string)
        guard let mode = TfIdfVectorizer.Mode(rawValue: name) else { throw ctx.error("mode", "'\(name)' is not TF, IDF or TFIDF.") }
        let pool: TfIdfVectorizer.Pool
        switch try MLAttributes.exactlyOne(ctx, of: ["pool_strings", "pool_int64s"]) {
        case "pool_strings": pool = .strings(try ctx.strings("pool_strings") ?? [])
        default: pool = .integers(try ctx.int64s("pool_int64s") ?? [])
        }
        return try TfIdfVectorizer(mode: mode, minimumLength: try ctx.required("min_gram_length", ctx.int),
                                   maximumLength: try ctx.required("max_gram_length", ctx.int),
                                   maximumSkip: try ctx.required("max_skip_count", ctx.int),
                                   ngramCounts: try ctx.required("ngram_counts", ctx.ints), ngramIndexes: try ctx.required("ngram_indexes", ctx.ints),
                                   pool: pool, weights: try ctx.floats("weights"))
    }
}
