import AugurEngine
import AugurService

/// A model under `models:` as a V2 model: its ONNX inputs by name, each with the model's own
/// datatype and a shape that fits the declared one, run through its plan; every output
/// answered (a ZipMap's maps as a [N, classes] FP32 tensor).
extension V2Catalog {
    func inferRaw(_ loaded: LoadedModel, _ request: V2InferRequest) throws(V2Error) -> [V2Tensor] {
        let plan = loaded.model.plan
        var problems: [String] = []
        for input in request.inputs where !plan.inputs.contains(where: { $0.name == input.name }) {
            problems.append("unknown input '\(input.name)'")
        }
        var feeds: [Value] = []
        for declared in plan.inputs {
            guard let type = declared.type.tensorType else {
                problems.append("input '\(declared.name)' is not a tensor")
                continue
            }
            guard let input = request.inputs.first(where: { $0.name == declared.name }) else {
                problems.append("input '\(declared.name)' (\(Self.datatype(of: type.elementType).rawValue)) is missing")
                continue
            }
            let expected = Self.datatype(of: type.elementType)
            guard input.datatype == expected else {
                problems.append("input '\(input.name)' has datatype \(input.datatype.rawValue); the model takes \(expected.rawValue)")
                continue
            }
            if let dims = type.shape, dims.count != input.shape.count || zip(dims, input.shape).contains(where: { $0 != nil && $0 != $1 }) {
                problems.append("input '\(input.name)' has shape \(input.shape); the model takes \(dims.map { $0.map(String.init) ?? "-1" })")
                continue
            }
            do {
                feeds.append(.tensor(try Tensor(shape: input.shape, storage: Self.storage(input.contents, type.elementType))))
            } catch {
                problems.append("input '\(input.name)': \(error)")
            }
        }
        guard problems.isEmpty else {
            throw .invalid("\(problems.count) problem\(problems.count == 1 ? "" : "s"): " + problems.joined(separator: "; ") + ".")
        }
        let outputs: [Value]
        do {
            outputs = try plan.run(feeds)
        } catch {
            throw .invalid("The model cannot run on these inputs: \(error)")
        }
        return zip(plan.outputs, outputs).map { Self.tensor($0.name, $1) }
    }

    private static func storage(_ contents: V2Contents, _ element: ElementType) -> TensorStorage {
        switch (contents, element) {
        case (.floats(let v), _): .float32(v)
        case (.doubles(let v), _): .float64(v)
        case (.integers(let v), .int32): .int32(v.map { Int32(truncatingIfNeeded: $0) })
        case (.integers(let v), _): .int64(v)
        case (.unsigned(let v), _): .int64(v.map { Int64(truncatingIfNeeded: $0) })
        case (.bools(let v), _): .bool(v)
        case (.bytes(let v), _): .string(v.map { String(decoding: $0, as: UTF8.self) })
        }
    }

    static func tensor(_ name: String, _ value: Value) -> V2Tensor {
        switch value {
        case .maps(let maps):
            return V2Tensor(name: name, datatype: .fp32, shape: [maps.rows, maps.keys.count], contents: .floats(maps.scores),
                            parameters: ["keys": .string(maps.keys.strings.joined(separator: ","))])
        case .tensor(let t):
            let contents: V2Contents = switch t.storage {
            case .float32(let v): .floats(v)
            case .float64(let v): .doubles(v)
            case .int64(let v): .integers(v)
            case .int32(let v): .integers(v.map(Int64.init))
            case .bool(let v): .bools(v)
            case .string(let v): .bytes(v.map { Array($0.utf8) })
            }
            return V2Tensor(name: name, datatype: datatype(of: t.elementType), shape: t.shape, contents: contents)
        }
    }
}
