import AugurEngine

/// ONNX builders for SVMClassifier and SVMRegressor (ai.onnx.ml opset 1).
enum SVMBuilders {
    static func svmClassifier(_ ctx: NodeContext) throws -> any Operator {
        try MLAttributes.expectInputs(ctx, 1)
        let given = try MLAttributes.intsOrStrings(ctx, ints: "classlabels_ints", strings: "classlabels_strings")
        let labels: SVMClassifier.Labels = given.strings.map { .string($0) } ?? .int64(given.ints ?? [])
        let probA = try ctx.floats("prob_a") ?? [], probB = try ctx.floats("prob_b") ?? []
        guard probA.count == probB.count else {
            throw ctx.error("prob_b", "has \(probB.count) values and prob_a \(probA.count); they come in pairs.")
        }
        return try SVMClassifier(kernel: try kernel(ctx), labels: labels, vectorsPerClass: try ctx.ints("vectors_per_class") ?? [],
                                 supportVectors: try ctx.floats("support_vectors") ?? [],
                                 coefficients: try ctx.required("coefficients", ctx.floats), rho: try ctx.required("rho", ctx.floats),
                                 probA: probA, probB: probB, postTransform: try MLAttributes.postTransform(ctx))
    }

    static func svmRegressor(_ ctx: NodeContext) throws -> any Operator {
        try MLAttributes.expectInputs(ctx, 1)
        let oneClass = try ctx.int("one_class", default: 0)
        guard oneClass == 0 || oneClass == 1 else { throw ctx.error("one_class", "'\(oneClass)' is not 0 or 1.") }
        _ = try MLAttributes.postTransform(ctx)
        return try SVMRegressor(kernel: try kernel(ctx), vectorCount: try ctx.int("n_supports", default: 0),
                                supportVectors: try ctx.floats("support_vectors") ?? [],
                                coefficients: try ctx.required("coefficients", ctx.floats), rho: try ctx.required("rho", ctx.floats),
                                oneClass: oneClass == 1)
    }

    /// `kernel_type` (default LINEAR) and `kernel_params` [gamma, coef0, degree] (or none).
    static func kernel(_ ctx: NodeContext) throws -> SVMKernel {
        let name = try ctx.string("kernel_type", default: "LINEAR")
        guard let kind = SVMKernel.Kind(rawValue: name) else {
            throw ctx.error("kernel_type", "unknown kernel '\(name)'; expected LINEAR, POLY, RBF or SIGMOID.")
        }
        let params = try ctx.floats("kernel_params") ?? []
        guard params.isEmpty || params.count >= 3 else {
            throw ctx.error("kernel_params", "has \(params.count) values; it holds gamma, coef0 and degree.")
        }
        guard params.allSatisfy(\.isFinite) else { throw ctx.error("kernel_params", "holds a value that is not finite.") }
        return params.isEmpty ? SVMKernel(kind: kind) : SVMKernel(kind: kind, gamma: params[0], coef0: params[1], degree: params[2])
    }
}
