import AugurEngine

/// ONNX builders for LinearClassifier and LinearRegressor.
enum LinearModelBuilders {
    static func linearClassifier(_ ctx: NodeContext) throws -> any Operator {
        try MLAttributes.expectInputs(ctx, 1)
        let coefficients = try ctx.required("coefficients", ctx.floats)
        guard let intercepts = try ctx.floats("intercepts"), !intercepts.isEmpty else {
            throw ctx.error("intercepts", "is required: it gives the number of classes.", code: .missingAttribute)
        }
        guard !coefficients.isEmpty, coefficients.count % intercepts.count == 0 else {
            throw ctx.error("coefficients",
                "'\(coefficients.count)' values do not form one row per class for \(intercepts.count) classes.")
        }
        let given = try MLAttributes.intsOrStrings(ctx, ints: "classlabels_ints", strings: "classlabels_strings")
        let labels: LinearClassifier.Labels = given.strings.map { .string($0) } ?? .int64(given.ints ?? [])
        if intercepts.count > 1, labels.count < intercepts.count {
            throw ctx.error(given.strings == nil ? "classlabels_ints" : "classlabels_strings",
                "'\(labels.count)' labels for \(intercepts.count) classes.")
        }
        let multiClass = try ctx.int("multi_class", default: 0)
        guard multiClass == 0 || multiClass == 1 else {
            throw ctx.error("multi_class", "'\(multiClass)' is not 0 (one versus rest) or 1 (multinomial).")
        }
        return try LinearClassifier(coefficients: coefficients, intercepts: intercepts, labels: labels,
                                    postTransform: try MLAttributes.postTransform(ctx))
    }

    static func linearRegressor(_ ctx: NodeContext) throws -> any Operator {
        try MLAttributes.expectInputs(ctx, 1)
        let targets = try ctx.int("targets", default: 1)
        guard targets > 0 else { throw ctx.error("targets", "'\(targets)' is not a positive count.") }
        let coefficients = try ctx.required("coefficients", ctx.floats)
        guard !coefficients.isEmpty, coefficients.count % targets == 0 else {
            throw ctx.error("coefficients", "'\(coefficients.count)' values do not form one row per target for \(targets) targets.")
        }
        let intercepts = try ctx.floats("intercepts").flatMap { $0.isEmpty ? nil : $0 }
        if let intercepts, intercepts.count != targets {
            throw ctx.error("intercepts", "'\(intercepts.count)' values for \(targets) targets.")
        }
        return try LinearRegressor(coefficients: coefficients, intercepts: intercepts, targets: targets,
                                   postTransform: try MLAttributes.postTransform(ctx))
    }
}
