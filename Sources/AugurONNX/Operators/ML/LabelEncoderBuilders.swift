import AugurEngine

/// ONNX builders for LabelEncoder (opsets 1, 2 and 4) and CategoryMapper.
enum LabelEncoderBuilders {
    /// Opset 1: `classes_strings` maps strings to their index and indices back to strings.
    static func labelEncoderV1(_ ctx: NodeContext) throws -> any Operator {
        try MLAttributes.expectInputs(ctx, 1)
        let classes = try ctx.required("classes_strings", ctx.strings)
        return try CategoryMapper(strings: classes, ints: classes.indices.map { Int64($0) },
                                  defaultString: try ctx.string("default_string", default: "_Unused"),
                                  defaultInt: Int64(try ctx.int("default_int64", default: -1)))
    }

    /// Opset 2: parallel `keys_*` / `values_*` lists; NaN keys never match.
    static func labelEncoderV2(_ ctx: NodeContext) throws -> any Operator {
        try MLAttributes.expectInputs(ctx, 1)
        let keyName = try MLAttributes.exactlyOne(ctx, of: ["keys_strings", "keys_int64s", "keys_floats"])
        let valueName = try MLAttributes.exactlyOne(ctx, of: ["values_strings", "values_int64s", "values_floats"])
        let (keys, values) = try pair(ctx, keyName, valueName)
        return try LabelEncoder(keys: keys, values: values, defaultValue: try attributeDefault(ctx, for: values),
                                nanMatchesNaN: false)
    }

    /// Opset 4: lists or 1-D tensors, a `default_tensor`, and NaN keys that match NaN.
    static func labelEncoderV4(_ ctx: NodeContext) throws -> any Operator {
        try MLAttributes.expectInputs(ctx, 1)
        let keyName = try MLAttributes.exactlyOne(ctx, of: ["keys_tensor", "keys_strings", "keys_int64s", "keys_floats"])
        let valueName = try MLAttributes.exactlyOne(ctx, of: ["values_tensor", "values_strings", "values_int64s", "values_floats"])
        let (keys, values) = try pair(ctx, keyName, valueName)
        let fallback: LabelScalar
        if let tensor = try ctx.tensor("default_tensor") {
            guard tensor.shape == [1], let scalar = scalar(tensor.storage) else {
                throw ctx.error("default_tensor", "must be a 1-D tensor of one element, not \(tensor).")
            }
            guard scalar.elementType == values.elementType else {
                throw ctx.error("default_tensor", "is \(scalar.elementType) but the values are \(values.elementType).")
            }
            fallback = scalar
        } else {
            fallback = try attributeDefault(ctx, for: values)
        }
        return try LabelEncoder(keys: keys, values: values, defaultValue: fallback, nanMatchesNaN: true)
    }

    static func categoryMapper(_ ctx: NodeContext) throws -> any Operator {
        try MLAttributes.expectInputs(ctx, 1)
        let strings = try ctx.required("cats_strings", ctx.strings)
        let ints = try ctx.required("cats_int64s", ctx.int64s)
        guard strings.count == ints.count else {
            throw ctx.error("cats_int64s", "has '\(ints.count)' values but 'cats_strings' has \(strings.count).")
        }
        return try CategoryMapper(strings: strings, ints: ints,
                                  defaultString: try ctx.string("default_string", default: "_Unused"),
                                  defaultInt: Int64(try ctx.int("default_int64", default: -1)))
    }

    /// The keys or values held by attribute `name` (a list, or a 1-D `*_tensor`).
    private static func list(_ ctx: NodeContext, _ name: String) throws -> LabelList {
        if name.hasSuffix("_strings") { return .string(try ctx.strings(name) ?? []) }
        if name.hasSuffix("_int64s") { return .int64(try ctx.int64s(name) ?? []) }
        if name.hasSuffix("_floats") { return .float32(try ctx.floats(name) ?? []) }
        guard let tensor = try ctx.tensor(name) else { throw ctx.error(name, "is required.", code: .missingAttribute) }
        guard tensor.rank == 1 else { throw ctx.error(name, "must be a 1-D tensor, not \(tensor).") }
        switch tensor.storage {
        case .string(let v): return .string(v)
        case .int64(let v): return .int64(v)
        case .int32(let v): return .int32(v)
        case .float32(let v): return .float32(v)
        case .float64(let v): return .float64(v)
        case .bool: throw ctx.error(name, "cannot hold bool; expected string, int64, int32, float or double.", code: .unsupportedType)
        }
    }

    /// Keys and values from the named attributes, checked to have the same length.
    private static func pair(_ ctx: NodeContext, _ keyName: String, _ valueName: String) throws -> (LabelList, LabelList) {
        let keys = try list(ctx, keyName)
        let values = try list(ctx, valueName)
        guard keys.count == values.count else {
            throw ctx.error(valueName, "has '\(values.count)' values but '\(keyName)' has \(keys.count) keys.")
        }
        return (keys, values)
    }

    /// The default for missing keys from `default_string` / `default_int64` / `default_float`,
    /// or the schema's default for the value type.
    private static func attributeDefault(_ ctx: NodeContext, for values: LabelList) throws -> LabelScalar {
        switch values {
        case .string: .string(try ctx.string("default_string", default: "_Unused"))
        case .int64: .int64(Int64(try ctx.int("default_int64", default: -1)))
        case .float32: .float32(try ctx.float("default_float", default: -0.0))
        case .float64: .float64(-0.0)
        case .int32: .int32(-1)
        }
    }

    private static func scalar(_ storage: TensorStorage) -> LabelScalar? {
        switch storage {
        case .string(let v): v.first.map { .string($0) }
        case .int64(let v): v.first.map { .int64($0) }
        case .int32(let v): v.first.map { .int32($0) }
        case .float32(let v): v.first.map { .float32($0) }
        case .float64(let v): v.first.map { .float64($0) }
        case .bool: nil
        }
    }
}
