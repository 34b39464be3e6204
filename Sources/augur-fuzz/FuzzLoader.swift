import AugurEngine
import AugurONNX
import Foundation

// The loader must turn any bytes into a model or a ModelLoadError: never a crash or a hang.
//
// Built with `-Xswiftc -sanitize=fuzzer -Xswiftc -DFUZZING` this is a libFuzzer target
// (scripts/fuzz.sh); built normally it replays files given as arguments (crash inputs kept
// under Tests/FuzzRegressions), loading each and running the loaded plan on one zero row.

/// Loads `data` and, when it loads, runs one row of zeros through the plan.
func exercise(_ data: Data) -> String {
    do {
        let model = try ONNXImporter().load(bytes: data)
        let feeds = model.signature.inputs.compactMap { port -> Value? in
            guard case .tensor(let type) = port.type, let shape = type.shape else { return nil }
            let dims = shape.enumerated().map { index, dim in index == 0 ? 1 : min(dim ?? 1, 64) }
            let count = dims.reduce(1, *)
            let storage: TensorStorage = switch type.elementType {
            case .float32: .float32(Array(repeating: 0, count: count))
            case .float64: .float64(Array(repeating: 0, count: count))
            case .int64: .int64(Array(repeating: 0, count: count))
            case .int32: .int32(Array(repeating: 0, count: count))
            case .bool: .bool(Array(repeating: false, count: count))
            case .string: .string(Array(repeating: "", count: count))
            }
            return (try? Tensor(shape: dims, storage: storage)).map(Value.tensor)
        }
        guard feeds.count == model.signature.inputs.count else { return "loaded" }
        _ = try model.plan.run(feeds)
        return "loaded and ran"
    } catch {
        return "rejected: \(error)"
    }
}

#if FUZZING
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLoader(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    _ = exercise(Data(bytes: start, count: count))
    return 0
}
#else
@main
struct FuzzRegressions {
    static func main() throws {
        for path in CommandLine.arguments.dropFirst() {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            print("\(path): \(exercise(data))")
        }
    }
}
#endif
