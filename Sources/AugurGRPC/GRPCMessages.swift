import AugurV2
import Foundation

/// Protobuf messages ↔ the transport-free V2 messages.
enum GRPCMessages {
    static func request(_ message: Inference_ModelInferRequest) throws(V2Error) -> V2InferRequest {
        let raw = message.rawInputContents
        guard raw.isEmpty || raw.count == message.inputs.count else {
            throw .invalid("raw_input_contents has \(raw.count) entries for \(message.inputs.count) inputs.")
        }
        var inputs: [V2Tensor] = []
        for (i, input) in message.inputs.enumerated() {
            guard let datatype = V2Datatype(rawValue: input.datatype) else {
                throw .invalid("Input '\(input.name)' has datatype '\(input.datatype)'; expected one of \(V2Datatype.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            guard input.shape.count <= V2Limits.maxRank, input.shape.allSatisfy({ $0 >= 0 && $0 <= Int64(V2Limits.maxElements) }),
                  let count = V2Tensor.elementCount(input.shape.map { Int($0) }) else {
                throw .invalid("Input '\(input.name)' has shape \(input.shape); sizes are whole numbers and at most \(V2Limits.maxElements) elements in all.")
            }
            let contents = raw.isEmpty
                ? try typed(input.contents, datatype, input.name)
                : try V2Contents.decode(ArraySlice(raw[i]), datatype: datatype, count: count, name: input.name)
            inputs.append(V2Tensor(name: input.name, datatype: datatype, shape: input.shape.map { Int($0) }, contents: contents,
                                   parameters: parameters(input.parameters)))
        }
        var request = V2InferRequest(id: message.id.isEmpty ? nil : message.id, parameters: parameters(message.parameters), inputs: inputs)
        if !message.outputs.isEmpty {
            request.outputs = message.outputs.map { .init(name: $0.name, parameters: parameters($0.parameters)) }
        }
        return request
    }

    /// Typed `contents`: the field of the datatype's kind.
    private static func typed(_ c: Inference_InferTensorContents, _ datatype: V2Datatype, _ name: String) throws(V2Error) -> V2Contents {
        switch datatype {
        case .bool: return .bools(c.boolContents)
        case .int8, .int16, .int32:
            guard let range = datatype.integerRange, c.intContents.allSatisfy({ range.contains(Double($0)) }) else {
                throw .invalid("Input '\(name)' holds values outside the range of \(datatype.rawValue).")
            }
            return .integers(c.intContents.map(Int64.init))
        case .int64: return .integers(c.int64Contents)
        case .uint8, .uint16, .uint32:
            guard let range = datatype.integerRange, c.uintContents.allSatisfy({ range.contains(Double($0)) }) else {
                throw .invalid("Input '\(name)' holds values outside the range of \(datatype.rawValue).")
            }
            return .unsigned(c.uintContents.map(UInt64.init))
        case .uint64: return .unsigned(c.uint64Contents)
        case .fp32: return .floats(c.fp32Contents)
        case .fp64: return .doubles(c.fp64Contents)
        case .bytes: return .bytes(c.bytesContents.map { Array($0) })
        case .fp16: throw .invalid("Input '\(name)': datatype FP16 is not supported.")
        }
    }

    static func response(_ response: V2InferResponse) -> Inference_ModelInferResponse {
        .with { message in
            message.modelName = response.modelName
            message.modelVersion = response.modelVersion
            message.id = response.id ?? ""
            message.outputs = response.outputs.map { tensor in
                .with {
                    $0.name = tensor.name
                    $0.datatype = tensor.datatype.rawValue
                    $0.shape = tensor.shape.map(Int64.init)
                    $0.parameters = parameters(tensor.parameters)
                }
            }
            message.rawOutputContents = response.outputs.map { Data($0.contents.encoded(as: $0.datatype)) }
        }
    }

    static func parameters(_ map: [String: Inference_InferParameter]) -> [String: V2Parameter] {
        map.compactMapValues { parameter in
            switch parameter.parameterChoice {
            case .boolParam(let b)?: .bool(b)
            case .int64Param(let i)?: .int64(i)
            case .stringParam(let s)?: .string(s)
            case .doubleParam(let d)?: .double(d)
            case .uint64Param(let u)?: u <= UInt64(Int64.max) ? .int64(Int64(u)) : .double(Double(u))
            case nil: nil
            }
        }
    }

    static func parameters(_ map: [String: V2Parameter]) -> [String: Inference_InferParameter] {
        map.mapValues { value in
            .with {
                switch value {
                case .bool(let b): $0.boolParam = b
                case .int64(let i): $0.int64Param = i
                case .string(let s): $0.stringParam = s
                case .double(let d): $0.doubleParam = d
                }
            }
        }
    }
}
