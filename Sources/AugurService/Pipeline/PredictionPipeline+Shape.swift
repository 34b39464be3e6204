import AugurEngine

/// What a route's answers hold, known at load: for protocol metadata (V2 model metadata).
public struct AnswerShape: Sendable, Equatable {
    public let isClassifier: Bool
    /// Classifiers: whether class codes are integers (else strings).
    public let classCodesAreIntegers: Bool
    /// Classifiers: whether there are probabilities (and so `probability` and the classes).
    public let hasProbabilities: Bool
    /// Classifiers with a probability tensor of known width: the number of classes.
    public let classCount: Int?
    /// Regressors: values per row when the model's output says (1 for one target).
    public let valueWidth: Int?
    public let unit: String?
}

extension PredictionPipeline {
    public var answerShape: AnswerShape {
        func tensor(_ index: Int) -> TensorType? { plan.outputs[index].type.tensorType }
        switch output.kind {
        case .classifier(let label, let probabilities):
            let width = probabilities.flatMap { tensor($0)?.shape?.last ?? nil }
            return AnswerShape(isClassifier: true, classCodesAreIntegers: tensor(label)?.elementType != .string,
                               hasProbabilities: probabilities != nil, classCount: width, valueWidth: nil, unit: nil)
        case .regressor(let index):
            // Dims come from the model file: multiplied with overflow checks and the engine's cap.
            var width: Int? = nil
            if let dims = tensor(index)?.shape?.dropFirst(), dims.allSatisfy({ $0 != nil }) {
                width = TensorLimits.product(dims.compactMap { $0 })
            }
            return AnswerShape(isClassifier: false, classCodesAreIntegers: false, hasProbabilities: false, classCount: nil,
                               valueWidth: width, unit: output.spec.unit)
        }
    }
}
