import Testing
@testable import AugurEngine

/// Engine-level checks of the ai.onnx.ml kernels: constructor invariants, static types, and
/// run-time errors on data that does not fit. Probit values were computed with onnxruntime
/// 1.23.2 (a LinearRegressor with PROBIT) in the project venv.
@Suite struct MLKernelTests {
    @Test func probitMatchesOnnxruntime() {
        let inputs: [Float] = [0.1, 0.3, 0.5, 0.75, 0.99]
        let expected: [Float] = [-1.2817129, -0.52444589, 0, 0.67457432, 2.3240902]
        for (x, y) in zip(inputs, expected) {
            #expect(abs(PostTransform.probit(x) - y) <= 2e-7 * max(1, abs(y)), "probit(\(x))")
        }
    }

    @Test func classifierConstructorChecks() {
        #expect(throws: EngineError.self) {
            try LinearClassifier(coefficients: [1, 2, 3], intercepts: [0, 0], labels: .int64([0, 1]), postTransform: .none)
        }
        #expect(throws: EngineError.self) {
            try LinearClassifier(coefficients: [1, 2], intercepts: [], labels: .int64([0, 1]), postTransform: .none)
        }
        #expect(throws: EngineError.self) {
            try LinearClassifier(coefficients: [1, 2, 3, 4, 5, 6], intercepts: [0, 0, 0], labels: .int64([0, 1]), postTransform: .none)
        }
    }

    @Test func classifierTypesAndRunErrors() throws {
        let op = try LinearClassifier(coefficients: [1, 2, 3, 4], intercepts: [0, 0], labels: .string(["a", "b"]), postTransform: .softmax)
        let types = try op.outputTypes(for: [.tensor(TensorType(.float64, shape: [nil, 2]))])
        #expect(types == [.tensor(TensorType(.string, shape: [nil])), .tensor(TensorType(.float32, shape: [nil, 2]))])
        #expect(throws: EngineError.self) { try op.run([.tensor(try Tensor(float32: [1, 2, 3], shape: [1, 3]))]) }
        #expect(throws: EngineError.self) { try op.run([.tensor(try Tensor(float32: [1, 2], shape: [1, 1, 2]))]) }
        let out = try op.run([.tensor(try Tensor(float64: [1, 1], shape: [1, 2]))])
        #expect(out[0] == .tensor(try Tensor(string: ["b"], shape: [1])))
    }

    @Test func classifierArgmaxKeepsFirstOfTiesAndIgnoresLaterNaN() throws {
        let op = try LinearClassifier(coefficients: [1, 1, 1], intercepts: [0, 0, 0], labels: .int64([5, 6, 7]), postTransform: .none)
        let out = try op.run([.tensor(try Tensor(float32: [2, .nan], shape: [2, 1]))])
        #expect(out[0] == .tensor(try Tensor(int64: [5, 5], shape: [2])))
    }

    @Test func normalizerIntegerSquaresWrapLikeOnnxruntime() throws {
        // onnxruntime squares int32 in int32: 50000² wraps negative, giving [1, NaN] here.
        let op = Normalizer(norm: .l2)
        let out = try op.run([.tensor(try Tensor(int32: [50000, 1], shape: [1, 2]))])
        guard case .tensor(let y) = out[0], case .float32(let v) = y.storage else { Issue.record("not float"); return }
        #expect(v[0] == 1)
        #expect(v[1].isNaN)
        #expect(throws: EngineError.self) { try op.run([.tensor(try Tensor(float32: [1], shape: []))]) }
    }

    @Test func oneHotTruncationOfOutOfRangeFloats() throws {
        let op = try OneHotEncoder(categories: .int64([Int64.min, 5]), zerosForUnknown: true)
        let out = try op.run([.tensor(try Tensor(float32: [1e30, -1e30, .infinity, 5.9], shape: [4]))])
        #expect(out[0] == .tensor(try Tensor(float32: [1, 0, 1, 0, 1, 0, 0, 1], shape: [4, 2])))
        #expect(MLTensorSupport.truncatedInt64(.nan) == Int64.min)
        #expect(MLTensorSupport.truncatedInt64(-2.9) == -2)
    }

    @Test func labelEncoderConstructorChecks() {
        #expect(throws: EngineError.self) {
            try LabelEncoder(keys: .int64([1, 2]), values: .string(["a"]), defaultValue: .string(""), nanMatchesNaN: false)
        }
        #expect(throws: EngineError.self) {
            try LabelEncoder(keys: .int64([1]), values: .string(["a"]), defaultValue: .int64(0), nanMatchesNaN: false)
        }
    }

    @Test func labelEncoderInt32AndNegativeZero() throws {
        let op = try LabelEncoder(keys: .float32([-0.0]), values: .int32([3]), defaultValue: .int32(-1), nanMatchesNaN: true)
        let out = try op.run([.tensor(try Tensor(float32: [0, -0.0, 1], shape: [3]))])
        #expect(out[0] == .tensor(try Tensor(int32: [3, 3, -1], shape: [3])))
        #expect(throws: EngineError.self) { try op.run([.tensor(try Tensor(float64: [0], shape: [1]))]) }
    }

    @Test func featureVectorizerChecks() throws {
        #expect(throws: EngineError.self) { try FeatureVectorizer(dimensions: [Int.max, 1]) }
        #expect(throws: EngineError.self) { try FeatureVectorizer(dimensions: [-1]) }
        let op = try FeatureVectorizer(dimensions: [2])
        #expect(try op.outputTypes(for: [.tensor(TensorType(.int32, shape: [4]))]) == [.tensor(TensorType(.float32, shape: [1, 2]))])
        #expect(throws: EngineError.self) { try op.outputTypes(for: [.tensor(TensorType(.string, shape: [4]))]) }
    }

    @Test func arrayFeatureExtractorStaticShape() throws {
        let op = ArrayFeatureExtractor()
        let types = try op.outputTypes(for: [.tensor(TensorType(.float32, shape: [nil, 5])), .tensor(TensorType(.int64, shape: [1, 3]))])
        #expect(types == [.tensor(TensorType(.float32, shape: [nil, 3]))])
        #expect(throws: EngineError.self) {
            try op.outputTypes(for: [.tensor(TensorType(.float32, shape: [])), .tensor(TensorType(.int64, shape: [1]))])
        }
    }

    @Test func imputerDoubleAndInt32() throws {
        let d = try Imputer(rule: .float(imputed: [2.5], replaced: .nan))
        #expect(try d.run([.tensor(try Tensor(float64: [.nan, 1], shape: [2]))])[0] == .tensor(try Tensor(float64: [2.5, 1], shape: [2])))
        let i = try Imputer(rule: .int64(imputed: [7, 8], replaced: 0))
        #expect(try i.run([.tensor(try Tensor(int32: [0, 0, 3, 0], shape: [2, 2]))])[0] == .tensor(try Tensor(int32: [7, 8, 3, 8], shape: [2, 2])))
        #expect(throws: EngineError.self) { try i.run([.tensor(try Tensor(int32: [0], shape: []))]) }
    }
}
