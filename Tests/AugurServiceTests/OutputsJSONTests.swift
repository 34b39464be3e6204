import AugurEngine
import Testing
@testable import AugurService

/// Model outputs written as JSON (`augur predict --model`): tensors, maps, non-finite numbers,
/// and the same bytes whatever the number of threads.
@Suite struct OutputsJSONTests {
    @Test func writerRendersTensorsMapsAndNonFinite() throws {
        let labels = try Tensor(int64: [1, 0], shape: [2])
        let scores = try Tensor(float32: [0.25, .nan, 1, 2], shape: [2, 2])
        let maps = ProbabilityMaps(keys: .string(["no", "y\"es"]), scores: [0.75, 0.25, 0.5, 0.5])
        let text = String(decoding: JSONWriter.outputs([("label", .tensor(labels)), ("scores", .tensor(scores)), ("p", .maps(maps))]), as: UTF8.self)
        #expect(text == #"{"label":[1,0],"scores":[[0.25,null],[1.0,2.0]],"p":[{"no":0.75,"y\"es":0.25},{"no":0.5,"y\"es":0.5}]}"# + "\n")
    }

    @Test func chunkedWritingGivesTheSameBytes() throws {
        let rows = 20_000
        let labels = try Tensor(int64: (0..<rows).map { Int64($0 % 3) - 1 + ($0 == 7 ? Int64.min : 0) }, shape: [rows])
        let scores = try Tensor(float32: (0..<(rows * 2)).map { $0 % 11 == 0 ? .nan : Float($0) / 7 }, shape: [rows, 2])
        let cube = try Tensor(float64: (0..<(rows * 4)).map { Double($0) * 1e-3 }, shape: [rows, 2, 2])
        let names = try Tensor(shape: [rows], storage: .string((0..<rows).map { "n\"\($0)" }))
        let flags = try Tensor(shape: [rows], storage: .bool((0..<rows).map { $0 % 2 == 0 }))
        let maps = ProbabilityMaps(keys: .int64([0, 1]), scores: (0..<(rows * 2)).map { Float($0 % 100) / 100 })
        let outputs: [(name: String, value: Value)] = [
            ("label", .tensor(labels)), ("scores", .tensor(scores)), ("cube", .tensor(cube)), ("names", .tensor(names)),
            ("flags", .tensor(flags)), ("p", .maps(maps)), ("small", .tensor(try Tensor(int64: [3], shape: [1]))),
        ]
        let single = JSONWriter.outputs(outputs, threads: 1)
        for threads in [2, 3, 7] {
            #expect(JSONWriter.outputs(outputs, threads: threads) == single, "\(threads) threads")
        }
    }

    @Test func integersAreWrittenAsStringDoes() {
        for value: Int64 in [0, 1, -1, 9, 10, -10, 1234567890, .max, .min] {
            var out = JSONOutput(capacity: 4)
            JSONWriter.appendInteger(value, to: &out)
            #expect(String(decoding: out.bytes, as: UTF8.self) == String(value))
        }
    }
}
