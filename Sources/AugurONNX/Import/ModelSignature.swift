import AugurEngine

/// What a model takes and returns, and where it came from.
public struct ModelSignature: Sendable {
    public struct Port: Sendable {
        public let name: String
        public let type: ValueType
        public let docString: String
    }

    public let inputs: [Port]
    public let outputs: [Port]
    /// Domain ("" for ai.onnx) → opset version.
    public let opsets: [String: Int]
    public let irVersion: Int64
    public let producerName: String
    public let producerVersion: String
    public let modelVersion: Int64
    public let docString: String
    public let graphName: String
    /// The model's `metadata_props`, in file order.
    public let metadata: [(key: String, value: String)]

    /// Feature names a converter recorded in metadata (`feature_names`, comma-separated or JSON list).
    public var featureNames: [String]? {
        guard let raw = metadata.first(where: { $0.key == "feature_names" })?.value else { return nil }
        let trimmed = raw.trimmingCharacters(in: " []\n")
        let names = trimmed.split(separator: ",").map { $0.trimmingCharacters(in: " \"'") }
        return names.isEmpty ? nil : names
    }
}

private extension String {
    func trimmingCharacters(in set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s.removeFirst() }
        while let l = s.last, set.contains(l) { s.removeLast() }
        return String(s)
    }
}

private extension Substring {
    func trimmingCharacters(in set: String) -> String { String(self).trimmingCharacters(in: set) }
}
