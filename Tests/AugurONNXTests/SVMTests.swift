@testable import AugurEngine
import Foundation
import Testing
@testable import AugurONNX

/// SVMClassifier and SVMRegressor: hand-built models checked against the formulas they
/// implement, and every attribute size that could make a run read out of bounds refused at
/// load with a message (the fixtures `svm_*` compare with onnxruntime).
@Suite struct SVMTests {
    /// Two classes, one support vector each, features [N, 2].
    let binary: [Onnx_AttributeProto] = [
        Attr.string("kernel_type", "RBF"), Attr.floats("kernel_params", [0.5, 0, 3]),
        Attr.ints("vectors_per_class", [1, 1]), Attr.floats("support_vectors", [0, 0, 1, 1]),
        Attr.floats("coefficients", [1, -1]), Attr.floats("rho", [0.1]), Attr.ints("classlabels_ints", [0, 1]),
    ]

    func loadError(_ op: String, _ attributes: [Onnx_AttributeProto], outputs: [String]) -> EngineError? {
        do {
            _ = try MLTestModel.load(op, attributes, inputs: [.init("X", MLTestModel.float, [nil, 2])], outputs: outputs)
            return nil
        } catch {
            return error as? EngineError
        }
    }

    @Test func binaryRBFDecisionValueAndLabel() throws {
        let model = try MLTestModel.load("SVMClassifier", binary, inputs: [.init("X", MLTestModel.float, [nil, 2])], outputs: ["L", "S"])
        let out = try MLTestModel.run(model, ["X": try Tensor(float32: [0.2, 0.1, 0.9, 1.0], shape: [2, 2])])
        // s = 1·K(x, sv0) − 1·K(x, sv1) + rho; K = exp(−0.5 |x − sv|²); label: class 0 wins when s > 0.
        for (row, x) in [[Float(0.2), 0.1], [0.9, 1.0]].enumerated() {
            let k0 = exp(-0.5 * (x[0] * x[0] + x[1] * x[1]))
            let k1 = exp(-0.5 * ((x[0] - 1) * (x[0] - 1) + (x[1] - 1) * (x[1] - 1)))
            let s = Float(Double(k0) - Double(k1) + Double(Float(0.1)))
            guard case .tensor(let scores)? = out["S"], case .float32(let v) = scores.storage,
                  case .tensor(let labels)? = out["L"], case .int64(let l) = labels.storage else { Issue.record("outputs"); return }
            #expect(scores.shape == [2, 2])
            #expect(abs(v[row * 2 + 1] - s) < 1e-6 && v[row * 2] == -v[row * 2 + 1], "row \(row): \(v) vs \(s)")
            #expect(l[row] == (s > 0 ? 0 : 1))
        }
    }

    @Test func pairwiseCouplingMatchesTwoClassSigmoid() {
        // Two classes: coupling gives back the pairwise probability itself.
        var p: [Float] = [0, 0]
        SVMClassifier.multiclassProbability(2, [0, 0.8, 0.2, 0], &p)
        #expect(abs(p[0] - 0.8) < 1e-5 && abs(p[1] - 0.2) < 1e-5, "\(p)")
        // Three classes, consistent pairwise odds (1 : 2 : 1): the probabilities follow.
        let q: [Float] = [1, 2, 1]
        var r = [Float](repeating: 0, count: 9)
        for i in 0..<3 { for j in 0..<3 where i != j { r[i * 3 + j] = q[i] / (q[i] + q[j]) } }
        var p3: [Float] = [0, 0, 0]
        SVMClassifier.multiclassProbability(3, r, &p3)
        #expect(abs(p3[0] - 0.25) < 1e-3 && abs(p3[1] - 0.5) < 1e-3 && abs(p3[2] - 0.25) < 1e-3, "\(p3)")
    }

    @Test func regressorAndOneClass() throws {
        let attributes = [Attr.string("kernel_type", "POLY"), Attr.floats("kernel_params", [0.5, 1, 2]), Attr.int("n_supports", 2),
                          Attr.floats("support_vectors", [1, 0, 0, 1]), Attr.floats("coefficients", [2, -1]), Attr.floats("rho", [0.25])]
        let model = try MLTestModel.load("SVMRegressor", attributes, inputs: [.init("X", MLTestModel.float, [nil, 2])], outputs: ["Y"])
        let out = try MLTestModel.run(model, ["X": try Tensor(float32: [1, 2], shape: [1, 2])])
        // 2·(0.5·1 + 1)² − (0.5·2 + 1)² + 0.25 = 4.5 − 4 + 0.25
        #expect(out["Y"] == .tensor(try Tensor(float32: [0.75], shape: [1, 1])))
        let oneClass = try MLTestModel.load("SVMRegressor", attributes + [Attr.int("one_class", 1)],
                                            inputs: [.init("X", MLTestModel.float, [nil, 2])], outputs: ["Y"])
        #expect(try MLTestModel.run(oneClass, ["X": try Tensor(float32: [1, 2, 0, 0], shape: [2, 2])])["Y"]
                == .tensor(try Tensor(float32: [1, 1], shape: [2, 1])))
    }

    @Test func sizesThatDoNotFitAreRefusedAtLoad() {
        func without(_ name: String, _ list: [Onnx_AttributeProto]) -> [Onnx_AttributeProto] { list.filter { $0.name != name } }
        let cases: [(String, [Onnx_AttributeProto])] = [
            ("vectors_per_class has 1 counts for 2 classes", without("vectors_per_class", binary) + [Attr.ints("vectors_per_class", [2])]),
            ("do not split into 2 vectors", without("support_vectors", binary) + [Attr.floats("support_vectors", [0, 0, 1])]),
            ("1 × 2 are needed", without("coefficients", binary) + [Attr.floats("coefficients", [1])]),
            ("rho values for 1 class pairs", without("rho", binary) + [Attr.floats("rho", [])]),
            ("they come in pairs", binary + [Attr.floats("prob_a", [1]), Attr.floats("prob_b", [])]),
            ("it holds gamma, coef0 and degree", without("kernel_params", binary) + [Attr.floats("kernel_params", [0.5, 0])]),
            ("unknown kernel 'GAUSS'", without("kernel_type", binary) + [Attr.string("kernel_type", "GAUSS")]),
            ("negative count", without("vectors_per_class", binary) + [Attr.ints("vectors_per_class", [3, -1])]),
            ("input 0 has 2 features but the model has 3", without("support_vectors", binary) + [Attr.floats("support_vectors", [0, 0, 0, 1, 1, 1])]),
        ]
        for (message, attributes) in cases {
            let error = loadError("SVMClassifier", attributes, outputs: ["L", "S"])
            #expect(error?.message.contains(message) == true, "\(message): \(String(describing: error))")
        }
        let regressor = [Attr.int("n_supports", 2), Attr.floats("support_vectors", [1, 0, 0, 1]), Attr.floats("coefficients", [2, -1]),
                         Attr.floats("rho", [0.25])]
        #expect(loadError("SVMRegressor", regressor, outputs: ["Y"]) == nil)
        #expect(loadError("SVMRegressor", without("coefficients", regressor) + [Attr.floats("coefficients", [2])], outputs: ["Y"])?
            .message.contains("1 coefficients for 2 support vectors") == true)
        #expect(loadError("SVMRegressor", without("n_supports", regressor) + [Attr.int("n_supports", 3)], outputs: ["Y"])?
            .message.contains("do not split into 3 vectors") == true)
        #expect(loadError("SVMRegressor", without("rho", regressor), outputs: ["Y"])?.code == .missingAttribute)
        #expect(loadError("SVMRegressor", regressor + [Attr.int("one_class", 2)], outputs: ["Y"])?.message.contains("'2'") == true)
    }
}
