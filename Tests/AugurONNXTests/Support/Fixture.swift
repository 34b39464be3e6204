import AugurEngine
import AugurONNX
import Foundation

/// A recorded case: `model.onnx`, `input.json` and the reference runtime's `expected.json`.
///
/// Made by `scripts/make_fixtures.py` (Tests/Fixtures) and `scripts/onnx_node_tests.py`
/// (onnx's operator tests). Floats that JSON cannot hold are the strings "NaN", "Infinity" and
/// "-Infinity".
struct Fixture: CustomStringConvertible, Sendable {
    let name: String
    let directory: URL

    var description: String { name }
    var model: URL { directory.appendingPathComponent("model.onnx") }

    /// Tests/Fixtures, or the folder named by `AUGUR_FIXTURES`.
    static let root = ProcessInfo.processInfo.environment["AUGUR_FIXTURES"].map { URL(fileURLWithPath: $0) } ?? URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    /// Every case folder under `directory` (default: Tests/Fixtures), sorted by name.
    static func all(in directory: URL = root) -> [Fixture] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.sorted().compactMap { name in
            let folder = directory.appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: folder.appendingPathComponent("model.onnx").path) else { return nil }
            return Fixture(name: name, directory: folder)
        }
    }

    func inputs() throws -> [String: Value] {
        let json = try Self.object(directory.appendingPathComponent("input.json"))
        guard let inputs = json["inputs"] as? [String: Any] else { throw FixtureError("input.json has no 'inputs' object") }
        return try inputs.mapValues { try Self.value(from: $0) }
    }

    func expected() throws -> [String: Value] {
        let json = try Self.object(directory.appendingPathComponent("expected.json"))
        guard let outputs = json["outputs"] as? [String: Any] else { throw FixtureError("expected.json has no 'outputs' object") }
        return try outputs.mapValues { try Self.value(from: $0) }
    }

    private static func object(_ url: URL) throws -> [String: Any] {
        let data = try Data(contentsOf: url)
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw FixtureError("\(url.lastPathComponent) is not a JSON object")
        }
        return object
    }

    static func value(from json: Any) throws -> Value {
        guard let spec = json as? [String: Any], let type = spec["type"] as? String, let data = spec["data"] as? [Any] else {
            throw FixtureError("a value needs 'type' and 'data'")
        }
        if type == "seq_map" {
            let rows = try data.map { row -> [String: Float] in
                guard let map = row as? [String: Any] else { throw FixtureError("seq_map rows must be objects") }
                return try map.mapValues { Float(try number($0)) }
            }
            let keys = rows.first.map { Array($0.keys) } ?? []
            let keyType = spec["key_type"] as? String ?? "string"
            let sortedKeys = keyType == "int64" ? keys.sorted { (Int64($0) ?? 0) < (Int64($1) ?? 0) } : keys.sorted()
            let scores = rows.flatMap { row in sortedKeys.map { row[$0] ?? .nan } }
            let mapKeys: ProbabilityMaps.Keys = keyType == "int64"
                ? .int64(sortedKeys.compactMap { Int64($0) }) : .string(sortedKeys)
            return .maps(ProbabilityMaps(keys: mapKeys, scores: scores))
        }
        guard let shape = spec["shape"] as? [Int] else { throw FixtureError("a tensor needs 'shape'") }
        let storage: TensorStorage
        switch type {
        case "float32": storage = .float32(try data.map { Float(try number($0)) })
        case "float64": storage = .float64(try data.map { try number($0) })
        case "int64": storage = .int64(try data.map { Int64(try number($0)) })
        case "int32": storage = .int32(try data.map { Int32(try number($0)) })
        case "bool": storage = .bool(try data.map { v in
            guard let b = v as? Bool else { throw FixtureError("bool data must be true/false") }
            return b
        })
        case "string": storage = .string(try data.map { v in
            guard let s = v as? String else { throw FixtureError("string data must be strings") }
            return s
        })
        default: throw FixtureError("unknown type '\(type)'")
        }
        return .tensor(try Tensor(shape: shape, storage: storage))
    }

    private static func number(_ v: Any) throws -> Double {
        if let s = v as? String {
            switch s {
            case "NaN": return .nan
            case "Infinity": return .infinity
            case "-Infinity": return -.infinity
            default: throw FixtureError("'\(s)' is not a number")
            }
        }
        if let b = v as? Bool { return b ? 1 : 0 }
        // Long decimals come back as NSDecimalNumber, whose doubleValue can be off by a few ulps
        // on Linux; its text is the JSON's, which Double parses exactly.
        if let decimal = v as? NSDecimalNumber, let exact = Double(decimal.description) { return exact }
        guard let n = v as? NSNumber else { throw FixtureError("'\(v)' is not a number") }
        return n.doubleValue
    }
}

struct FixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
