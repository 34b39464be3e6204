import AugurEngine

/// Attribute reading and validation for the ai.onnx builders in `coreOperators`.
enum CoreBuilders {
    /// A 0/1 flag attribute.
    static func flag(_ ctx: NodeContext, _ name: String, default value: Bool) throws -> Bool {
        let raw = try ctx.int(name, default: value ? 1 : 0)
        guard raw == 0 || raw == 1 else { throw ctx.error(name, "'\(raw)' must be 0 or 1.") }
        return raw == 1
    }

    /// Cast's `to` (and similar type codes) as an engine element type.
    static func elementType(_ ctx: NodeContext, _ name: String) throws -> ElementType {
        let code = try ctx.required(name, ctx.int)
        guard let int32 = Int32(exactly: code), let type = TensorDecoder.elementType(int32) else {
            throw ctx.error(name, "element type '\(code)' is not supported; supported are float, double, int64, int32, bool and string.",
                            code: .unsupportedType)
        }
        return type
    }

    /// Constant's value, from exactly one of its value attributes.
    static func constantValue(_ ctx: NodeContext) throws -> Tensor {
        if ctx.has("sparse_value") {
            throw ctx.error("sparse_value", "sparse constants are not supported.", code: .unsupportedFeature)
        }
        let names = ["value", "value_float", "value_floats", "value_int", "value_ints", "value_string", "value_strings"]
        let given = names.filter(ctx.has)
        guard given.count == 1, let name = given.first else {
            throw ctx.error("needs exactly one of the attributes \(names.joined(separator: ", ")); found \(given.count).",
                            code: .missingAttribute)
        }
        do {
            switch name {
            case "value": return try ctx.required(name, ctx.tensor)
            case "value_float": return try Tensor(float32: [try ctx.required(name, ctx.float)], shape: [])
            case "value_floats": let v = try ctx.required(name, ctx.floats); return try Tensor(float32: v, shape: [v.count])
            case "value_int": return try Tensor(int64: [Int64(try ctx.required(name, ctx.int))], shape: [])
            case "value_ints": let v = try ctx.required(name, ctx.int64s); return try Tensor(int64: v, shape: [v.count])
            case "value_string": return try Tensor(string: [try ctx.required(name, ctx.string)], shape: [])
            default: let v = try ctx.required(name, ctx.strings); return try Tensor(string: v, shape: [v.count])
            }
        } catch let error as EngineError where error.code != .missingAttribute && error.code != .invalidAttribute {
            // The tensor built from a valid attribute does not fit (its size or type).
            throw ctx.error(name, error.message)
        }
    }

    /// ConstantOfShape's fill value: a one-element tensor, float32 0 by default.
    static func fillValue(_ ctx: NodeContext) throws -> Tensor {
        guard let value = try ctx.tensor("value") else { return try Tensor(float32: [0], shape: []) }
        guard value.count == 1 else {
            throw ctx.error("value", "must hold exactly one element, not '\(value.count)'.")
        }
        return value
    }

    /// A reduction: axes from the attribute before `axesInputSince`, from input 1 after.
    static func reduce(_ ctx: NodeContext, _ function: Reduce.Function, axesInputSince: Int) throws -> Reduce {
        let fromInput = ctx.opset >= axesInputSince
        if fromInput, ctx.has("axes") {
            throw ctx.error("axes", "is an input from opset \(axesInputSince) on, not an attribute.")
        }
        return Reduce(function, axes: fromInput ? nil : try ctx.ints("axes"), axesFromInput: fromInput,
                      keepDims: try flag(ctx, "keepdims", default: true),
                      noopWithEmptyAxes: fromInput ? try flag(ctx, "noop_with_empty_axes", default: false) : false)
    }

    static func argReduce(_ ctx: NodeContext, max: Bool) throws -> ArgReduce {
        let axis = try ctx.int("axis", default: 0)
        if ctx.opset < 11, axis < 0 { throw ctx.error("axis", "'\(axis)' must not be negative before opset 11.") }
        return ArgReduce(max: max, axis: axis, keepDims: try flag(ctx, "keepdims", default: true),
                         selectLastIndex: try flag(ctx, "select_last_index", default: false))
    }

    static func softmax(_ ctx: NodeContext, log: Bool) throws -> Softmax {
        let coerced = ctx.opset < 13
        return Softmax(axis: try ctx.int("axis", default: coerced ? 1 : -1), coercedTo2D: coerced, log: log)
    }

    static func clip(_ ctx: NodeContext) throws -> Clip {
        guard ctx.opset < 11 else { return Clip() }
        let low = try ctx.float("min"), high = try ctx.float("max")
        return Clip(min: low.map(Double.init), max: high.map(Double.init))
    }

    static func topK(_ ctx: NodeContext) throws -> TopK {
        let axis = try ctx.int("axis", default: -1)
        let largest = try flag(ctx, "largest", default: true)
        let sorted = try flag(ctx, "sorted", default: true)
        guard sorted else {
            throw ctx.error("sorted", "'0' (unsorted output) is not supported.", code: .unsupportedFeature)
        }
        if ctx.opset < 10 {
            let k = try ctx.required("k", ctx.int)
            guard k >= 0 else { throw ctx.error("k", "'\(k)' must not be negative.") }
            return TopK(axis: axis, largest: largest, k: k)
        }
        return TopK(axis: axis, largest: largest)
    }

    static func slice(_ ctx: NodeContext) throws -> Slice {
        guard ctx.opset < 10 else { return Slice() }
        let starts = try ctx.required("starts", ctx.ints), ends = try ctx.required("ends", ctx.ints)
        let axes = try ctx.ints("axes")
        guard starts.count == ends.count else {
            throw ctx.error("ends", "has \(ends.count) values but 'starts' has \(starts.count).")
        }
        if let axes, axes.count != starts.count {
            throw ctx.error("axes", "has \(axes.count) values but 'starts' has \(starts.count).")
        }
        return Slice(starts: starts, ends: ends, axes: axes)
    }

    static func shape(_ ctx: NodeContext) throws -> ShapeOf {
        ShapeOf(start: try ctx.int("start", default: 0), end: try ctx.int("end"))
    }

    static func isInf(_ ctx: NodeContext) throws -> ElementTest {
        ElementTest(.isInf(positive: try flag(ctx, "detect_positive", default: true),
                           negative: try flag(ctx, "detect_negative", default: true)))
    }

    static func gemm(_ ctx: NodeContext) throws -> Gemm {
        Gemm(alpha: try ctx.float("alpha", default: 1), beta: try ctx.float("beta", default: 1),
             transA: try flag(ctx, "transA", default: false), transB: try flag(ctx, "transB", default: false))
    }

    static func transpose(_ ctx: NodeContext) throws -> Transpose {
        let perm = try ctx.ints("perm")
        if let perm, Set(perm) != Set(0..<perm.count) || perm.count != Set(perm).count {
            throw ctx.error("perm", "'\(perm)' is not a permutation of 0..<\(perm.count).")
        }
        return Transpose(perm: perm)
    }

    static func squeezeAxes(_ ctx: NodeContext, required: Bool) throws -> [Int]? {
        guard ctx.opset < 13 else {
            if ctx.has("axes") { throw ctx.error("axes", "is an input from opset 13 on, not an attribute.") }
            return nil
        }
        let axes = try ctx.ints("axes")
        if required, axes == nil { throw ctx.error("axes", "is required.", code: .missingAttribute) }
        return axes
    }

    /// Scan: the body compiled into its own plan; scan and output axes 0 only (negative axes,
    /// from opset 11, resolved against the rank where it is known).
    static func scan(_ ctx: NodeContext) throws -> any Operator {
        guard let body = try ctx.subgraph("body") else { throw ctx.error("body", "is required.", code: .missingAttribute) }
        let scanInputs = try ctx.required("num_scan_inputs", ctx.int)
        guard scanInputs >= 1, scanInputs <= body.inputs.count else {
            throw ctx.error("num_scan_inputs", "'\(scanInputs)' is not between 1 and the body's \(body.inputs.count) inputs.")
        }
        let states = body.inputs.count - scanInputs
        let scanOutputs = body.outputs.count - states
        guard ctx.inputCount == body.inputs.count else {
            throw ctx.error("takes \(body.inputs.count) inputs (the body's), not \(ctx.inputCount).")
        }
        func axes(_ name: String, count: Int, ranks: [Int?]) throws {
            guard let given = try ctx.ints(name) else { return }
            guard given.count == count else { throw ctx.error(name, "has \(given.count) values for \(count).") }
            for (axis, rank) in zip(given, ranks) where !(axis == 0 || (rank.map { axis == -$0 } ?? false)) {
                throw ctx.error(name, "axis '\(axis)' is not supported; Augur scans along axis 0.", code: .unsupportedFeature)
            }
        }
        func directions(_ name: String, count: Int) throws -> [Bool] {
            guard let given = try ctx.ints(name) else { return Array(repeating: false, count: count) }
            guard given.count == count, given.allSatisfy({ $0 == 0 || $0 == 1 }) else {
                throw ctx.error(name, "needs \(count) values of 0 (forward) or 1 (reverse).")
            }
            return given.map { $0 == 1 }
        }
        try axes("scan_input_axes", count: scanInputs, ranks: body.inputs.suffix(scanInputs).map { $0.type.tensorType?.rank.map { $0 + 1 } })
        try axes("scan_output_axes", count: scanOutputs, ranks: body.outputs.suffix(scanOutputs).map { $0.type.tensorType?.rank.map { $0 + 1 } })
        var scan = try Scan(body: body, scanInputCount: scanInputs, inputReversed: try directions("scan_input_directions", count: scanInputs),
                            outputReversed: try directions("scan_output_directions", count: scanOutputs))
        if let graph = ctx.node.attribute.first(where: { $0.name == "body" })?.g { scan.squaredDistances = isSquaredDistances(graph) }
        return scan
    }

    /// skl2onnx's pairwise-distance body: state in, row in; `Identity(state)`, `Sub(state,
    /// row)`, `ReduceSumSquare(…, axes = [1], keepdims = 0)` (axes as attribute or initializer),
    /// an optional `Identity` of it; the state and the sums out, in that order.
    static func isSquaredDistances(_ g: Onnx_GraphProto) -> Bool {
        let inputs = g.input.map(\.name).filter { name in !g.initializer.contains { $0.name == name } }
        guard inputs.count == 2, g.output.count == 2, g.node.count == 3 || g.node.count == 4 else { return false }
        let (state, row) = (inputs[0], inputs[1])
        func node(_ op: String) -> Onnx_NodeProto? { g.node.first { $0.opType == op && ($0.domain.isEmpty || $0.domain == "ai.onnx") } }
        guard let sub = node("Sub"), sub.input == [state, row], sub.output.count == 1,
              let reduce = node("ReduceSumSquare"), reduce.input.first == sub.output[0], reduce.output.count == 1,
              reduce.attribute.first(where: { $0.name == "keepdims" })?.i == 0 else { return false }
        let axes: [Int64]? = if let attribute = reduce.attribute.first(where: { $0.name == "axes" }) {
            attribute.ints
        } else if reduce.input.count == 2, let tensor = g.initializer.first(where: { $0.name == reduce.input[1] }),
                  let decoded = try? TensorDecoder.tensor(from: tensor), case .int64(let values) = decoded.storage {
            values
        } else {
            nil
        }
        guard axes == [1] else { return false }
        let identities = g.node.filter { $0.opType == "Identity" }
        guard identities.count == g.node.count - 2 else { return false }
        let stateOut = identities.first { $0.input == [state] }?.output.first
        let sums = identities.first { $0.input == reduce.output }?.output.first ?? reduce.output[0]
        return stateOut == g.output[0].name && sums == g.output[1].name
    }
}
