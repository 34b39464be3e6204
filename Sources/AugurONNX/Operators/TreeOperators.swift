import AugurEngine

/// Builders for the ai.onnx.ml tree ensembles.
let treeOperators: [OperatorRegistry.Entry] = [
]
