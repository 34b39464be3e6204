import Testing
@testable import AugurEngine

/// The one checked size helper (`TensorLimits`) and the kernels that used to trap or allocate
/// terabytes on sizes from a model file: each of these crashed the process before.
@Suite struct TensorLimitsTests {
    @Test func productIsCheckedAndCapped() {
        #expect(TensorLimits.product([2, 3, 4]) == 24)
        #expect(TensorLimits.product([]) == 1)
        #expect(TensorLimits.product([2, -1]) == nil)
        #expect(TensorLimits.product([1 << 40, 1 << 40], cap: .max) == nil)
        #expect(TensorLimits.product([TensorLimits.maxElements]) == TensorLimits.maxElements)
        #expect(TensorLimits.product([TensorLimits.maxElements, 2]) == nil)
        // A zero does not hide the other dimensions: every partial product must fit too.
        #expect(TensorLimits.product([0, 1 << 40, 1 << 40, 1 << 40], cap: .max) == nil)
        #expect(TensorLimits.product([0, 1 << 20]) == 0)
        #expect(Tensor.elementCount(of: [0, 1 << 40, 1 << 40]) == nil)
    }

    @Test func rankSumsAndBytes() {
        #expect(TensorLimits.elementCount([Int](repeating: 1, count: TensorLimits.maxRank)) == 1)
        #expect(TensorLimits.elementCount([Int](repeating: 1, count: TensorLimits.maxRank + 1)) == nil)
        #expect(TensorLimits.sum([1 << 27, 1 << 27]) == 1 << 28)
        #expect(TensorLimits.sum([1 << 27, 1 << 27, 1]) == nil)
        #expect(TensorLimits.sum([Int.max, 1], cap: .max) == nil)
        #expect(TensorLimits.byteCount(3, width: 8) == 24)
        #expect(TensorLimits.byteCount((1 << 61) + 1, width: 8) == nil)
        #expect(TensorLimits.byteCount(1 << 62, width: 8) == nil)
    }

    @Test func floatingCounts() {
        #expect(TensorLimits.count(-.infinity) == 0)
        #expect(TensorLimits.count(-1e300) == 0)
        #expect(TensorLimits.count(2.5) == 3)
        #expect(TensorLimits.count(.infinity) == nil)
        #expect(TensorLimits.count(.nan) == nil)
        #expect(TensorLimits.count(Double(TensorLimits.maxElements) + 1) == nil)
    }

    @Test func shapeCountNamesTheLimit() {
        #expect(throws: EngineError.self) { try ShapeMath.count([Int](repeating: 1, count: 17)) }
        #expect(throws: EngineError.self) { try ShapeMath.count([1 << 20, 1 << 20]) }
        #expect(throws: EngineError.self) { try ShapeMath.count([-1]) }
    }

    /// Range on an infinite span in the wrong direction: `Int(-inf)` trapped.
    @Test func rangeWithNegativeInfiniteStepsIsEmpty() throws {
        let f = { (v: Float) in Value.tensor(Tensor(unchecked: [], .float32([v]))) }
        let out = try NumericRange().run([f(0), f(-.infinity), f(1)])
        #expect(try out[0].tensor("r").shape == [0])
        let d = { (v: Double) in Value.tensor(Tensor(unchecked: [], .float64([v]))) }
        #expect(try NumericRange().run([d(0), d(-1e300), d(1)])[0].tensor("r").shape == [0])
        #expect(throws: EngineError.self) { try NumericRange().run([d(0), d(.infinity), d(1)]) }
        #expect(throws: EngineError.self) { try NumericRange().run([d(0), d(1e300), d(1)]) }
    }

    /// `inputdimensions=[2^40]` loaded and then allocated 4 TiB on the first row.
    @Test func featureVectorizerWidthIsCappedAtLoad() throws {
        #expect(throws: EngineError.self) { try FeatureVectorizer(dimensions: [1 << 40]) }
        #expect(throws: EngineError.self) { try FeatureVectorizer(dimensions: [1 << 27, 1 << 27, 1]) }
        #expect(try FeatureVectorizer(dimensions: [3, 4]).totalWidth == 7)
    }

    /// Elements × categories past the cap: an error before the output is allocated.
    @Test func oneHotOutputIsCapped() throws {
        let encoder = try OneHotEncoder(categories: .int64((0..<4096).map(Int64.init)), zerosForUnknown: true)
        let x = Tensor(unchecked: [1 << 17], .int64([Int64](repeating: 0, count: 1 << 17)))
        #expect(throws: EngineError.self) { try encoder.run([.tensor(x)]) }
    }

    /// Zero-element tensors whose concatenated dimension overflows.
    @Test func concatOfEmptyTensorsWithHugeDimensions() throws {
        let empty = Value.tensor(Tensor(unchecked: [0, 1 << 62], .float32([])))
        #expect(throws: EngineError.self) { try Concat(axis: 1).run([empty, empty]) }
    }

    /// Static shapes from declared dimensions are multiplied with checks: unknown, not a trap.
    @Test func flattenOfHugeStaticShape() throws {
        let type = ValueType.tensor(TensorType(.float32, shape: [1 << 62, 4, 1]))
        guard case .tensor(let out) = try Flatten(axis: 2).outputTypes(for: [type])[0] else {
            Issue.record("expected a tensor")
            return
        }
        #expect(out.shape == [nil, 1])
    }

    /// Found by the structure-aware mutator: axes listed twice made the static rank negative
    /// (`Array(repeating:count: -1)` trapped); a static rank past the cap is refused too.
    @Test func staticRanksAreChecked() throws {
        let matrix = ValueType.tensor(TensorType(.float32, shape: [nil, 2]))
        #expect(throws: EngineError.self) {
            try Reduce(.sum, axes: [0, 0, 0], axesFromInput: false, keepDims: false).outputTypes(for: [matrix])
        }
        let axes = ValueType.tensor(TensorType(.int64, shape: [1 << 20]))
        #expect(throws: EngineError.self) { try Unsqueeze(axes: nil).outputTypes(for: [matrix, axes]) }
        #expect(try Reduce(.sum, axes: [1], axesFromInput: false, keepDims: false).outputTypes(for: [matrix]).count == 1)
    }
}
