import Testing
@testable import AugurEngine
@testable import AugurONNX
@testable import augur_bench

/// Random, mostly invalid tree attributes: loading and running must only ever throw
/// EngineError or EngineError (a trap would crash the test process).
@Suite struct TreeLoadRobustnessTests {
    typealias S = TreeLoadSupport

    /// augur-bench's SplitMix64 with the choices these tests make.
    struct Random {
        var generator: SplitMix64
        init(state: UInt64) { generator = SplitMix64(seed: state) }
        mutating func next() -> UInt64 { generator.next() }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
        mutating func pick<T>(_ values: [T]) -> T { values[below(values.count)] }
        /// Mostly small valid ids; now and then a hostile value.
        var hostile = 0
        mutating func ints(_ count: Int) -> [Int64] {
            (0..<count).map { _ in
                below(40) < hostile ? pick([-1, 7, 1 << 40, .max, .min]) : Int64(below(4))
            }
        }
        mutating func floats(_ count: Int) -> [Float] {
            (0..<count).map { _ in pick([0, 0.5, 1, -1, 2, .nan, .infinity, -.infinity, 1e30]) }
        }
        /// A valid tree in V3 form: (ids, true children, false children, is leaf), nodes in pre-order.
        mutating func tree(depth: Int) -> (trueIds: [Int64], falseIds: [Int64], leaf: [Bool]) {
            var trueIds: [Int64] = [], falseIds: [Int64] = [], leaf: [Bool] = []
            var stack = [(slot: 0, level: 0)]
            trueIds = [0]; falseIds = [0]; leaf = [true]
            while let (slot, level) = stack.popLast() {
                guard level < depth, below(4) != 0 else { continue }
                let t = trueIds.count
                trueIds += [0, 0]; falseIds += [0, 0]; leaf += [true, true]
                trueIds[slot] = Int64(t); falseIds[slot] = Int64(t + 1); leaf[slot] = false
                stack += [(t, level + 1), (t + 1, level + 1)]
            }
            return (trueIds, falseIds, leaf)
        }

        /// Usually `n`, sometimes one off.
        mutating func length(_ n: Int) -> Int { below(40) < hostile ? max(0, n + pick([-1, 1])) : n }
    }

    func exercise(_ node: Onnx_NodeProto, opset: Int, _ random: inout Random) {
        let op: any AugurEngine.Operator
        do {
            op = try S.build(node, opset: opset)
        } catch is EngineError {
            return
        } catch {
            Issue.record("unexpected error \(error)")
            return
        }
        for _ in 0..<3 {
            let rows = random.below(20)
            let features = random.below(6)
            let values = random.floats(rows * features)
            let input: Tensor
            switch random.below(4) {
            case 0: input = (try? Tensor(float64: values.map { Double($0) }, shape: [rows, features])) ?? Tensor(unchecked: [0], .float64([]))
            case 1: input = (try? Tensor(int64: values.map { $0.isFinite && abs($0) < 1e9 ? Int64($0) : 0 }, shape: [rows, features]))
                ?? Tensor(unchecked: [0], .int64([]))
            default: input = (try? Tensor(float32: values, shape: [rows, features])) ?? Tensor(unchecked: [0], .float32([]))
            }
            do {
                _ = try op.run([.tensor(input)])
            } catch is EngineError {
            } catch {
                Issue.record("unexpected run error \(error)")
            }
        }
    }

    @Test func randomV3AttributesNeverTrap() {
        var random = Random(state: 11)
        let modes = ["BRANCH_LEQ", "BRANCH_LT", "BRANCH_GTE", "BRANCH_GT", "BRANCH_EQ", "BRANCH_NEQ", "LEAF", "LEAF", "BRANCH_X"]
        for round in 0..<1500 {
            random.hostile = round % 3 == 0 ? 8 : (round % 3 == 1 ? 1 : 0)
            let (trueIds, falseIds, isLeaf) = random.tree(depth: random.below(5))
            let n = trueIds.count
            let leafIds = (0..<n).filter { isLeaf[$0] }.map(Int64.init)
            let prefix = round % 2 == 0 ? "target" : "class"
            var modeList = isLeaf.map { $0 ? "LEAF" : random.pick(Array(modes.prefix(6))) }
            if random.hostile > 0, !modeList.isEmpty { modeList[random.below(n)] = random.pick(modes) }
            func mutate(_ values: [Int64]) -> [Int64] {
                var values = values
                if !values.isEmpty, random.below(40) < random.hostile { values[random.below(values.count)] = random.pick([-1, 7, 1 << 40, .max]) }
                return Array(values.prefix(random.length(values.count)))
            }
            var attributes: [String: S.Attribute] = [
                "nodes_treeids": .ints(mutate([Int64](repeating: 0, count: n))),
                "nodes_nodeids": .ints(mutate((0..<n).map(Int64.init))),
                "nodes_featureids": .ints(mutate(random.ints(n))),
                "nodes_modes": .strings(modeList),
                "nodes_values": .floats(random.floats(random.length(n))),
                "nodes_truenodeids": .ints(mutate(trueIds)),
                "nodes_falsenodeids": .ints(mutate(falseIds)),
                "nodes_missing_value_tracks_true": .ints(mutate(random.ints(random.below(n + 1)))),
                "\(prefix)_treeids": .ints(mutate([Int64](repeating: 0, count: leafIds.count))),
                "\(prefix)_nodeids": .ints(mutate(leafIds)),
                "\(prefix)_ids": .ints(mutate(leafIds.map { $0 % 4 })),
                "\(prefix)_weights": .floats(random.floats(leafIds.count)),
                "post_transform": .string(random.pick(["NONE", "LOGISTIC", "SOFTMAX", "SOFTMAX_ZERO", "PROBIT"])),
            ]
            if random.below(3) == 0 { attributes["base_values"] = .floats(random.floats(random.below(4))) }
            if prefix == "target" {
                attributes["n_targets"] = .int(random.hostile > 0 ? random.pick([1, 1, 2, 3, 0, -1, 1 << 40]) : 4)
                attributes["aggregate_function"] = .string(random.pick(["SUM", "AVERAGE", "MIN", "MAX"]))
                exercise(S.node("TreeEnsembleRegressor", outputs: ["Y"], attributes), opset: 3, &random)
            } else {
                attributes["classlabels_int64s"] = .ints(Array(0..<Int64(random.hostile > 0 ? random.below(5) : 4)))
                exercise(S.node("TreeEnsembleClassifier", outputs: ["L", "S"], attributes), opset: 3, &random)
            }
        }
    }

    @Test func randomV5AttributesNeverTrap() {
        var random = Random(state: 5)
        for round in 0..<1500 {
            random.hostile = round % 3 == 0 ? 8 : (round % 3 == 1 ? 1 : 0)
            let n = random.below(6)
            let leaves = random.below(6)
            var attributes: [String: S.Attribute] = [
                "n_targets": .int(random.hostile > 0 ? random.pick([1, 2, 3, 0]) : 4),
                "aggregate_function": .int(random.pick([0, 1, 2, 3, 4])),
                "post_transform": .int(random.pick([0, 1, 2, 3, 4, 9])),
                "tree_roots": .ints(random.ints(random.below(4))),
                "nodes_modes": .uint8s((0..<random.length(n)).map { _ in UInt8(random.below(random.hostile > 0 ? 8 : 7)) }),
                "nodes_featureids": .ints(random.ints(random.length(n))),
                "nodes_splits": .float32s(random.floats(random.length(n))),
                "nodes_truenodeids": .ints(random.ints(random.length(n))),
                "nodes_trueleafs": .ints(random.ints(random.length(n)).map { $0 & 1 }),
                "nodes_falsenodeids": .ints(random.ints(random.length(n))),
                "nodes_falseleafs": .ints(random.ints(random.length(n)).map { $0 & 1 }),
                "leaf_targetids": .ints(random.ints(random.length(leaves))),
                "leaf_weights": .float32s(random.floats(random.length(leaves))),
            ]
            if random.below(2) == 0 {
                attributes["membership_values"] = .float32s((0..<random.below(9)).map { _ in random.pick([1, 3, .nan, 100, -1, 1e20]) })
            }
            exercise(S.node("TreeEnsemble", outputs: ["Y"], attributes), opset: 5, &random)
        }
    }
}
