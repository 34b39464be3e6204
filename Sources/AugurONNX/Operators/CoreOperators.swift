import AugurEngine

/// Builders for the ai.onnx domain.
let coreOperators: [OperatorRegistry.Entry] = [
    .init("", "Identity", versions: [1, 13, 14, 16, 19, 21]) { _ in Identity() },
]
