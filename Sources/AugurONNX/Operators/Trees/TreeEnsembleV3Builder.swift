import AugurEngine

/// Builds TreeEnsembleClassifier and TreeEnsembleRegressor (ai.onnx.ml opsets 1 and 3).
///
/// Values are Float unless a `*_as_tensor` attribute holds float64 values, in which case
/// they are Double and the input must be float64 (as onnxruntime requires).
enum TreeEnsembleV3Builder {
    static func regressor(_ ctx: NodeContext) throws -> any Operator {
        let targets = try ctx.required("n_targets", ctx.int)
        guard targets >= 1, targets <= TreeEnsemble.targetLimit else {
            throw ctx.error("n_targets", "'\(targets)' must be between 1 and \(TreeEnsemble.targetLimit).")
        }
        let aggregation = try aggregationString(ctx)
        let nodes = try TreeNodesV3(ctx)
        let weights = try TreeWeightsV3(ctx, prefix: "target")
        let perNode = try weights.perNode(nodes, targetCount: targets, ctx, noun: "target")
        let base = try ctx.exclusiveDoubles("base_values")
        guard base.isEmpty || base.count == targets else {
            throw ctx.error("base_values", "has \(base.count) values for \(targets) targets; give none or one per target.")
        }
        let post = try ctx.postTransformString()
        let double = try ["nodes_values", "target_weights", "base_values"].contains { try ctx.usesFloat64Tensor($0) }
        let parts = Parts(nodes: nodes, weights: perNode, targets: targets, aggregation: aggregation, base: base, post: post)
        return try parts.build(double: double, kind: .regressor, ctx)
    }

    static func classifier(_ ctx: NodeContext) throws -> any Operator {
        let labels = try classLabels(ctx)
        let classes = labels.count
        let nodes = try TreeNodesV3(ctx)
        let weights = try TreeWeightsV3(ctx, prefix: "class")
        let perNode = try weights.perNode(nodes, targetCount: classes, ctx, noun: "class")
        let base = try ctx.exclusiveDoubles("base_values")
        let baseFits = classes <= 2 ? base.count <= 2 : (base.isEmpty || base.count == classes)
        guard baseFits else {
            throw ctx.error("base_values", "has \(base.count) values for \(classes) classes; give none or one per class.")
        }
        let post = try ctx.postTransformString()
        let classification = TreeClassification(
            labels: labels,
            weightsForOneClass: classes == 2 && weights.ids.first.map { first in weights.ids.allSatisfy { $0 == first } } == true,
            weightsAreNonNegative: !weights.weights.contains { $0 < 0 })
        let double = try ["nodes_values", "class_weights", "base_values"].contains { try ctx.usesFloat64Tensor($0) }
        let parts = Parts(nodes: nodes, weights: perNode, targets: classes, aggregation: .sum, base: base, post: post)
        return try parts.build(double: double, kind: .classifier(classification), ctx)
    }

    private static func classLabels(_ ctx: NodeContext) throws -> TreeClassLabels {
        let ints = try ctx.int64List("classlabels_int64s")
        let strings = try ctx.strings("classlabels_strings") ?? []
        switch (ints.isEmpty, strings.isEmpty) {
        case (false, true):
            guard ints.count <= TreeEnsemble.targetLimit else { throw ctx.error("classlabels_int64s", "has too many labels.") }
            return .int64(ints)
        case (true, false):
            guard strings.count >= 2 else { throw ctx.error("classlabels_strings", "has one label; a classifier needs at least two.") }
            guard strings.count <= TreeEnsemble.targetLimit else { throw ctx.error("classlabels_strings", "has too many labels.") }
            return .strings(strings)
        case (false, false):
            throw ctx.error("classlabels_strings", "is given together with 'classlabels_int64s'; use one.")
        case (true, true):
            throw ctx.error("classlabels_int64s", "or 'classlabels_strings' is required.", code: .missingAttribute)
        }
    }

    private static func aggregationString(_ ctx: NodeContext) throws -> TreeAggregation {
        let name = try ctx.string("aggregate_function", default: "SUM")
        switch name {
        case "SUM": return .sum
        case "AVERAGE": return .average
        case "MIN": return .minimum
        case "MAX": return .maximum
        default: throw ctx.error("aggregate_function", "'\(name)' is not one of SUM, AVERAGE, MIN, MAX.")
        }
    }

    /// Everything read from the attributes, ready to become a model of either scalar type.
    private struct Parts {
        let nodes: TreeNodesV3
        let weights: TreeLeafWeightsV3
        let targets: Int
        let aggregation: TreeAggregation
        let base: [Double]
        let post: PostTransform

        func build(double: Bool, kind: TreeEnsemble.Kind, _ ctx: NodeContext) throws -> TreeEnsemble {
            if double {
                return try TreeEnsemble(try model(Double.self), kind: kind) { nodes.loadError(ctx, $0) }
            }
            return try TreeEnsemble(try model(Float.self), kind: kind) { nodes.loadError(ctx, $0) }
        }

        private func model<T: TreeScalar>(_: T.Type) throws -> TreeEnsembleModel<T> {
            TreeEnsembleModel(flatTrees: try nodes.flatTrees(weights, singleTarget: targets == 1), targetCount: targets,
                              aggregation: aggregation, baseValues: base.map { T($0) },
                              postTransform: post, minimumFeatureCount: nodes.minimumFeatureCount)
        }
    }
}
