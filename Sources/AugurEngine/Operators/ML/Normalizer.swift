/// Scales each row by its maximum, L1 norm or L2 norm, float32 out (onnxruntime's
/// `Normalizer`: a zero divisor leaves the row as it is).
public struct Normalizer: Operator {
    /// The divisor: the row maximum, the sum of absolute values, or the Euclidean norm.
    public enum Norm: String, Sendable, CaseIterable {
        case max = "MAX"
        case l1 = "L1"
        case l2 = "L2"
    }

    public let norm: Norm

    public init(norm: Norm) { self.norm = norm }

    public func outputTypes(for inputs: [ValueType?]) throws -> [ValueType] {
        let x = try tensorType(inputs, 0)
        try MLTensorSupport.requireNumeric(x)
        _ = try MLTensorSupport.staticMatrix(x)
        return [.tensor(TensorType(.float32, shape: x.shape))]
    }

    public func run(_ inputs: [Value?]) throws -> [Value] {
        let x = try tensor(inputs, 0)
        let (rows, width) = try MLTensorSupport.matrix(x.shape)
        let out: [Float]
        switch x.storage {
        case .float32(let v): out = normalize(v, rows: rows, width: width)
        case .float64(let v): out = normalize(v, rows: rows, width: width)
        case .int64(let v): out = normalize(v, rows: rows, width: width)
        case .int32(let v): out = normalize(v, rows: rows, width: width)
        case .bool, .string:
            throw EngineError(.typeMismatch, "input 0 must be numeric, not \(x.elementType).")
        }
        return [.tensor(Tensor(unchecked: x.shape, .float32(out)))]
    }

    func normalize<T: NormalizerElement>(_ v: [T], rows: Int, width: Int) -> [Float] {
        var out = [Float](repeating: 0, count: v.count)
        for row in 0..<rows {
            let range = (row * width)..<((row + 1) * width)
            switch norm {
            case .max:
                var maximum = -Float.greatestFiniteMagnitude
                for i in range where maximum < v[i].normalizerValue { maximum = v[i].normalizerValue }
                for i in range { out[i] = maximum != 0 ? v[i].normalizerValue / maximum : v[i].normalizerValue }
            case .l1:
                var sum: Float = 0
                for i in range { sum += v[i].normalizerAbs }
                for i in range { out[i] = sum != 0 ? v[i].normalizerValue / sum : v[i].normalizerValue }
            case .l2:
                var sum: Float = 0
                for i in range { sum += v[i].normalizerSquare }
                for i in range {
                    guard sum != 0 else { out[i] = v[i].normalizerValue; continue }
                    let root = (v[i].normalizerSquare / sum).squareRoot()
                    out[i] = v[i].normalizerIsNegative ? -root : root
                }
            }
        }
        return out
    }
}

/// An element the normalizer reads, with onnxruntime's per-type arithmetic (integer squares
/// wrap, as the C++ does on every platform Augur runs on).
protocol NormalizerElement {
    var normalizerValue: Float { get }
    var normalizerAbs: Float { get }
    var normalizerSquare: Float { get }
    var normalizerIsNegative: Bool { get }
}

extension Float: NormalizerElement {
    var normalizerValue: Float { self }
    var normalizerAbs: Float { abs(self) }
    var normalizerSquare: Float { self * self }
    var normalizerIsNegative: Bool { self < 0 }
}

extension Double: NormalizerElement {
    var normalizerValue: Float { Float(self) }
    var normalizerAbs: Float { Float(abs(self)) }
    var normalizerSquare: Float { Float(self * self) }
    var normalizerIsNegative: Bool { self < 0 }
}

extension Int64: NormalizerElement {
    var normalizerValue: Float { Float(self) }
    var normalizerAbs: Float { self == .min ? Float(self) : Float(abs(self)) }
    var normalizerSquare: Float { Float(self &* self) }
    var normalizerIsNegative: Bool { self < 0 }
}

extension Int32: NormalizerElement {
    var normalizerValue: Float { Float(self) }
    var normalizerAbs: Float { self == .min ? Float(self) : Float(abs(self)) }
    var normalizerSquare: Float { Float(self &* self) }
    var normalizerIsNegative: Bool { self < 0 }
}
