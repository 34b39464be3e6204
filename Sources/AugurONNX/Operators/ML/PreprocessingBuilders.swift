import AugurEngine

/// ONNX builders for Scaler, Normalizer, Binarizer, Imputer and OneHotEncoder.
enum PreprocessingBuilders {
    static func scaler(_ ctx: NodeContext) throws -> any Operator {
        try MLAttributes.expectInputs(ctx, 1)
        let scale = try ctx.floats("scale") ?? []
        let offset = try ctx.floats("offset") ?? []
        guard !scale.isEmpty else { throw ctx.error("scale", "is required and must not be empty.", code: .missingAttribute) }
        guard offset.count == scale.count else {
            throw ctx.error("offset", "has '\(offset.count)' values but 'scale' has \(scale.count).")
        }
        return try Scaler(offset: offset, scale: scale)
    }

    static func normalizer(_ ctx: NodeContext) throws -> any Operator {
        try MLAttributes.expectInputs(ctx, 1)
        let name = try ctx.string("norm", default: "MAX")
        guard let norm = Normalizer.Norm(rawValue: name) else {
            throw ctx.error("norm", "unknown norm '\(name)'; expected MAX, L1 or L2.")
        }
        return Normalizer(norm: norm)
    }

    static func binarizer(_ ctx: NodeContext) throws -> any Operator {
        try MLAttributes.expectInputs(ctx, 1)
        return Binarizer(threshold: try ctx.float("threshold", default: 0))
    }

    static func imputer(_ ctx: NodeContext) throws -> any Operator {
        try MLAttributes.expectInputs(ctx, 1)
        let floats = try ctx.floats("imputed_value_floats").flatMap { $0.isEmpty ? nil : $0 }
        let ints = try ctx.int64s("imputed_value_int64s").flatMap { $0.isEmpty ? nil : $0 }
        switch (floats, ints) {
        case (let floats?, nil):
            return try Imputer(rule: .float(imputed: floats, replaced: try ctx.float("replaced_value_float", default: 0)))
        case (nil, let ints?):
            let replaced = Int64(try ctx.int("replaced_value_int64", default: 0))
            return try Imputer(rule: .int64(imputed: ints, replaced: replaced))
        case (nil, nil):
            throw ctx.error("imputed_value_floats", "one of 'imputed_value_floats' and 'imputed_value_int64s' is required.",
                            code: .missingAttribute)
        default:
            throw ctx.error("imputed_value_floats", "only one of 'imputed_value_floats' and 'imputed_value_int64s' may be given.")
        }
    }

    static func oneHotEncoder(_ ctx: NodeContext) throws -> any Operator {
        try MLAttributes.expectInputs(ctx, 1)
        let given = try MLAttributes.intsOrStrings(ctx, ints: "cats_int64s", strings: "cats_strings")
        let categories: OneHotEncoder.Categories = given.strings.map { .string($0) } ?? .int64(given.ints ?? [])
        return try OneHotEncoder(categories: categories, zerosForUnknown: try ctx.int("zeros", default: 1) != 0)
    }
}
