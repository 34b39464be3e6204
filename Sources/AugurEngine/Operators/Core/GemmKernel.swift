extension Gemm {
    struct Kernel: NumericKernel {
        let a: Tensor, b: Tensor, c: Tensor?, op: Gemm

        /// A 2-D operand as a row-major matrix, transposed when asked.
        private func matrix<T: CoreNumber>(_ t: Tensor, transposed: Bool, _ name: String) throws -> (values: [T], rows: Int, cols: Int) {
            guard t.rank == 2 else { throw EngineError(.shapeMismatch, "\(name) must be 2-D, not of shape \(t.shape).") }
            let values = try t.values(T.self)
            let (r, c) = (t.shape[0], t.shape[1])
            guard transposed else { return (values, r, c) }
            let offsets = try ShapeMath.offsets([Array(0..<c), Array(0..<r)], strides: [1, c])
            return (offsets.map { values[$0] }, c, r)
        }

        func run<T: CoreNumber>(_ type: T.Type) throws -> Tensor {
            let x: (values: [T], rows: Int, cols: Int) = try matrix(a, transposed: op.transA, "A")
            let y: (values: [T], rows: Int, cols: Int) = try matrix(b, transposed: op.transB, "B")
            guard x.cols == y.rows else {
                throw EngineError(.shapeMismatch, "inner dimensions differ: A is \(a.shape), B is \(b.shape).")
            }
            let (m, k, n) = (x.rows, x.cols, y.cols)
            var out = [T](repeating: T.zero, count: try ShapeMath.count([m, n]))
            out.withUnsafeMutableBufferPointer { o in
                x.values.withUnsafeBufferPointer { px in
                    y.values.withUnsafeBufferPointer { py in Gemm.multiply(px, 0, py, 0, o, 0, m: m, k: k, n: n) }
                }
            }
            let alpha = T(converting: Double(op.alpha)), beta = T(converting: Double(op.beta))
            if op.alpha != 1 { out = out.map { T.times(alpha, $0) } }
            if let c, op.beta != 0 {
                let bias = try c.values(T.self)
                let target = try Broadcast.shape(c.shape, [m, n])
                guard target == [m, n] else {
                    throw EngineError(.shapeMismatch, "C of shape \(c.shape) does not broadcast to [\(m), \(n)].")
                }
                let index = try Broadcast.sourceIndices(from: c.shape, to: [m, n])
                for i in out.indices { out[i] = T.plus(out[i], T.times(beta, bias[index[i]])) }
            }
            return .of(out, [m, n])
        }
    }
}
