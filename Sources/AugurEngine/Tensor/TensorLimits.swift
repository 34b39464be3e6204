/// The caps on every size Augur computes from a model file, a configuration or a request.
///
/// Every element count, byte count and width read from outside goes through these helpers:
/// checked arithmetic (no overflow trap) and a cap (no allocation of terabytes), so a hostile
/// size becomes a load error or an `EngineError`, never a crash. The shape kernels, the
/// ONNX decoder, the row readers and the V2 tensors all use them.
public enum TensorLimits {
    /// The most elements one tensor (or one row width) may have: 2^28, 1 GiB of float32.
    public static let maxElements = 1 << 28
    /// The most dimensions one tensor may have.
    public static let maxRank = 16

    /// The product of `dims`: nil when one is negative, or when the product of the non-zero
    /// ones overflows or exceeds `cap`. Zeros are skipped in that check, so every partial
    /// product of an accepted shape (`[0, 2^40, 2^40]` is refused) fits as well.
    public static func product<C: Collection<Int>>(_ dims: C, cap: Int = maxElements) -> Int? {
        var nonZero = 1
        var hasZero = false
        for dim in dims {
            guard dim >= 0 else { return nil }
            if dim == 0 { hasZero = true; continue }
            let (next, overflow) = nonZero.multipliedReportingOverflow(by: dim)
            guard !overflow, next <= cap else { return nil }
            nonZero = next
        }
        return hasZero ? 0 : nonZero
    }

    /// The element count of a tensor of `shape`: at most `maxRank` dimensions, none negative,
    /// and at most `cap` elements; nil otherwise.
    public static func elementCount<C: Collection<Int>>(_ shape: C, cap: Int = maxElements) -> Int? {
        guard shape.count <= maxRank else { return nil }
        return product(shape, cap: cap)
    }

    /// The sum of `values`: nil when one is negative, the sum overflows or it exceeds `cap`.
    public static func sum<C: Collection<Int>>(_ values: C, cap: Int = maxElements) -> Int? {
        var total = 0
        for value in values {
            guard value >= 0 else { return nil }
            let (next, overflow) = total.addingReportingOverflow(value)
            guard !overflow, next <= cap else { return nil }
            total = next
        }
        return total
    }

    /// The bytes `count` elements of `width` bytes take: nil when `count` is negative or over
    /// `maxElements`, or the product overflows.
    public static func byteCount(_ count: Int, width: Int) -> Int? {
        guard count >= 0, count <= maxElements, width >= 0 else { return nil }
        let (bytes, overflow) = count.multipliedReportingOverflow(by: width)
        return overflow ? nil : bytes
    }

    /// A count computed in floating point (e.g. Range's `ceil((limit - start) / delta)`):
    /// negative values and -∞ give 0; nil for NaN, +∞ or more than `cap`.
    public static func count(_ value: Double, cap: Int = maxElements) -> Int? {
        guard !value.isNaN else { return nil }
        guard value > 0 else { return 0 }
        guard value <= Double(cap) else { return nil }
        return Int(value.rounded(.up))
    }

    /// `elementCount(shape)` as an `EngineError` for the kernels: which limit was hit.
    public static func checkedCount(_ shape: [Int]) throws -> Int {
        guard shape.allSatisfy({ $0 >= 0 }) else {
            throw EngineError(.invalidValue, "shape \(shape) has a negative dimension.")
        }
        guard shape.count <= maxRank else {
            throw EngineError(.tooLarge, "a tensor of rank \(shape.count) exceeds the limit of \(maxRank) dimensions.")
        }
        guard let count = product(shape) else {
            throw EngineError(.tooLarge, "a tensor of shape \(shape) would exceed \(maxElements) elements.")
        }
        return count
    }
}
