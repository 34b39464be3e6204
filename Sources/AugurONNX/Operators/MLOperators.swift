import AugurEngine

/// Builders for the ai.onnx.ml domain, trees excepted.
let mlOperators: [OperatorRegistry.Entry] = [
]
