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
            weightsForOneClass: classes == 2 && Set(weights.ids).count == 1,
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
        let weights: [[(target: Int, weight: Double)]]
        let targets: Int
        let aggregation: TreeAggregation
        let base: [Double]
        let post: PostTransform

        func build(double: Bool, kind: TreeEnsemble.Kind, _ ctx: NodeContext) throws -> TreeEnsemble {
            if double {
                return try TreeEnsemble(model(Double.self), kind: kind) { nodes.loadError(ctx, $0) }
            }
            return try TreeEnsemble(model(Float.self), kind: kind) { nodes.loadError(ctx, $0) }
        }

        /// With one target, a leaf without weights contributes its own `nodes_values` entry,
        /// as onnxruntime's single-output path reads it.
        private func model<T: TreeScalar>(_: T.Type) -> TreeEnsembleModel<T> {
            let leafWeights: [[TreeLeafWeight<T>]] = weights.enumerated().map { position, list in
                if targets == 1, list.isEmpty {
                    return [TreeLeafWeight(target: 0, weight: T(nodes.values[position]))]
                }
                return list.map { TreeLeafWeight(target: $0.target, weight: T($0.weight)) }
            }
            return TreeEnsembleModel(trees: nodes.decisionTrees(leafWeights), targetCount: targets,
                                     aggregation: aggregation, baseValues: base.map { T($0) },
                                     postTransform: post, minimumFeatureCount: nodes.minimumFeatureCount)
        }
    }
}

/// The `class_*` or `target_*` weight attributes.
struct TreeWeightsV3 {
    let prefix: String
    let treeIds: [Int64]
    let nodeIds: [Int64]
    let ids: [Int64]
    let weights: [Double]

    init(_ ctx: NodeContext, prefix: String) throws {
        self.prefix = prefix
        ids = try ctx.int64List("\(prefix)_ids")
        treeIds = try ctx.int64List("\(prefix)_treeids")
        nodeIds = try ctx.int64List("\(prefix)_nodeids")
        weights = try ctx.exclusiveDoubles("\(prefix)_weights")
        try ctx.expectCount("\(prefix)_treeids", treeIds, ids.count, like: "\(prefix)_ids")
        try ctx.expectCount("\(prefix)_nodeids", nodeIds, ids.count, like: "\(prefix)_ids")
        let weightName = ctx.has("\(prefix)_weights_as_tensor") ? "\(prefix)_weights_as_tensor" : "\(prefix)_weights"
        try ctx.expectCount(weightName, weights, ids.count, like: "\(prefix)_ids")
    }

    /// The weights of each node position, in attribute order. Weights on branches are
    /// ignored, as onnxruntime does for files from old converters.
    func perNode(_ nodes: TreeNodesV3, targetCount: Int, _ ctx: NodeContext,
                 noun: String) throws -> [[(target: Int, weight: Double)]] {
        var result = [[(target: Int, weight: Double)]](repeating: [], count: nodes.modes.count)
        for index in ids.indices {
            guard let position = nodes.positions[TreeNodesV3.Key(tree: treeIds[index], node: nodeIds[index])] else {
                throw ctx.error("\(prefix)_nodeids",
                    "weight \(index) refers to node '\(nodeIds[index])' of tree '\(treeIds[index])', which does not exist.")
            }
            guard ids[index] >= 0, ids[index] < Int64(targetCount) else {
                throw ctx.error("\(prefix)_ids", "\(noun) index '\(ids[index])' is out of range for \(targetCount) \(noun == "class" ? "classes" : "targets").")
            }
            guard nodes.modes[position] == .leaf else { continue }
            result[position].append((Int(ids[index]), weights[index]))
        }
        return result
    }
}
