import AugurEngine
import AugurService

/// The V2 models of one service snapshot: every route (named parameters in, its answer's
/// label, class, probabilities or value out) and every model under `models:` whose name no
/// route takes (its raw ONNX inputs and outputs, Triton-style).
public struct V2Catalog: Sendable {
    public let service: Service

    public init(service: Service) { self.service = service }

    public enum Model: Sendable {
        case route(Route)
        case raw(name: String, model: LoadedModel)

        public var name: String {
            switch self {
            case .route(let route): route.name
            case .raw(let name, _): name
            }
        }

        public var version: String {
            switch self {
            case .route(let route): route.modelVersion
            case .raw(_, let model): model.version
            }
        }
    }

    /// Routes in file order, then raw models by name.
    public var models: [Model] {
        service.routes.map { .route($0) } + rawNames.compactMap { name in service.models[name].map { .raw(name: name, model: $0) } }
    }

    private var rawNames: [String] {
        service.models.keys.filter { service.route(named: $0) == nil }.sorted()
    }

    /// The model called `name`, at `version` when given (its one live version).
    public func model(_ name: String, version: String?) throws(V2Error) -> Model {
        let found: Model
        if let route = service.route(named: name) {
            found = .route(route)
        } else if let model = service.models[name] {
            found = .raw(name: name, model: model)
        } else {
            throw V2Error(.notFound, "Model '\(name)' is not served here; models: \(models.map { "'\($0.name)'" }.joined(separator: ", ")).")
        }
        if let version, version != found.version {
            throw V2Error(.notFound, "Model '\(name)' has no version '\(version)'; it serves version '\(found.version)'.")
        }
        return found
    }

    public func metadata(_ model: Model) -> V2ModelMetadata {
        switch model {
        case .route(let route):
            return V2ModelMetadata(name: route.name, versions: [route.modelVersion], platform: "augur_route",
                                   inputs: route.parameters.map { V2TensorMetadata(name: $0.name, datatype: Self.datatype(of: $0), shape: [-1]) },
                                   outputs: Self.outputs(of: route))
        case .raw(let name, let loaded):
            let plan = loaded.model.plan
            return V2ModelMetadata(name: name, versions: [loaded.version], platform: "onnx_onnxv1",
                                   inputs: plan.inputs.map { Self.metadata($0.name, $0.type) },
                                   outputs: plan.outputs.map { Self.metadata($0.name, $0.type) })
        }
    }

    /// Runs `request` on `model`.
    public func infer(_ model: Model, _ request: V2InferRequest) async throws(V2Error) -> V2InferResponse {
        for input in request.inputs { try input.check() }
        var outputs: [V2Tensor]
        switch model {
        case .route(let route): outputs = try await inferRoute(route, request)
        case .raw(_, let loaded): outputs = try inferRaw(loaded, request)
        }
        // Every output has a row per input row (a route's first answers each row; a raw
        // model's first output is [N, …]).
        let rows = outputs.first?.shape.first ?? 0
        if let requested = request.outputs {
            outputs = try requested.map { (wanted: V2InferRequest.Output) throws(V2Error) -> V2Tensor in
                guard var tensor = outputs.first(where: { $0.name == wanted.name }) else {
                    throw .invalid("Model '\(model.name)' has no output '\(wanted.name)'; its outputs: \(outputs.map { "'\($0.name)'" }.joined(separator: ", ")).")
                }
                for (key, value) in wanted.parameters where key != "binary_data" { tensor.parameters[key] = value }
                return tensor
            }
        }
        return V2InferResponse(modelName: model.name, modelVersion: model.version, id: request.id, outputs: outputs, rows: rows)
    }

    /// The V2 datatype a route parameter is sent as.
    static func datatype(of parameter: Parameter) -> V2Datatype {
        switch parameter.type {
        case .int: return .int64
        case .float: return .fp64
        case .bool: return .bool
        case .str: return .bytes
        case .enum:
            guard case .number? = parameter.options.first else { return .bytes }
            return parameter.options.allSatisfy { if case .number(let n) = $0 { n.isIntegral } else { false } } ? .int64 : .fp64
        }
    }

    static func datatype(of element: ElementType) -> V2Datatype {
        switch element {
        case .float32: .fp32
        case .float64: .fp64
        case .int64: .int64
        case .int32: .int32
        case .bool: .bool
        case .string: .bytes
        }
    }

    private static func metadata(_ name: String, _ type: ValueType) -> V2TensorMetadata {
        switch type {
        case .tensor(let t):
            return V2TensorMetadata(name: name, datatype: datatype(of: t.elementType), shape: (t.shape ?? [nil, nil]).map { $0 ?? -1 })
        case .maps:
            // A ZipMap's maps are answered as a [N, classes] FP32 tensor.
            return V2TensorMetadata(name: name, datatype: .fp32, shape: [-1, -1])
        }
    }
}
