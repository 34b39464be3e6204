import AugurEngine
import AugurONNX
import Foundation
import Testing

/// What adaptive batching and chunked runs rely on, on every fixture: a model's answer for some
/// rows does not depend on the other rows run with them. Each fixture's rows are cut into
/// random consecutive groups (random sizes, several seeds); each group run alone must give,
/// bit for bit, its rows of the whole batch's answer (`Value.rows`). A model whose outputs do
/// not have a row per input row cannot be batched; those are listed, so a new one is noticed.
@Suite struct RowIndependenceTests {
    /// Fixtures whose graphs mix rows or whose outputs are not per row (hand-built core-op
    /// graphs): batching never splits them, and `Plan.run(rows:)` refuses them.
    static let notRowWise: Set<String> = ["ops_reduce_opset11", "ops_reduce_opset18", "ops_shape_opset11", "ops_shape_gather_slice",
                                          "ops_softmax_argmax_topk"]

    @Test(arguments: Fixture.all())
    func eachGroupOfRowsGetsItsShareOfTheBatch(_ fixture: Fixture) throws {
        let model = try ONNXImporter().load(bytes: try Data(contentsOf: fixture.model))
        let named = try fixture.inputs()
        let feeds = try model.plan.inputs.map { input in try #require(named[input.name], "input \(input.name)") }
        let counts = Set(feeds.compactMap(\.rowCount))
        guard counts.count == 1, let total = counts.first, total >= 2 else { return }
        let whole = try model.plan.run(feeds)
        guard whole.allSatisfy({ $0.rowCount == total }) else {
            #expect(Self.notRowWise.contains(fixture.name), "outputs are not one per row: \(whole.map(\.rowCount))")
            return
        }
        #expect(!Self.notRowWise.contains(fixture.name), "now row-wise: remove it from the list")
        // Seeded by the name (FNV-1a), so a failure replays.
        var random = SplitMix(seed: fixture.name.utf8.reduce(0xCBF2_9CE4_8422_2325 as UInt64) { ($0 ^ UInt64($1)) &* 0x100_0000_01B3 })
        for _ in 0..<4 {
            var start = 0
            while start < total {
                let size = 1 + Int(random.next() % UInt64(min(total - start, 7)))
                let range = start..<(start + size)
                let alone = try model.plan.run(feeds.map { $0.rows(range) })
                for (index, value) in alone.enumerated() {
                    #expect(Self.sameBits(value, whole[index].rows(range)),
                            "output '\(model.plan.outputs[index].name)', rows \(range): \(value) vs \(whole[index].rows(range))")
                }
                start = range.upperBound
            }
        }
    }

    /// The check above is not vacuous: most fixtures have several rows to cut.
    @Test func mostFixturesHaveRowsToCut() throws {
        var checked = 0
        for fixture in Fixture.all() {
            let model = try ONNXImporter().load(bytes: try Data(contentsOf: fixture.model))
            let named = try fixture.inputs()
            let counts = Set(model.plan.inputs.compactMap { named[$0.name]?.rowCount })
            if counts.count == 1, let total = counts.first, total >= 4, !Self.notRowWise.contains(fixture.name) { checked += 1 }
        }
        #expect(checked >= 50, "\(checked) fixtures with 4 rows or more")
    }

    /// Equal, NaN included (bit patterns of floats).
    static func sameBits(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case (.tensor(let x), .tensor(let y)):
            guard x.shape == y.shape else { return false }
            switch (x.storage, y.storage) {
            case (.float32(let p), .float32(let q)): return p.map(\.bitPattern) == q.map(\.bitPattern)
            case (.float64(let p), .float64(let q)): return p.map(\.bitPattern) == q.map(\.bitPattern)
            default: return x.storage == y.storage
            }
        case (.maps(let x), .maps(let y)):
            return x.keys == y.keys && x.scores.map(\.bitPattern) == y.scores.map(\.bitPattern)
        default: return false
        }
    }
}

/// A small deterministic generator, so a failure can be replayed.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
