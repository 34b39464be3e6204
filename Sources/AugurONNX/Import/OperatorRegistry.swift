import AugurEngine

/// Maps ONNX (domain, op type, opset) to a builder of the engine operator.
///
/// Each entry lists the opset versions at which the operator's definition changed (its
/// `since_version`s). A node is served by the newest definition no newer than the model's
/// opset; an opset newer than `maxOpset` for the domain is refused rather than guessed.
public struct OperatorRegistry: Sendable {
    public typealias Builder = @Sendable (NodeContext) throws -> any Operator

    public struct Entry: Sendable {
        public let domain: String
        public let opType: String
        /// The `since_version`s this builder implements.
        public let versions: [Int]
        public let build: Builder

        public init(_ domain: String, _ opType: String, versions: [Int], _ build: @escaping Builder) {
            self.domain = OperatorRegistry.normalised(domain)
            self.opType = opType
            self.versions = versions.sorted()
            self.build = build
        }
    }

    /// The newest opset of each domain Augur knows the definitions of.
    public static let maxOpset: [String: Int] = ["": 25, "ai.onnx.ml": 5, "com.microsoft": 1]

    private var entries: [String: [Entry]] = [:]

    public init(_ entries: [Entry]) {
        for entry in entries { self.entries["\(entry.domain)::\(entry.opType)", default: []].append(entry) }
    }

    /// Every operator Augur implements.
    public static let standard = OperatorRegistry(coreOperators + mlOperators + treeOperators + textOperators)

    static func normalised(_ domain: String) -> String { domain == "ai.onnx" ? "" : domain }

    /// The builder for an op at a model opset, or nil when unsupported.
    public func builder(domain: String, opType: String, opset: Int) -> Builder? {
        let domain = Self.normalised(domain)
        guard let max = Self.maxOpset[domain], opset <= max else { return nil }
        guard let candidates = entries["\(domain)::\(opType)"] else { return nil }
        // The definition in force is the newest since_version <= opset across all entries;
        // serve it only if some entry implements exactly that version.
        let inForce = candidates.flatMap(\.versions).filter { $0 <= opset }.max()
        guard let inForce else { return nil }
        return candidates.first { $0.versions.contains(inForce) }?.build
    }

    /// Every (domain, op type) pair with its versions, for documentation and `inspect`.
    public var supported: [(domain: String, opType: String, versions: [Int])] {
        entries.values.flatMap { $0 }.map { ($0.domain, $0.opType, $0.versions) }
            .sorted { ($0.domain, $0.opType) < ($1.domain, $1.opType) }
    }
}
