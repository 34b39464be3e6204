/// Numpy-style (multidirectional) broadcasting: shapes, static shapes and element-wise loops.
enum Broadcast {
    /// The broadcast shape of `a` and `b`, or an `EngineError` when they do not fit.
    static func shape(_ a: [Int], _ b: [Int]) throws -> [Int] {
        let rank = max(a.count, b.count)
        var out = [Int](repeating: 1, count: rank)
        for i in 0..<rank {
            let x = i < rank - a.count ? 1 : a[i - (rank - a.count)]
            let y = i < rank - b.count ? 1 : b[i - (rank - b.count)]
            guard x == y || x == 1 || y == 1 else {
                throw EngineError(.shapeMismatch, "shapes \(a) and \(b) cannot be broadcast together.")
            }
            out[i] = x == 1 ? y : x
        }
        return out
    }

    /// The broadcast of two static shapes; a load error when known dimensions conflict.
    static func staticShape(_ a: [Int?]?, _ b: [Int?]?) throws -> [Int?]? {
        guard let a, let b else { return nil }
        let rank = max(a.count, b.count)
        var out = [Int?](repeating: 1, count: rank)
        for i in 0..<rank {
            let x: Int? = i < rank - a.count ? 1 : a[i - (rank - a.count)]
            let y: Int? = i < rank - b.count ? 1 : b[i - (rank - b.count)]
            switch (x, y) {
            case (1, _): out[i] = y
            case (_, 1): out[i] = x
            case (let p?, let q?) where p != q:
                throw EngineError(.typeMismatch, "input shapes \(describe(a)) and \(describe(b)) cannot be broadcast together.")
            case (let p?, _): out[i] = p
            case (_, let q?): out[i] = q
            default: out[i] = nil
            }
        }
        return out
    }

    static func describe(_ shape: [Int?]) -> String {
        "[\(shape.map { $0.map(String.init) ?? "?" }.joined(separator: ", "))]"
    }

    /// Strides of `shape` read as `out` (rank-padded on the left); 0 on broadcast dimensions.
    static func strides(of shape: [Int], in out: [Int]) -> [Int] {
        let pad = out.count - shape.count
        let own = ShapeMath.strides(shape)
        return (0..<out.count).map { i in
            i < pad || (shape[i - pad] == 1 && out[i] != 1) ? 0 : own[i - pad]
        }
    }

    /// `f` applied element-wise to `a` and `b` broadcast together.
    ///
    /// Same shapes and scalars take direct loops; otherwise the innermost dimension runs as a
    /// strided loop (stride 0 or 1) under an odometer over the outer dimensions, which keeps
    /// `[N,k]∘[k]` and `[N,k]∘[N,1]` tight.
    static func apply<A, B, R>(_ a: [A], _ aShape: [Int], _ b: [B], _ bShape: [Int],
                               _ f: (A, B) -> R) throws -> (values: [R], shape: [Int]) {
        let out = try shape(aShape, bShape)
        let count = try ShapeMath.count(out)
        if aShape == bShape || (a.count == count && b.count == count) {
            let values = a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in (0..<count).map { f(pa[$0], pb[$0]) } }
            }
            return (values, out)
        }
        if b.count == 1, a.count == count { let s = b[0]; return (a.map { f($0, s) }, out) }
        if a.count == 1, b.count == count { let s = a[0]; return (b.map { f(s, $0) }, out) }
        guard count > 0 else { return ([], out) }
        let aStrides = strides(of: aShape, in: out), bStrides = strides(of: bShape, in: out)
        var result = [R]()
        result.reserveCapacity(count)
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                walk(out, aStrides, bStrides) { aOffset, bOffset, inner, sa, sb in
                    for j in 0..<inner { result.append(f(pa[aOffset + j * sa], pb[bOffset + j * sb])) }
                }
            }
        }
        return (result, out)
    }

    /// For every element of `out`, the flat index of the element of `shape` it broadcasts from.
    static func sourceIndices(from shape: [Int], to out: [Int]) throws -> [Int] {
        let count = try ShapeMath.count(out)
        if shape == out { return Array(0..<count) }
        guard count > 0 else { return [] }
        let s = strides(of: shape, in: out)
        var result = [Int]()
        result.reserveCapacity(count)
        walk(out, s, s) { offset, _, inner, stride, _ in
            for j in 0..<inner { result.append(offset + j * stride) }
        }
        return result
    }

    /// Calls `body(aOffset, bOffset, inner, aStride, bStride)` once per innermost row of `out`
    /// (a non-empty shape), in row-major order.
    private static func walk(_ out: [Int], _ aStrides: [Int], _ bStrides: [Int],
                             _ body: (Int, Int, Int, Int, Int) -> Void) {
        guard let inner = out.last else { body(0, 0, 1, 0, 0); return }
        let rank = out.count
        let rows = ShapeMath.product(out.dropLast())
        var index = [Int](repeating: 0, count: rank)
        var aOffset = 0, bOffset = 0
        for _ in 0..<rows {
            body(aOffset, bOffset, inner, aStrides[rank - 1], bStrides[rank - 1])
            var d = rank - 2
            while d >= 0 {
                index[d] += 1
                aOffset += aStrides[d]
                bOffset += bStrides[d]
                if index[d] < out[d] { break }
                aOffset -= aStrides[d] * out[d]
                bOffset -= bStrides[d] * out[d]
                index[d] = 0
                d -= 1
            }
        }
    }
}
