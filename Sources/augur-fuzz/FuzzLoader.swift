import AugurEngine
import AugurONNX
import Foundation

// The loader must turn any bytes into a model or a EngineError: never a crash or a hang.
//
// Built with `-Xswiftc -sanitize=fuzzer -Xswiftc -DFUZZING` this is a libFuzzer target
// (scripts/fuzz.sh) with a structure-aware custom mutator (ModelMutator: decode the ModelProto,
// change dims, data lengths, attributes, names, ids, shapes, opsets, re-encode; one mutation in
// four stays libFuzzer's own byte-level one, and AUGUR_FUZZ_MUTATOR=bytes keeps them all so).
// Built normally it replays files given as arguments (crash inputs kept under
// Tests/FuzzRegressions, the hostile models of Tests/HostileModels), loading each and running
// the loaded plan on one zero row; `--mutate N` also runs N seeded structure-aware mutants of
// every file (deterministic: seed i of file k is the same on every machine).

/// Loads `data` and, when it loads, runs one row of zeros through the plan.
func exercise(_ data: Data) -> String {
    do {
        let model = try ONNXImporter().load(bytes: data)
        let feeds = model.signature.inputs.compactMap { port -> Value? in
            guard case .tensor(let type) = port.type, let shape = type.shape else { return nil }
            let dims = shape.enumerated().map { index, dim in index == 0 ? 1 : min(dim ?? 1, 64) }
            // The harness allocates too: a small row or none.
            guard let count = TensorLimits.elementCount(dims, cap: 1 << 16) else { return nil }
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

/// libFuzzer's own byte-level mutator, for the share of mutations that stay unstructured.
@_silgen_name("LLVMFuzzerMutate")
func libFuzzerMutate(_ data: UnsafeMutablePointer<UInt8>, _ size: Int, _ maxSize: Int) -> Int

let bytesOnly = ProcessInfo.processInfo.environment["AUGUR_FUZZ_MUTATOR"] == "bytes"

@_cdecl("LLVMFuzzerCustomMutator")
public func fuzzMutator(_ data: UnsafeMutablePointer<UInt8>, _ size: Int, _ maxSize: Int, _ seed: CUnsignedInt) -> Int {
    if bytesOnly || seed % 4 == 0 { return libFuzzerMutate(data, size, maxSize) }
    let input = Data(bytes: data, count: size)
    guard let mutant = ModelMutator.mutate(input, seed: UInt64(seed), maxSize: maxSize) else {
        return libFuzzerMutate(data, size, maxSize)
    }
    mutant.copyBytes(to: data, count: mutant.count)
    return mutant.count
}
#else
@main
struct FuzzRegressions {
    static func main() throws {
        var arguments = Array(CommandLine.arguments.dropFirst())
        var mutants = 0
        if arguments.first == "--mutate", arguments.count >= 2, let n = Int(arguments[1]), n >= 0 {
            mutants = n
            arguments.removeFirst(2)
        }
        var outcomes: [String: Int] = [:]
        for (fileIndex, path) in arguments.enumerated() {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            print("\(path): \(exercise(data))")
            for i in 0..<mutants {
                let seed = UInt64(fileIndex) << 32 | UInt64(i)
                guard let mutant = ModelMutator.mutate(data, seed: seed, maxSize: 1 << 26) else {
                    outcomes["not a model", default: 0] += 1
                    continue
                }
                let outcome = exercise(mutant)
                outcomes[outcome.hasPrefix("rejected") ? "rejected" : outcome, default: 0] += 1
            }
        }
        if mutants > 0 {
            let summary = outcomes.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
            print("mutants: \(mutants) of each of \(arguments.count) files: \(summary)")
        }
    }
}
#endif
