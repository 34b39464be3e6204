import AugurEngine

/// Builders for the ai.onnx domain.
let coreOperators: [OperatorRegistry.Entry] = [
    // Opset 8's Scan (a batch axis and sequence lengths) is a different operator: not listed.
    .init("", "Scan", versions: [9, 11, 16, 19, 21, 23, 24, 25]) { ctx in try CoreBuilders.scan(ctx) },
    .init("", "Identity", versions: [1, 13, 14, 16, 19, 21, 23, 24, 25]) { _ in Identity() },
] + coreTensorOperators + coreMathOperators + coreReductionOperators

/// Shape, layout, conversion and constant operators.
private let coreTensorOperators: [OperatorRegistry.Entry] = [
    .init("", "Cast", versions: [6, 9, 13, 19, 21, 23, 24, 25]) { ctx in Cast(to: try CoreBuilders.elementType(ctx, "to")) },
    .init("", "CastLike", versions: [15, 19, 21, 23, 24, 25]) { _ in Cast(to: nil) },
    .init("", "Concat", versions: [4, 11, 13]) { ctx in Concat(axis: try ctx.required("axis", ctx.int)) },
    .init("", "Concat", versions: [1]) { ctx in Concat(axis: try ctx.int("axis", default: 1)) },
    .init("", "Reshape", versions: [5, 13, 14, 19, 21, 23, 24, 25]) { ctx in
        Reshape(allowZero: ctx.opset >= 14 ? try CoreBuilders.flag(ctx, "allowzero", default: false) : false)
    },
    .init("", "Flatten", versions: [1, 9, 11, 13, 21, 23, 24, 25]) { ctx in Flatten(axis: try ctx.int("axis", default: 1)) },
    .init("", "Squeeze", versions: [1, 11, 13, 21, 23, 24, 25]) { ctx in Squeeze(axes: try CoreBuilders.squeezeAxes(ctx, required: false)) },
    .init("", "Unsqueeze", versions: [1, 11, 13, 21, 23, 24, 25]) { ctx in Unsqueeze(axes: try CoreBuilders.squeezeAxes(ctx, required: true)) },
    .init("", "Gather", versions: [1, 11, 13]) { ctx in Gather(axis: try ctx.int("axis", default: 0)) },
    .init("", "GatherElements", versions: [11, 13]) { ctx in GatherElements(axis: try ctx.int("axis", default: 0)) },
    // onnxruntime's contrib operator, as skl2onnx's {"optim": "cdist"} emits it.
    .init("com.microsoft", "CDist", versions: [1]) { ctx in
        let metric = try ctx.string("metric", default: "sqeuclidean")
        guard let known = CDist.Metric(rawValue: metric) else {
            throw ctx.error("metric", "'\(metric)' is not supported; onnxruntime computes sqeuclidean and euclidean.", code: .unsupportedFeature)
        }
        return CDist(metric: known)
    },
    .init("", "CumSum", versions: [11, 14]) { ctx in
        CumSum(exclusive: try ctx.int("exclusive", default: 0) != 0, reverse: try ctx.int("reverse", default: 0) != 0)
    },
    .init("", "Slice", versions: [1, 10, 11, 13]) { ctx in try CoreBuilders.slice(ctx) },
    .init("", "Shape", versions: [1, 13, 15, 19, 21, 23, 24, 25]) { ctx in try CoreBuilders.shape(ctx) },
    .init("", "Size", versions: [1, 13, 19, 21, 23, 24, 25]) { _ in SizeOf() },
    .init("", "Constant", versions: [1, 9, 11, 12, 13, 19, 21, 23, 24, 25]) { ctx in ConstantValue(try CoreBuilders.constantValue(ctx)) },
    .init("", "ConstantOfShape", versions: [9, 20, 21, 23, 24, 25]) { ctx in ConstantOfShape(value: try CoreBuilders.fillValue(ctx)) },
    .init("", "Range", versions: [11]) { _ in NumericRange() },
    .init("", "Transpose", versions: [1, 13, 21, 23, 24, 25]) { ctx in try CoreBuilders.transpose(ctx) },
    .init("", "Expand", versions: [8, 13]) { _ in Expand() },
    .init("", "Tile", versions: [6, 13]) { _ in Tile() },
    .init("", "Where", versions: [9, 16]) { _ in Where() },
]

/// Element-wise math, comparisons, logic and matrix products.
private let coreMathOperators: [OperatorRegistry.Entry] = [
    .init("", "Add", versions: [7, 13, 14]) { _ in Arithmetic(.add) },
    .init("", "Sub", versions: [7, 13, 14]) { _ in Arithmetic(.sub) },
    .init("", "Mul", versions: [7, 13, 14]) { _ in Arithmetic(.mul) },
    .init("", "Div", versions: [7, 13, 14]) { _ in Arithmetic(.div) },
    .init("", "Pow", versions: [7, 12, 13, 15]) { _ in Power() },
    .init("", "MatMul", versions: [1, 9, 13]) { _ in MatMul() },
    .init("", "Gemm", versions: [7, 9, 11, 13]) { ctx in try CoreBuilders.gemm(ctx) },
    .init("", "Neg", versions: [1, 6, 13]) { _ in UnaryMath(.neg) },
    .init("", "Abs", versions: [1, 6, 13]) { _ in UnaryMath(.abs) },
    .init("", "Sign", versions: [9, 13]) { _ in UnaryMath(.sign) },
    .init("", "Relu", versions: [1, 6, 13, 14]) { _ in UnaryMath(.relu) },
    .init("", "Exp", versions: [1, 6, 13]) { _ in UnaryMath(.exp) },
    .init("", "Log", versions: [1, 6, 13]) { _ in UnaryMath(.log) },
    .init("", "Sqrt", versions: [1, 6, 13]) { _ in UnaryMath(.sqrt) },
    .init("", "Sigmoid", versions: [1, 6, 13]) { _ in UnaryMath(.sigmoid) },
    .init("", "Tanh", versions: [1, 6, 13]) { _ in UnaryMath(.tanh) },
    .init("", "Erf", versions: [9, 13]) { _ in UnaryMath(.erf) },
    .init("", "Floor", versions: [1, 6, 13]) { _ in UnaryMath(.floor) },
    .init("", "Ceil", versions: [1, 6, 13]) { _ in UnaryMath(.ceil) },
    .init("", "Round", versions: [11, 22]) { _ in UnaryMath(.round) },
    .init("", "Reciprocal", versions: [1, 6, 13]) { _ in UnaryMath(.reciprocal) },
    .init("", "Softplus", versions: [1, 22]) { _ in UnaryMath(.softplus) },
    .init("", "LeakyRelu", versions: [1, 6, 16]) { ctx in UnaryMath(.leakyRelu(alpha: try ctx.float("alpha", default: 0.01))) },
    .init("", "HardSigmoid", versions: [1, 6, 22]) { ctx in
        UnaryMath(.hardSigmoid(alpha: try ctx.float("alpha", default: 0.2), beta: try ctx.float("beta", default: 0.5)))
    },
    .init("", "IsNaN", versions: [9, 13, 20]) { _ in ElementTest(.isNaN) },
    .init("", "IsInf", versions: [10, 20]) { ctx in try CoreBuilders.isInf(ctx) },
    .init("", "Not", versions: [1]) { _ in ElementTest(.not) },
    .init("", "And", versions: [7]) { _ in Logic(.and) },
    .init("", "Or", versions: [7]) { _ in Logic(.or) },
    .init("", "Xor", versions: [7]) { _ in Logic(.xor) },
    .init("", "Equal", versions: [7, 11, 13, 19]) { _ in Comparison(.equal) },
    .init("", "Less", versions: [7, 9, 13]) { _ in Comparison(.less) },
    .init("", "Greater", versions: [7, 9, 13]) { _ in Comparison(.greater) },
    .init("", "LessOrEqual", versions: [12, 16]) { _ in Comparison(.lessOrEqual) },
    .init("", "GreaterOrEqual", versions: [12, 16]) { _ in Comparison(.greaterOrEqual) },
    .init("", "Clip", versions: [6, 11, 12, 13]) { ctx in try CoreBuilders.clip(ctx) },
    .init("", "Max", versions: [8, 12, 13]) { _ in Variadic(.max) },
    .init("", "Min", versions: [8, 12, 13]) { _ in Variadic(.min) },
    .init("", "Sum", versions: [8, 13]) { _ in Variadic(.sum) },
    .init("", "Mean", versions: [8, 13]) { _ in Variadic(.mean) },
]

/// Reductions, normalisations and selections along axes.
private let coreReductionOperators: [OperatorRegistry.Entry] = [
    .init("", "ReduceSum", versions: [1, 11, 13]) { ctx in try CoreBuilders.reduce(ctx, .sum, axesInputSince: 13) },
    .init("", "ReduceMean", versions: [1, 11, 13, 18]) { ctx in try CoreBuilders.reduce(ctx, .mean, axesInputSince: 18) },
    .init("", "ReduceProd", versions: [1, 11, 13, 18]) { ctx in try CoreBuilders.reduce(ctx, .prod, axesInputSince: 18) },
    .init("", "ReduceMax", versions: [1, 11, 12, 13, 18, 20]) { ctx in try CoreBuilders.reduce(ctx, .max, axesInputSince: 18) },
    .init("", "ReduceMin", versions: [1, 11, 12, 13, 18, 20]) { ctx in try CoreBuilders.reduce(ctx, .min, axesInputSince: 18) },
    .init("", "ReduceSumSquare", versions: [1, 11, 13, 18]) { ctx in try CoreBuilders.reduce(ctx, .sumSquare, axesInputSince: 18) },
    .init("", "ReduceL1", versions: [1, 11, 13, 18]) { ctx in try CoreBuilders.reduce(ctx, .l1, axesInputSince: 18) },
    .init("", "ReduceL2", versions: [1, 11, 13, 18]) { ctx in try CoreBuilders.reduce(ctx, .l2, axesInputSince: 18) },
    .init("", "ReduceLogSum", versions: [1, 11, 13, 18]) { ctx in try CoreBuilders.reduce(ctx, .logSum, axesInputSince: 18) },
    .init("", "ReduceLogSumExp", versions: [1, 11, 13, 18]) { ctx in try CoreBuilders.reduce(ctx, .logSumExp, axesInputSince: 18) },
    .init("", "ArgMax", versions: [1, 11, 12, 13]) { ctx in try CoreBuilders.argReduce(ctx, max: true) },
    .init("", "ArgMin", versions: [1, 11, 12, 13]) { ctx in try CoreBuilders.argReduce(ctx, max: false) },
    .init("", "Softmax", versions: [1, 11, 13]) { ctx in try CoreBuilders.softmax(ctx, log: false) },
    .init("", "LogSoftmax", versions: [1, 11, 13]) { ctx in try CoreBuilders.softmax(ctx, log: true) },
    .init("", "TopK", versions: [1, 10, 11, 24]) { ctx in try CoreBuilders.topK(ctx) },
]
