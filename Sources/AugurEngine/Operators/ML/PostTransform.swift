/// The score transforms of the ai.onnx.ml classifiers and regressors.
///
/// Numerics mirror onnxruntime's `ml_common.h` (float32 throughout, same formulas and
/// constants), so probabilities match it to the last bits, not just to a tolerance.
public enum PostTransform: String, Sendable, CaseIterable {
    case none = "NONE"
    case logistic = "LOGISTIC"
    case softmax = "SOFTMAX"
    case softmaxZero = "SOFTMAX_ZERO"
    case probit = "PROBIT"

    /// Transforms one row of scores in place (the `scores.size() >= 2` branch of
    /// onnxruntime's `write_scores`; for one score only logistic and probit change it).
    @inlinable
    public func apply<Row: MutableCollection>(_ row: inout Row) where Row.Element == Float {
        switch self {
        case .none: return
        case .logistic: for i in row.indices { row[i] = PostTransform.logistic(row[i]) }
        case .probit: for i in row.indices { row[i] = PostTransform.probit(row[i]) }
        case .softmax: PostTransform.softmax(&row)
        case .softmaxZero: PostTransform.softmaxZero(&row)
        }
    }

    /// Transforms every row of a row-major `rows × width` score matrix in place (through the
    /// buffer, so that no row is copied out).
    public func apply(toRows scores: inout [Float], width: Int) {
        guard self != .none, width > 0 else { return }
        scores.withUnsafeMutableBufferPointer { buffer in
            var start = 0
            while start + width <= buffer.count {
                var row = buffer[start..<(start + width)]
                apply(&row)
                start += width
            }
        }
    }

    /// `1 / (1 + exp(-|x|))`, mirrored for negative x (onnxruntime's ComputeLogistic).
    @inlinable
    public static func logistic(_ value: Float) -> Float {
        let v: Float = 1 / (1 + exp(-abs(value)))
        return value < 0 ? 1 - v : v
    }

    /// `sqrt(2) * erfinv(2x - 1)` with onnxruntime's float approximation of erfinv.
    @inlinable
    public static func probit(_ value: Float) -> Float {
        sqrt2 * erfInv(2 * value - 1)
    }

    /// `static_cast<float>(M_SQRT2)`.
    @usableFromInline static let sqrt2 = Float(1.41421356237309504880 as Double)
    /// `static_cast<float>(M_PI)`: rounded to nearest, unlike `Float.pi`, which is rounded
    /// toward zero.
    @usableFromInline static let pi = Float(3.14159265358979323846 as Double)

    @inlinable
    static func erfInv(_ input: Float) -> Float {
        let sign: Float = input < 0 ? -1 : 1
        let x = (1 - input) * (1 + input)
        let lg = log(x)
        let v: Float = 2 / (pi * 0.147) + 0.5 * lg
        let v2: Float = 1 / 0.147 * lg
        let v3: Float = -v + (v * v - v2).squareRoot()
        return sign * v3.squareRoot()
    }

    /// Softmax with the maximum subtracted first (onnxruntime's ComputeSoftmax).
    @inlinable
    public static func softmax<Row: MutableCollection>(_ row: inout Row) where Row.Element == Float {
        var maximum = -Float.greatestFiniteMagnitude
        for value in row where value > maximum { maximum = value }
        var sum: Float = 0
        for i in row.indices {
            row[i] = exp(row[i] - maximum)
            sum += row[i]
        }
        for i in row.indices { row[i] /= sum }
    }

    /// Softmax that leaves (near-)zero scores at zero (onnxruntime's ComputeSoftmaxZero).
    @inlinable
    public static func softmaxZero<Row: MutableCollection>(_ row: inout Row) where Row.Element == Float {
        var maximum = -Float.greatestFiniteMagnitude
        for value in row where value > maximum { maximum = value }
        let expNegMax = exp(-maximum)
        var sum: Float = 0
        for i in row.indices {
            if row[i] > 0.0000001 || row[i] < -0.0000001 {
                row[i] = exp(row[i] - maximum)
                sum += row[i]
            } else {
                row[i] *= expNegMax
            }
        }
        for i in row.indices { row[i] /= sum }
    }
}
