import AugurService

/// A route as a V2 model: one input tensor per parameter ([N] or [N, 1]; BYTES for text,
/// BOOL, any integer or float datatype for numbers), validated by the route's own decoder
/// (every problem in one message), answered with `label`, `class`, `probability`,
/// `probabilities` and `classes` (classifiers) or `prediction` (regressors).
extension V2Catalog {
    func inferRoute(_ route: Route, _ request: V2InferRequest) async throws(V2Error) -> [V2Tensor] {
        let inputs = try Self.columns(request, parameters: route.parameters)
        var rowCount: Int?
        for input in inputs {
            guard input.shape.count == 1 || (input.shape.count == 2 && input.shape[1] == 1) else {
                throw .invalid("Input '\(input.name)' has shape \(input.shape); a route's inputs are [N] or [N, 1].")
            }
            if let n = rowCount, n != input.shape[0] {
                throw .invalid("Input '\(input.name)' has \(input.shape[0]) rows; the other inputs have \(n).")
            }
            rowCount = input.shape[0]
        }
        let count = rowCount ?? 0
        var rows = [JSONObject](repeating: JSONObject(), count: count)
        for input in inputs {
            let values = try Self.values(input)
            for r in 0..<count { rows[r].append(input.name, values[r]) }
        }
        // Asking for the `explanation` output runs the route's explainer.
        let explain = request.outputs?.contains { $0.name == Self.explanationOutput } ?? false
        let predictions: Predictions
        do throws(RequestError) {
            let decoded = try route.pipeline.decode(rows: rows.map { .object($0) }, at: [])
            predictions = explain ? try await route.explain(decoded) : try await route.predict(decoded)
        } catch {
            // A route that cannot explain has no `explanation` output: a bad request, like any unknown output.
            throw V2Error(error.statusCode >= 500 ? .internalError : .invalid, error.summary)
        }
        return Self.tensors(predictions)
    }

    /// The output a request names to get each row's explanation: BYTES `[N]`, one JSON object
    /// per row (`/{route}/explain`'s `explanation`).
    static let explanationOutput = "explanation"

    /// The request's inputs, one per parameter; an MLServer `np` request (one [N, P] input
    /// whose name is no parameter) is split into the P parameters' columns in declared order.
    static func columns(_ request: V2InferRequest, parameters: [Parameter]) throws(V2Error) -> [V2Tensor] {
        guard request.inputs.count == 1, let matrix = request.inputs.first, !parameters.contains(where: { $0.name == matrix.name }),
              matrix.shape.count == 2, matrix.shape[1] == parameters.count,
              (request.parameters["content_type"] ?? matrix.parameters["content_type"])?.string == "np" else { return request.inputs }
        let rows = matrix.shape[0], width = matrix.shape[1]
        let values = try Self.values(matrix)
        return try parameters.enumerated().map { (column, parameter) throws(V2Error) -> V2Tensor in
            let picked = (0..<rows).map { values[$0 * width + column] }
            return V2Tensor(name: parameter.name, datatype: matrix.datatype, shape: [rows], contents: try Self.contents(picked, matrix))
        }
    }

    /// The elements as JSON values for validation: NaN floats are null (a missing value).
    static func values(_ tensor: V2Tensor) throws(V2Error) -> [JSONValue] {
        switch tensor.contents {
        case .bools(let v): return v.map { .bool($0) }
        case .integers(let v): return v.map { .number(JSONNumber($0)) }
        case .unsigned(let v): return v.map { $0 <= UInt64(Int64.max) ? .number(JSONNumber(Int64($0))) : .number(JSONNumber(Double($0))) }
        case .floats(let v): return v.map { $0.isNaN ? .null : .number(JSONNumber($0)) }
        case .doubles(let v): return v.map { $0.isNaN ? .null : .number(JSONNumber($0)) }
        case .bytes(let v):
            return try v.map { (bytes: [UInt8]) throws(V2Error) -> JSONValue in
                guard let text = String(validating: bytes, as: UTF8.self) else {
                    throw .invalid("Input '\(tensor.name)' holds an element that is not UTF-8 text.")
                }
                return .string(text)
            }
        }
    }

    /// Picked JSON values back into contents of the matrix's kind.
    private static func contents(_ values: [JSONValue], _ like: V2Tensor) throws(V2Error) -> V2Contents {
        switch like.contents {
        case .bools: return .bools(values.map { $0 == .bool(true) })
        case .bytes: return .bytes(values.map { Array(($0.string ?? "").utf8) })
        default: return .doubles(values.map { if case .number(let n) = $0 { n.double } else { .nan } })
        }
    }

    /// The answer as tensors.
    static func tensors(_ predictions: Predictions) -> [V2Tensor] {
        let n = predictions.count
        switch predictions.outcome {
        case .classification(let c):
            var outputs = [
                V2Tensor(name: "label", datatype: .bytes, shape: [n], contents: .bytes(c.labels.map { Array($0.utf8) })),
                classTensor("class", c.codes, shape: [n]),
            ]
            if let classes = c.classes {
                outputs.append(V2Tensor(name: "probability", datatype: .fp32, shape: [n], contents: .floats(c.probability.map { $0 ?? .nan })))
                outputs.append(V2Tensor(name: "probabilities", datatype: .fp32, shape: [n, classes.codes.count], contents: .floats(c.scores)))
                outputs.append(V2Tensor(name: "classes", datatype: .bytes, shape: [classes.labels.count], contents: .bytes(classes.labels.map { Array($0.utf8) })))
            }
            return outputs + explanation(predictions)
        case .regression(let r):
            let shape = r.width == 1 ? [n] : [n, r.width]
            return [V2Tensor(name: "prediction", datatype: .fp64, shape: shape, contents: .doubles(r.values.map(\.double)),
                             parameters: r.unit.map { ["unit": .string($0)] } ?? [:])] + explanation(predictions)
        }
    }

    private static func explanation(_ predictions: Predictions) -> [V2Tensor] {
        guard let explanations = predictions.explanations else { return [] }
        let labels = predictions.classification?.classes?.labels
        let rows = (0..<predictions.count).map { row -> [UInt8] in
            var out = JSONOutput(capacity: 256)
            explanations.write(row: row, labels: labels, into: &out)
            return Array(out.bytes)
        }
        return [V2Tensor(name: explanationOutput, datatype: .bytes, shape: [predictions.count], contents: .bytes(rows),
                         parameters: ["content_type": .string("application/json")])]
    }

    private static func classTensor(_ name: String, _ codes: [ClassCode], shape: [Int]) -> V2Tensor {
        var integers: [Int64] = []
        for code in codes {
            guard case .integer(let i) = code else {
                return V2Tensor(name: name, datatype: .bytes, shape: shape, contents: .bytes(codes.map { Array($0.description.utf8) }))
            }
            integers.append(i)
        }
        return V2Tensor(name: name, datatype: .int64, shape: shape, contents: .integers(integers))
    }

    /// Output metadata of a route.
    static func outputs(of route: Route) -> [V2TensorMetadata] {
        let shape = route.pipeline.answerShape
        guard shape.isClassifier else {
            return [V2TensorMetadata(name: "prediction", datatype: .fp64, shape: shape.valueWidth == 1 ? [-1] : [-1, shape.valueWidth ?? -1])]
                + explanationMetadata(route)
        }
        var outputs = [V2TensorMetadata(name: "label", datatype: .bytes, shape: [-1]),
                       V2TensorMetadata(name: "class", datatype: shape.classCodesAreIntegers ? .int64 : .bytes, shape: [-1])]
        if shape.hasProbabilities {
            outputs += [V2TensorMetadata(name: "probability", datatype: .fp32, shape: [-1]),
                        V2TensorMetadata(name: "probabilities", datatype: .fp32, shape: [-1, shape.classCount ?? -1]),
                        V2TensorMetadata(name: "classes", datatype: .bytes, shape: [shape.classCount ?? -1])]
        }
        return outputs + explanationMetadata(route)
    }

    /// `explanation` is listed when the route can explain.
    private static func explanationMetadata(_ route: Route) -> [V2TensorMetadata] {
        guard case .available = route.pipeline.explanation else { return [] }
        return [V2TensorMetadata(name: explanationOutput, datatype: .bytes, shape: [-1])]
    }
}
