/// An inference request, whatever its wire form (REST JSON, REST with binary tensors, gRPC).
public struct V2InferRequest: Sendable {
    /// A requested output: its name and parameters (`binary_data`, `classification`, …).
    public struct Output: Sendable {
        public var name: String
        public var parameters: [String: V2Parameter]
        public init(name: String, parameters: [String: V2Parameter] = [:]) {
            self.name = name
            self.parameters = parameters
        }
    }

    public var id: String?
    public var parameters: [String: V2Parameter]
    public var inputs: [V2Tensor]
    /// nil: every output.
    public var outputs: [Output]?

    public init(id: String? = nil, parameters: [String: V2Parameter] = [:], inputs: [V2Tensor], outputs: [Output]? = nil) {
        self.id = id
        self.parameters = parameters
        self.inputs = inputs
        self.outputs = outputs
    }
}

/// An inference response: the model that answered, the request's id, the output tensors.
public struct V2InferResponse: Sendable {
    public var modelName: String
    public var modelVersion: String
    public var id: String?
    public var outputs: [V2Tensor]
    /// Rows predicted (not sent; for metrics).
    public var rows: Int = 0
}

/// Counts the rows a V2 request predicted, by model (the servers' metrics).
public typealias V2RowCounter = @Sendable (_ model: V2Catalog.Model, _ rows: Int) -> Void

/// A tensor's name, datatype and shape (-1 for a dimension of any size), for model metadata.
public struct V2TensorMetadata: Sendable, Equatable {
    public let name: String
    public let datatype: V2Datatype
    public let shape: [Int]
}

/// `GET /v2/models/{name}`: what a model takes and gives.
public struct V2ModelMetadata: Sendable {
    public let name: String
    public let versions: [String]
    /// `augur_route` for a route, `onnx_onnxv1` for a raw ONNX model.
    public let platform: String
    public let inputs: [V2TensorMetadata]
    public let outputs: [V2TensorMetadata]
}
