import Testing
@testable import AugurEngine

/// The core kernels directly: broadcasting, axes, NaN rules, integer arithmetic and the
/// run-time errors that replace traps.
@Suite struct CoreKernelTests {
    func run(_ op: any Operator, _ inputs: [Tensor?]) throws -> [Tensor] {
        try op.run(inputs.map { $0.map(Value.tensor) }).map { try $0.tensor("output") }
    }

    func f32(_ values: [Float], _ shape: [Int]) -> Tensor { Tensor(unchecked: shape, .float32(values)) }
    func i64(_ values: [Int64], _ shape: [Int]) -> Tensor { Tensor(unchecked: shape, .int64(values)) }
    func i32(_ values: [Int32], _ shape: [Int]) -> Tensor { Tensor(unchecked: shape, .int32(values)) }
    func str(_ values: [String], _ shape: [Int]) -> Tensor { Tensor(unchecked: shape, .string(values)) }

    @Test func broadcastRowColumnAndScalar() throws {
        let x = f32([1, 2, 3, 4, 5, 6], [2, 3])
        #expect(try run(Arithmetic(.add), [x, f32([10, 20, 30], [3])])[0] == f32([11, 22, 33, 14, 25, 36], [2, 3]))
        #expect(try run(Arithmetic(.mul), [x, f32([2, 3], [2, 1])])[0] == f32([2, 4, 6, 12, 15, 18], [2, 3]))
        #expect(try run(Arithmetic(.sub), [f32([1], []), x])[0] == f32([0, -1, -2, -3, -4, -5], [2, 3]))
        #expect(try run(Arithmetic(.add), [f32([1, 2], [2, 1]), f32([10, 20, 30], [1, 3])])[0]
                == f32([11, 21, 31, 12, 22, 32], [2, 3]))
    }

    @Test func broadcastMismatchIsAnError() throws {
        #expect(throws: EngineError.self) { try run(Arithmetic(.add), [f32([1, 2], [2]), f32([1, 2, 3], [3])]) }
        #expect(throws: EngineError.self) {
            try Arithmetic(.add).outputTypes(for: [.tensor(TensorType(.float32, shape: [nil, 2])), .tensor(TensorType(.float32, shape: [3]))])
        }
        let types = try Arithmetic(.add).outputTypes(for: [.tensor(TensorType(.float32, shape: [nil, 1])), .tensor(TensorType(.float32, shape: [4]))])
        #expect(types == [.tensor(TensorType(.float32, shape: [nil, 4]))])
    }

    @Test func integerDivisionTruncatesAndRejectsZero() throws {
        #expect(try run(Arithmetic(.div), [i64([7, -7, 7, -7], [4]), i64([2, 2, -2, -2], [4])])[0] == i64([3, -3, -3, 3], [4]))
        #expect(throws: EngineError.self) { try run(Arithmetic(.div), [i64([1], [1]), i64([0], [1])]) }
        #expect(try run(Arithmetic(.div), [i64([Int64.min], [1]), i64([-1], [1])])[0] == i64([Int64.min], [1]))
    }

    @Test func integerPowerGoesThroughDouble() throws {
        #expect(try run(Power(), [i64([2, 3, -2, 2], [4]), i64([3, 2, 3, -1], [4])])[0] == i64([8, 9, -8, 0], [4]))
        #expect(try run(Power(), [i32([10], [1]), i32([12], [1])])[0]
                == i32([Int32.min], [1]))
    }

    @Test func maxMinPropagateNaNAndArgMaxSkipsIt() throws {
        let out = try run(Variadic(.max), [f32([1, .nan, 3], [3]), f32([.nan, 2, 1], [3])])[0]
        guard case .float32(let v) = out.storage else { Issue.record("not float"); return }
        #expect(v[0].isNaN && v[1].isNaN && v[2] == 3)
        let arg = ArgReduce(max: true, axis: -1, keepDims: false, selectLastIndex: false)
        #expect(try run(arg, [f32([1, .nan, 3, .nan, 1, 2], [2, 3])])[0] == i64([2, 0], [2]))
        let last = ArgReduce(max: false, axis: 0, keepDims: true, selectLastIndex: true)
        #expect(try run(last, [f32([1, 5, 0, 5], [2, 2])])[0] == i64([1, 1], [1, 2]))
    }

    @Test func reduceAxesKeepDimsAndEmpty() throws {
        let x = f32([1, 2, 3, 4, 5, 6], [2, 3])
        #expect(try run(Reduce(.sum, axes: [-1], axesFromInput: false, keepDims: true), [x])[0] == f32([6, 15], [2, 1]))
        #expect(try run(Reduce(.max, axes: [0], axesFromInput: false, keepDims: false), [x])[0] == f32([4, 5, 6], [3]))
        #expect(try run(Reduce(.prod, axes: nil, axesFromInput: false, keepDims: false), [x])[0] == f32([720], []))
        let noop = Reduce(.sum, axes: nil, axesFromInput: true, keepDims: true, noopWithEmptyAxes: true)
        #expect(try run(noop, [x, i64([], [0])])[0] == x)
        let empty = f32([], [0, 3])
        #expect(try run(Reduce(.max, axes: [0], axesFromInput: false, keepDims: false), [empty])[0] == f32([-.infinity, -.infinity, -.infinity], [3]))
        #expect(throws: EngineError.self) { try run(Reduce(.sum, axes: [2], axesFromInput: false, keepDims: true), [x]) }
    }

    @Test func reshapeZeroMinusOneAndErrors() throws {
        let x = f32(Array(repeating: 0, count: 24), [2, 3, 4])
        #expect(try run(Reshape(), [x, i64([0, -1], [2])])[0].shape == [2, 12])
        #expect(throws: EngineError.self) { try run(Reshape(), [x, i64([-1, -1], [2])]) }
        #expect(throws: EngineError.self) { try run(Reshape(), [x, i64([5, -1], [2])]) }
        #expect(throws: EngineError.self) { try run(Reshape(allowZero: true), [x, i64([0, 24], [2])]) }
    }

    @Test func absurdSizesAreRefusedNotAllocated() throws {
        let one = f32([1], [1])
        #expect(throws: EngineError.self) { try run(Expand(), [one, i64([1 << 40, 1 << 40], [2])]) }
        #expect(throws: EngineError.self) { try run(ConstantOfShape(value: one), [i64([Int64.max, 2], [2])]) }
        #expect(throws: EngineError.self) { try run(Tile(), [one, i64([Int64.max], [1])]) }
        #expect(throws: EngineError.self) {
            try run(NumericRange(), [f32([0], []), f32([1e30], []), f32([1], [])])
        }
    }

    @Test func gatherNegativeIndicesAndOutOfRange() throws {
        let x = f32([1, 2, 3, 4, 5, 6], [2, 3])
        #expect(try run(Gather(axis: 1), [x, i64([-1, 0], [2])])[0] == f32([3, 1, 6, 4], [2, 2]))
        #expect(throws: EngineError.self) { try run(Gather(axis: 1), [x, i64([3], [1])]) }
    }

    @Test func sliceNegativeStepsAndClamping() throws {
        let x = f32([0, 1, 2, 3, 4], [5])
        #expect(try run(Slice(), [x, i64([-1], [1]), i64([-100], [1]), nil, i64([-2], [1])])[0] == f32([4, 2, 0], [3]))
        #expect(try run(Slice(), [x, i64([1], [1]), i64([Int64.max], [1])])[0] == f32([1, 2, 3, 4], [4]))
        #expect(throws: EngineError.self) { try run(Slice(), [x, i64([0], [1]), i64([1], [1]), nil, i64([0], [1])]) }
    }

    @Test func castFormatsLikeOnnxRuntime() throws {
        let x = f32([-0.0, 1.0 / 3, .nan, -.infinity, 1e20], [5])
        #expect(try run(Cast(to: .string), [x])[0] == str(["-0", "0.33333334", "NaN", "-INF", "1e+20"], [5]))
        let s = str(["1.5abc", " 2"], [2])
        #expect(try run(Cast(to: .int64), [s])[0] == i64([1, 2], [2]))
        #expect(throws: EngineError.self) { try run(Cast(to: .float32), [str(["abc"], [1])]) }
        #expect(try run(Cast(to: .int32), [f32([.nan, 3e9, -2.7], [3])])[0] == i32([Int32.min, Int32.min, -2], [3]))
    }

    @Test func softmaxCoercedVersusAxis() throws {
        let x = f32([0, 0, 0, 0], [2, 2])
        #expect(try run(Softmax(axis: 0, coercedTo2D: true, log: false), [x])[0] == f32([0.25, 0.25, 0.25, 0.25], [2, 2]))
        #expect(try run(Softmax(axis: 0, coercedTo2D: false, log: false), [x])[0] == f32([0.5, 0.5, 0.5, 0.5], [2, 2]))
    }

    @Test func topKTiesKeepLowerIndex() throws {
        let out = try run(TopK(axis: -1, largest: true), [f32([5, 5, 1, 5], [4]), i64([2], [1])])
        #expect(out[0] == f32([5, 5], [2]))
        #expect(out[1] == i64([0, 1], [2]))
        #expect(throws: EngineError.self) { try run(TopK(axis: 0, largest: true), [f32([1], [1]), i64([2], [1])]) }
    }

    @Test func whereAndClipEdgeCases() throws {
        let c = Tensor(unchecked: [2, 1], .bool([true, false]))
        let out = try run(Where(), [c, str(["a", "b"], [2]), str(["z"], [])])[0]
        #expect(out == str(["a", "b", "z", "z"], [2, 2]))
        #expect(try run(Clip(), [f32([-5, 5], [2]), f32([2], []), f32([1], [])])[0] == f32([1, 1], [2]))
    }

    @Test func matMulOneDimensional() throws {
        let v = f32([1, 2], [2]), m = f32([1, 2, 3, 4], [2, 2])
        #expect(try run(MatMul(), [v, m])[0] == f32([7, 10], [2]))
        #expect(try run(MatMul(), [m, v])[0] == f32([5, 11], [2]))
        #expect(try run(MatMul(), [v, v])[0] == f32([5], []))
    }
}
