import AugurEngine

/// Builders for the ai.onnx.ml tree ensembles.
let treeOperators: [OperatorRegistry.Entry] = [
    .init("ai.onnx.ml", "TreeEnsembleClassifier", versions: [1, 3]) { try TreeEnsembleV3Builder.classifier($0) },
    .init("ai.onnx.ml", "TreeEnsembleRegressor", versions: [1, 3]) { try TreeEnsembleV3Builder.regressor($0) },
    .init("ai.onnx.ml", "TreeEnsemble", versions: [5]) { try TreeEnsembleV5Builder.build($0) },
]
