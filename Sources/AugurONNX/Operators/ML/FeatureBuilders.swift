import AugurEngine

/// ONNX builders for ArrayFeatureExtractor, FeatureVectorizer and ZipMap.
enum FeatureBuilders {
    static func arrayFeatureExtractor(_ ctx: NodeContext) throws -> any Operator {
        try MLAttributes.expectInputs(ctx, 2)
        return ArrayFeatureExtractor()
    }

    static func featureVectorizer(_ ctx: NodeContext) throws -> any Operator {
        let dimensions = try ctx.required("inputdimensions", ctx.ints)
        guard !dimensions.isEmpty else { throw ctx.error("inputdimensions", "must not be empty.") }
        guard dimensions.count == ctx.inputCount else {
            throw ctx.error("inputdimensions", "has '\(dimensions.count)' values but the node has \(ctx.inputCount) inputs.")
        }
        if let bad = dimensions.first(where: { $0 < 0 }) {
            throw ctx.error("inputdimensions", "dimension '\(bad)' is negative.")
        }
        return try FeatureVectorizer(dimensions: dimensions)
    }

    static func zipMap(_ ctx: NodeContext) throws -> any Operator {
        try MLAttributes.expectInputs(ctx, 1)
        let given = try MLAttributes.intsOrStrings(ctx, ints: "classlabels_int64s", strings: "classlabels_strings")
        return try ZipMap(labels: given.strings.map { .string($0) } ?? .int64(given.ints ?? []))
    }
}
