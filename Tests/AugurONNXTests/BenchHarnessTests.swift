import AugurEngine
import Foundation
import Testing
@testable import AugurONNX
@testable import augur_bench

/// The augur-bench harness: options, row pools, statistics and one real (Identity) run.
@Suite struct BenchHarnessTests {
    @Test func optionsParseWithDefaults() throws {
        let defaults = try BenchOptions.parse(["m.onnx"])
        #expect(defaults.model == "m.onnx" && defaults.batch == 1000 && defaults.seconds == 2 && !defaults.single)
        let options = try BenchOptions.parse(["--single", "m.onnx", "--input", "p.f32", "--rows", "10",
                                              "--seconds", "0.5", "--warmup", "0", "--seed", "7", "--features", "3"])
        #expect(options.single && options.input == "p.f32" && options.rows == 10 && options.seed == 7)
        #expect(options.seconds == 0.5 && options.warmup == 0 && options.features == 3)
    }

    @Test func badOptionsAreRejected() {
        for arguments in [[], ["m", "--batch", "0"], ["m", "--seconds", "x"], ["m", "--rows"], ["m", "n"], ["m", "--frob"]] {
            #expect(throws: BenchUsageError.self) { try BenchOptions.parse(arguments) }
        }
    }

    @Test func rowPoolReadsLittleEndianRowsAndCutsBatches() throws {
        let values: [Float] = (0..<30).map { Float($0) / 4 }
        let url = try temporaryFile(Data(values.flatMap { v in withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) } }))
        defer { try? FileManager.default.removeItem(at: url) }
        let pool = try RowPool(file: url.path, features: 3, rows: 0)
        #expect(pool.rowCount == 10 && pool.values == values)
        let batches = try pool.batches(of: 4, elementType: .float32)
        #expect(batches.map(\.rowCount) == [4, 4])
        #expect(try batches[1].tensor("b") == Tensor(float32: Array(values[12..<24]), shape: [4, 3]))
        let doubles = try RowPool(file: url.path, features: 3, rows: 2).batches(of: 5, elementType: .float64)
        #expect(try doubles.map { try $0.tensor("b") } == [Tensor(float64: values[0..<6].map(Double.init), shape: [2, 3])])
        #expect(throws: BenchFailure.self) { try RowPool(file: url.path, features: 7, rows: 0) }
        #expect(throws: BenchFailure.self) { try pool.batches(of: 1, elementType: .int64) }
    }

    @Test func randomRowsAreSeededAndNormal() {
        let a = RowPool(randomRows: 5000, features: 2, seed: 3)
        #expect(a.values == RowPool(randomRows: 5000, features: 2, seed: 3).values)
        #expect(a.values != RowPool(randomRows: 5000, features: 2, seed: 4).values)
        let mean = a.values.reduce(0, +) / Float(a.values.count)
        let variance = a.values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Float(a.values.count)
        #expect(abs(mean) < 0.05 && abs(variance - 1) < 0.1)
    }

    @Test func percentilesAreNearestRank() {
        let result = BenchResult(model: "m", mode: "batch", batch: 1, timing: Timing(), loadMilliseconds: 0,
                                 checksumBatches: 0, checksums: [])
        let sorted: [UInt64] = (1...100).map { $0 * 1000 }
        #expect(result.percentile(sorted, 0.5) == 50 && result.percentile(sorted, 0.99) == 99)
        #expect(result.percentile([7000], 0.99) == 7 && result.percentile([], 0.5) == 0)
    }

    @Test func identityModelRunsAndReportsOneJSONLine() throws {
        let url = try temporaryFile(try Self.identityModel(features: 4).serializedData())
        defer { try? FileManager.default.removeItem(at: url) }
        var options = try BenchOptions.parse([url.path, "--rows", "100", "--batch", "10", "--seconds", "0.05", "--warmup", "0"])
        let batch = try #require(try Benchmark(options: options).run().first)
        let pool = RowPool(randomRows: 100, features: 4, seed: 1)
        #expect(batch.timing.rows > 0 && batch.timing.rows % 10 == 0 && batch.checksumBatches == 10)
        #expect(abs(batch.checksums[0][0] - pool.values.reduce(0) { $0 + Double($1) }) < 1e-9)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(batch.jsonLine().utf8)) as? [String: Any])
        #expect(json["engine"] as? String == "augur" && json["mode"] as? String == "batch" && json["rows_per_s"] is Double)
        options.single = true
        let single = try #require(try Benchmark(options: options).run().first)
        #expect(single.batch == 1 && single.timing.latencies.count == single.timing.rows && single.checksumBatches == 100)
        #expect(json["repetition"] == nil)
        // --repeat: several measurements of one loaded model, each line numbered.
        options.repeats = 3
        let repeated = try Benchmark(options: options).run()
        #expect(repeated.map(\.repetition) == [0, 1, 2])
        let last = try #require(try JSONSerialization.jsonObject(with: Data(repeated[2].jsonLine().utf8)) as? [String: Any])
        #expect(last["repetition"] as? Int == 2)
        #expect(try BenchOptions.parse(["m.onnx", "--repeat", "4"]).repeats == 4)
        #expect(throws: BenchUsageError.self) { try BenchOptions.parse(["m.onnx", "--repeat", "0"]) }
    }

    /// `y = Identity(x)` with x: float[N, features].
    static func identityModel(features: Int64) -> Onnx_ModelProto {
        var model = BadModelTests.model(nodes: [BadModelTests.node("Identity", ["x"], ["y"])])
        var batch = Onnx_TensorShapeProto.Dimension()
        batch.dimParam = "N"
        var width = Onnx_TensorShapeProto.Dimension()
        width.dimValue = features
        model.graph.input[0].type.tensorType.shape.dim = [batch, width]
        return model
    }

    private func temporaryFile(_ data: Data) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("augur-bench-test-\(UUID().uuidString)")
        try data.write(to: url)
        return url
    }
}
