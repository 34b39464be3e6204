extension TreeEnsemble {
    public func outputTypes(for inputs: [ValueType?]) throws -> [ValueType] {
        let input = try tensorType(inputs, 0)
        try checkInputType(input.elementType)
        var rows: Int?
        if let shape = input.shape {
            guard shape.count == 1 || shape.count == 2 else {
                throw EngineError(.typeMismatch, "the input must be [N, F] or [F], not rank \(shape.count).")
            }
            if let features = shape.last ?? nil, features < featureCount {
                throw EngineError(.typeMismatch,
                    "the trees read feature index \(featureCount - 1), but the input has \(features) features.")
            }
            rows = shape.count == 1 ? 1 : shape[0]
        }
        switch kind {
        case .regressor:
            return [.tensor(TensorType(.float32, shape: [rows, targets]))]
        case .ensemble:
            return [.tensor(TensorType(valueType, shape: [rows, targets]))]
        case .classifier(let classification):
            let labelType: ElementType = if case .strings = classification.labels { .string } else { .int64 }
            return [.tensor(TensorType(labelType, shape: [rows])),
                    .tensor(TensorType(.float32, shape: [rows, targets]))]
        }
    }

    /// Input types onnxruntime accepts: any of float32, float64, int64, int32 for float
    /// values; float64 only for double values; the value type itself for opset-5 ensembles.
    private func checkInputType(_ type: ElementType) throws {
        if kind == .ensemble {
            guard type == valueType else {
                throw EngineError(.typeMismatch, "the input must be \(valueType) like the tree values, not \(type).")
            }
            return
        }
        guard [.float32, .float64, .int64, .int32].contains(type) else {
            throw EngineError(.typeMismatch, "the input must be float32, float64, int64 or int32, not \(type).")
        }
        if valueType == .float64, type != .float64 {
            throw EngineError(.typeMismatch, "the tree values are double precision, so the input must be float64, not \(type).")
        }
    }

    public func run(_ inputs: [Value?]) throws -> [Value] {
        let x = try tensor(inputs, 0)
        guard x.rank == 1 || x.rank == 2 else {
            throw EngineError(.shapeMismatch, "the input must be [N, F] or [F], not \(x.shape).")
        }
        let rows = x.rank == 1 ? 1 : x.shape[0]
        let stride = x.shape[x.rank - 1]
        guard stride >= featureCount else {
            throw EngineError(.shapeMismatch,
                "the trees read feature index \(featureCount - 1), but the input has \(stride) features.")
        }
        guard TensorLimits.product([rows, targets]) != nil else {
            throw EngineError(.tooLarge, "\(rows) rows of \(targets) outputs exceed \(TensorLimits.maxElements) elements.")
        }
        // Nested switches rather than one over a (forest, storage) tuple: the tuple would copy
        // the compiled forest (every array in it retained and released) on each run.
        switch forest {
        case .float(let f):
            switch x.storage {
            case .float32(let v): return evaluate(f, v, rows: rows, stride: stride)
            case .float64(let v) where kind != .ensemble: return evaluate(f, v, rows: rows, stride: stride)
            case .int64(let v) where kind != .ensemble: return evaluate(f, v.map { Float($0) }, rows: rows, stride: stride)
            case .int32(let v) where kind != .ensemble: return evaluate(f, v.map { Float($0) }, rows: rows, stride: stride)
            default: break
            }
        case .double(let f):
            if case .float64(let v) = x.storage { return evaluate(f, v, rows: rows, stride: stride) }
        }
        throw EngineError(.typeMismatch, "the trees cannot read a \(x.elementType) input.")
    }

    /// Scores `rows` rows stored in `values` (compare type `C`) and builds the outputs.
    private func evaluate<S: TreeScalar, C: TreeScalar>(_ forest: CompiledForest<S>, _ values: [C],
                                                        rows: Int, stride: Int) -> [Value] {
        let scores = values.withUnsafeBufferPointer {
            forest.scores(rows: $0, count: rows, stride: stride, targets: targets, aggregation: aggregation)
        }
        let finalizer = TreeScoreFinalizer<C>(treeCount: forest.treeCount, targets: targets, aggregation: aggregation,
                                              baseValues: baseValues.map { C($0) }, postTransform: postTransform)
        let shape = [rows, targets]
        switch kind {
        case .regressor:
            let raw = finalizer.regression(scores, rows: rows)
            let out = targets == 1 || postTransform == .none ? raw.map(\.treeFloat) : finalizer.transformed(raw, width: targets)
            return [.tensor(Tensor(unchecked: shape, .float32(out)))]
        case .ensemble:
            let raw = finalizer.regression(scores, rows: rows)
            let out = targets == 1 || postTransform == .none ? raw : finalizer.transformed(raw, width: targets).map { C(tree: $0) }
            return [.tensor(Tensor(unchecked: shape, C.treeStorage(out)))]
        case .classifier(let c):
            let (choices, out) = finalizer.classification(scores, rows: rows, weightsForOneClass: c.weightsForOneClass,
                                                          weightsAreNonNegative: c.weightsAreNonNegative)
            return [.tensor(labelTensor(choices, c.labels)), .tensor(Tensor(unchecked: shape, .float32(out)))]
        }
    }

    /// Label choices as a tensor of the class labels. Indices are below the class count and
    /// literals are 0 or 1 (string classifiers have at least two classes, checked at init).
    private func labelTensor(_ choices: [TreeLabelChoice], _ labels: TreeClassLabels) -> Tensor {
        switch labels {
        case .int64(let values):
            let out = choices.map { choice -> Int64 in
                switch choice {
                case .index(let i): values[i]
                case .literal(let v): v
                }
            }
            return Tensor(unchecked: [choices.count], .int64(out))
        case .strings(let values):
            let out = choices.map { choice -> String in
                switch choice {
                case .index(let i): values[i]
                case .literal(let v): values[Int(v)]
                }
            }
            return Tensor(unchecked: [choices.count], .string(out))
        }
    }
}
