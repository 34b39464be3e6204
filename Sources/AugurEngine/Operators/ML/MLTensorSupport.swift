/// Shape and element helpers shared by the ai.onnx.ml kernels.
enum MLTensorSupport {
    /// The elements of a numeric tensor as float32, converted as onnxruntime's `static_cast<float>` does.
    static func floats(_ tensor: Tensor, role: String = "input 0") throws -> [Float] {
        switch tensor.storage {
        case .float32(let v): return v
        case .float64(let v): return v.map { Float($0) }
        case .int64(let v): return v.map { Float($0) }
        case .int32(let v): return v.map { Float($0) }
        case .bool, .string:
            throw EngineError(.typeMismatch, "\(role) must be numeric, not \(tensor.elementType).")
        }
    }

    /// Rows and row width of a `[C]` (one row) or `[N, C]` tensor; other ranks are an error.
    static func matrix(_ shape: [Int], role: String = "input 0") throws -> (rows: Int, width: Int) {
        switch shape.count {
        case 1: return (1, shape[0])
        case 2: return (shape[0], shape[1])
        default:
            throw EngineError(.shapeMismatch, "\(role) must have rank 1 or 2, not shape \(shape).")
        }
    }

    /// Static rows and width of a rank-1 or rank-2 tensor type (nil where unknown); other
    /// ranks are a load error.
    static func staticMatrix(_ type: TensorType, role: String = "input 0") throws -> (rows: Int?, width: Int?) {
        guard let shape = type.shape else { return (nil, nil) }
        switch shape.count {
        case 1: return (1, shape[0])
        case 2: return (shape[0], shape[1])
        default:
            throw EngineError(.typeMismatch, "\(role) must have rank 1 or 2, not \(type).")
        }
    }

    /// The rows of a numeric `[N, featureCount]` (or `[featureCount]`) input type, nil when
    /// unknown; a declared width other than `featureCount` is a load error.
    static func featureRowsType(_ type: TensorType, featureCount: Int) throws -> Int? {
        try requireNumeric(type)
        let (rows, width) = try staticMatrix(type)
        if let width, width != featureCount {
            throw EngineError(.typeMismatch, "input 0 has \(width) features but the model has \(featureCount).")
        }
        return rows
    }

    /// A numeric `[N, featureCount]` (or `[featureCount]`) tensor's rows and its values as float32.
    static func featureRows(_ tensor: Tensor, featureCount: Int) throws -> (rows: Int, values: [Float]) {
        let (rows, width) = try matrix(tensor.shape)
        guard width == featureCount else {
            throw EngineError(.shapeMismatch, "input 0 has \(width) features; the model expects \(featureCount).")
        }
        return (rows, try floats(tensor))
    }

    /// Checks that a tensor type is float32, float64, int64 or int32.
    static func requireNumeric(_ type: TensorType, role: String = "input 0") throws {
        guard type.elementType.isNumeric else {
            throw EngineError(.typeMismatch, "\(role) must be float, double, int64 or int32, not \(type.elementType).")
        }
    }

    /// The width onnxruntime takes as the feature count for per-feature attributes: the only
    /// dimension of a rank-1 tensor, else the second one.
    static func featureStride(_ shape: [Int]) -> Int? {
        switch shape.count {
        case 0: nil
        case 1: shape[0]
        default: shape[1]
        }
    }

    /// `featureStride` of a static type (nil when unknown or rank 0).
    static func staticFeatureStride(_ type: TensorType) -> Int? {
        guard let shape = type.shape, !shape.isEmpty else { return nil }
        return shape.count == 1 ? shape[0] : shape[1]
    }

    /// A float converted to int64 the way x86 `cvttss2si` does: truncated toward zero, with NaN
    /// and out-of-range values becoming `Int64.min`.
    static func truncatedInt64(_ value: Double) -> Int64 {
        guard value >= -9_223_372_036_854_775_808.0, value < 9_223_372_036_854_775_808.0 else { return Int64.min }
        return Int64(value)
    }
}
