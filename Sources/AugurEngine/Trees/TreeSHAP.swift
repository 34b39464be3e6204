/// Exact per-feature contributions of a tree ensemble's raw scores: path-dependent TreeSHAP
/// (Lundberg, Erion & Lee, "Consistent Individualized Feature Attribution for Tree
/// Ensembles", 2018, Algorithm 2), the algorithm of `shap.TreeExplainer` with
/// `feature_perturbation="tree_path_dependent"`.
///
/// Path-dependent TreeSHAP needs each node's cover: how many training rows reached it. ONNX
/// trees do not carry it, so `TreeEnsemble.countVisits` counts reference rows, and the
/// explainer is built from those counts. A node no reference row reached splits its (zero)
/// weight evenly between its children, so nothing divides by zero and the contributions
/// still add up: `base + Σ contributions = raw score` for every row.
///
/// Scores are explained before the post transform (the margin), per target (per class for
/// classifiers), with the ensemble's base values in the expected value. Sum and average
/// aggregations are explained; min and max are not additive and are refused.
public struct TreeExplainer: Sendable {
    let ensemble: TreeEnsemble
    let covers: [Double]
    /// Per target: the cover-weighted mean raw score, plus the target's base value.
    public let expectedValues: [Double]
    /// Targets (classes) that some leaf gives a weight.
    public let weightedTargets: [Int]
    /// Deepest tree this explainer accepts: the path buffers grow with the square of the depth.
    public static let depthLimit = 128

    public var targets: Int { ensemble.targets }
    public var postTransform: PostTransform { ensemble.postTransform }

    /// The explainer of `ensemble` with node covers `covers` (one per node, from `countVisits`).
    public init(_ ensemble: TreeEnsemble, covers: [Double]) throws {
        guard covers.count == ensemble.stats.nodes else {
            throw EngineError(.invalidAttribute, "\(covers.count) covers for \(ensemble.stats.nodes) tree nodes.")
        }
        guard ensemble.aggregation == .sum || ensemble.aggregation == .average else {
            throw EngineError(.unsupportedFeature, "trees aggregated by \(ensemble.aggregation) are not additive, so they cannot be explained.")
        }
        guard ensemble.stats.maxDepth <= Self.depthLimit else {
            throw EngineError(.unsupportedFeature, "trees \(ensemble.stats.maxDepth) levels deep are deeper than the \(Self.depthLimit) levels explanations support.")
        }
        guard covers.allSatisfy({ $0.isFinite && $0 >= 0 }) else {
            throw EngineError(.invalidAttribute, "node covers must be finite and non-negative.")
        }
        self.ensemble = ensemble
        self.covers = covers
        let (expected, weighted) = switch ensemble.forest {
        case .float(let f): Self.expectations(f, covers, ensemble)
        case .double(let f): Self.expectations(f, covers, ensemble)
        }
        expectedValues = expected
        weightedTargets = weighted
    }

    /// What each target adds to a raw score besides its trees: the base value that the
    /// score finalizer adds (one per target, or onnxruntime's two-class forms).
    static func offset(_ ensemble: TreeEnsemble, target: Int) -> Double {
        let bases = ensemble.baseValues
        switch ensemble.kind {
        case .regressor, .ensemble:
            return bases.count == ensemble.targets ? bases[target] : 0
        case .classifier:
            if ensemble.targets == 1 { return bases.count == 2 ? bases[1] : (bases.first ?? 0) }
            return target < bases.count ? bases[target] : 0
        }
    }

    /// The expected raw score per target and the targets leaves give weights to: each leaf's
    /// weights times the fraction of the reference rows that reach it.
    private static func expectations<S: TreeScalar>(_ forest: CompiledForest<S>, _ covers: [Double],
                                                    _ ensemble: TreeEnsemble) -> ([Double], [Int]) {
        var expected = [Double](repeating: 0, count: ensemble.targets)
        var weighted = [Bool](repeating: false, count: ensemble.targets)
        var fraction = [Double](repeating: 0, count: forest.nodes.count)
        let scale = ensemble.aggregation == .average ? 1 / Double(Swift.max(1, forest.treeCount)) : 1
        for tree in 0..<forest.treeCount {
            let root = forest.roots[tree]
            let end = tree + 1 < forest.treeCount ? forest.roots[tree + 1] : forest.nodes.count
            fraction[root] = 1
            // Pre-order: a branch comes before both its children.
            for position in root..<end {
                let node = forest.nodes[position]
                let link = Int(node.link)
                if link & Int(FlatNode<S>.branchBit) != 0 {
                    let other = position + (link >> Int(FlatNode<S>.offsetShift))
                    let (next, rest) = childFractions(covers, position, position + 1, other)
                    fraction[position + 1] = fraction[position] * next
                    fraction[other] = fraction[position] * rest
                } else {
                    forest.forEachWeight(of: node) { target, weight in
                        expected[target] += fraction[position] * weight * scale
                        weighted[target] = true
                    }
                }
            }
        }
        for target in expected.indices { expected[target] += offset(ensemble, target: target) }
        return (expected, weighted.indices.filter { weighted[$0] })
    }

    /// The shares of a node's cover that go to each child (halves when nothing reached it).
    @inline(__always)
    static func childFractions(_ covers: UnsafePointer<Double>, _ node: Int, _ first: Int, _ second: Int) -> (Double, Double) {
        let total = covers[node]
        return total > 0 ? (covers[first] / total, covers[second] / total) : (0.5, 0.5)
    }

    static func childFractions(_ covers: [Double], _ node: Int, _ first: Int, _ second: Int) -> (Double, Double) {
        covers.withUnsafeBufferPointer { childFractions($0.baseAddress!, node, first, second) }
    }

    /// Contributions of every input column to every target's raw score, for each row of `x`
    /// (`[N, F]` or `[F]`, the tree ensemble's own input).
    public func explain(_ x: Tensor) throws -> FeatureContributions {
        let (rows, stride) = try ensemble.rowLayout(x)
        guard let cells = TensorLimits.product([rows, targets, stride]) else {
            throw EngineError(.tooLarge, "explaining \(rows) rows of \(stride) features for \(targets) outputs is too large.")
        }
        var values = [Double](repeating: 0, count: cells)
        guard rows > 0, stride > 0 else {
            return FeatureContributions(rows: rows, targets: targets, features: stride, values: values, baseValues: expectedValues)
        }
        switch ensemble.forest {
        case .float(let f):
            switch x.storage {
            case .float32(let v): explain(f, v, rows: rows, stride: stride, into: &values)
            case .float64(let v): explain(f, v, rows: rows, stride: stride, into: &values)
            case .int64(let v): explain(f, v.map { Float($0) }, rows: rows, stride: stride, into: &values)
            case .int32(let v): explain(f, v.map { Float($0) }, rows: rows, stride: stride, into: &values)
            default: throw EngineError(.typeMismatch, "the trees cannot read a \(x.elementType) input.")
            }
        case .double(let f):
            guard case .float64(let v) = x.storage else {
                throw EngineError(.typeMismatch, "the trees cannot read a \(x.elementType) input.")
            }
            explain(f, v, rows: rows, stride: stride, into: &values)
        }
        return FeatureContributions(rows: rows, targets: targets, features: stride, values: values, baseValues: expectedValues)
    }

    private func explain<S: TreeScalar, C: TreeScalar>(_ forest: CompiledForest<S>, _ x: [C], rows: Int, stride: Int,
                                                       into values: inout [Double]) {
        let depth = forest.maxDepth
        let pathCapacity = (depth + 2) * (depth + 3) / 2 + 1
        let scale = ensemble.aggregation == .average ? 1 / Double(Swift.max(1, forest.treeCount)) : 1
        let widened = C.treeElementType != S.treeElementType
        let width = targets * stride
        let reciprocals = (0...(depth + 3)).map { $0 == 0 ? 0 : 1 / Double($0) }
        let integers = (0...(depth + 3)).map { Double($0) }
        reciprocals.withUnsafeBufferPointer { reciprocals in
        integers.withUnsafeBufferPointer { integers in
        forest.nodes.withUnsafeBufferPointer { nodes in
            forest.kinds.withUnsafeBufferPointer { kinds in
                covers.withUnsafeBufferPointer { covers in
                    x.withUnsafeBufferPointer { x in
                        values.withUnsafeMutableBufferPointer { values in
                            withUnsafeTemporaryAllocation(of: PathElement.self, capacity: pathCapacity) { path in
                                for row in 0..<rows {
                                    let walk = TreeSHAPWalk(forest: forest, nodes: nodes.baseAddress!, kinds: kinds.baseAddress!,
                                                            covers: covers.baseAddress!, row: x.baseAddress! + row * stride,
                                                            phi: values.baseAddress! + row * width, stride: stride,
                                                            scale: scale, widened: widened, reciprocals: reciprocals.baseAddress!,
                                                            integers: integers.baseAddress!)
                                    for root in forest.roots {
                                        path.baseAddress!.initialize(to: PathElement(feature: -1, zero: 0, one: 0, weight: 0))
                                        walk.recurse(root, path.baseAddress!, 0, 1, 1, -1)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        }
        }
    }
}

/// Contributions for `rows` rows: `values[(row * targets + target) * features + feature]`.
public struct FeatureContributions: Sendable {
    public let rows: Int
    public let targets: Int
    public let features: Int
    public let values: [Double]
    /// The expected raw score of each target: what the contributions start from.
    public let baseValues: [Double]

    public func contribution(row: Int, target: Int, feature: Int) -> Double {
        values[(row * targets + target) * features + feature]
    }

    /// The raw score the contributions add up to.
    public func output(row: Int, target: Int) -> Double {
        let start = (row * targets + target) * features
        return values[start..<(start + features)].reduce(baseValues[target], +)
    }
}

/// One element of a TreeSHAP path: a feature split on, the share of reference rows that
/// follow the path there (`zero`), whether the explained row does (`one`), and the
/// permutation weight.
struct PathElement {
    var feature: Int
    var zero: Double
    var one: Double
    var weight: Double
}

/// One row through the trees of a forest: `recurse` is `tree_shap_recursive` of the paper and
/// of shap's C++ core, over the compiled pre-order layout.
///
/// Safety: positions stay inside `nodes` (see `ForestWalk`); the row is read at features
/// below the stride, which `rowLayout` checked covers every branch; `phi` has `targets ×
/// stride` slots and leaves only name targets below the target count (checked at compile);
/// the path buffer holds `(depth + 2)(depth + 3)/2` elements, what `recurse` uses at most.
struct TreeSHAPWalk<S: TreeScalar, C: TreeScalar> {
    let forest: CompiledForest<S>
    let nodes: UnsafePointer<FlatNode<S>>
    let kinds: UnsafePointer<FlatNodeKind>
    let covers: UnsafePointer<Double>
    let row: UnsafePointer<C>
    let phi: UnsafeMutablePointer<Double>
    let stride: Int
    let scale: Double
    let widened: Bool
    /// `reciprocals[k] = 1 / k` for k up to the deepest path plus two (`[0]` unused), and
    /// `integers[k] = k` (no int-to-double conversion in the inner loops).
    let reciprocals: UnsafePointer<Double>
    let integers: UnsafePointer<Double>

    func recurse(_ position: Int, _ parentPath: UnsafeMutablePointer<PathElement>, _ parentDepth: Int,
                          _ zero: Double, _ one: Double, _ feature: Int) {
        var depth = parentDepth
        let path = parentPath + depth + 1
        path.update(from: parentPath, count: depth + 1)
        extend(path, depth, zero, one, feature)
        let node = nodes[position]
        let link = Int(node.link)
        guard link & Int(FlatNode<S>.branchBit) != 0 else {
            guard depth > 0 else { return }
            if let target = forest.inlineTarget {
                let value = node.value.treeDouble * scale
                let row = phi + target * stride
                for i in 1...depth {
                    let element = path[i]
                    row[element.feature] += unwoundSum(path, depth, i) * (element.one - element.zero) * value
                }
                return
            }
            for i in 1...depth {
                let element = path[i]
                let w = unwoundSum(path, depth, i) * (element.one - element.zero) * scale
                forest.forEachWeight(of: node) { target, weight in
                    phi[target * stride + element.feature] += w * weight
                }
            }
            return
        }
        let split = Int(node.feature)
        let other = position + (link >> Int(FlatNode<S>.offsetShift))
        let next = forest.takesNext(node, kinds[position], row[split], widened: widened)
        let (hot, cold) = next ? (position + 1, other) : (other, position + 1)
        let (hotZero, coldZero) = TreeExplainer.childFractions(covers, position, hot, cold)
        var incomingZero = 1.0
        var incomingOne = 1.0
        var index = 0
        while index <= depth, path[index].feature != split { index += 1 }
        if index <= depth {
            incomingZero = path[index].zero
            incomingOne = path[index].one
            unwind(path, depth, index)
            depth -= 1
        }
        // A child that neither the explained row nor any reference row reaches adds nothing
        // (its path weight is 0), and unwinding through it would divide by zero: skip it.
        if hotZero * incomingZero != 0 || incomingOne != 0 {
            recurse(hot, path, depth + 1, hotZero * incomingZero, incomingOne, split)
        }
        if coldZero * incomingZero != 0 {
            recurse(cold, path, depth + 1, coldZero * incomingZero, 0, split)
        }
    }

    // The three path operations of the paper, with every division by a small integer turned
    // into a multiplication by its reciprocal (`reciprocals[k] = 1 / k`).

    @inline(__always)
    func extend(_ path: UnsafeMutablePointer<PathElement>, _ depth: Int, _ zero: Double, _ one: Double, _ feature: Int) {
        path[depth] = PathElement(feature: feature, zero: zero, one: one, weight: depth == 0 ? 1 : 0)
        let inverse = reciprocals[depth + 1]
        var i = depth - 1
        while i >= 0 {
            path[i + 1].weight += one * path[i].weight * integers[i + 1] * inverse
            path[i].weight = zero * path[i].weight * integers[depth - i] * inverse
            i -= 1
        }
    }

    @inline(__always)
    func unwind(_ path: UnsafeMutablePointer<PathElement>, _ depth: Int, _ index: Int) {
        let one = path[index].one
        let zero = path[index].zero
        let d = Double(depth + 1)
        let inverse = reciprocals[depth + 1]
        var nextOne = path[depth].weight
        var i = depth - 1
        if one != 0 {
            let inverseOne = 1 / one
            while i >= 0 {
                let previous = path[i].weight
                path[i].weight = nextOne * d * reciprocals[i + 1] * inverseOne
                nextOne = previous - path[i].weight * zero * integers[depth - i] * inverse
                i -= 1
            }
        } else {
            let inverseZero = 1 / zero
            while i >= 0 {
                path[i].weight = path[i].weight * d * inverseZero * reciprocals[depth - i]
                i -= 1
            }
        }
        for j in index..<depth {
            path[j].feature = path[j + 1].feature
            path[j].zero = path[j + 1].zero
            path[j].one = path[j + 1].one
        }
    }

    @inline(__always)
    func unwoundSum(_ path: UnsafeMutablePointer<PathElement>, _ depth: Int, _ index: Int) -> Double {
        let one = path[index].one
        let zero = path[index].zero
        let d = Double(depth + 1)
        var total = 0.0
        var i = depth - 1
        if one != 0 {
            let inverse = reciprocals[depth + 1]
            let scale = d / one
            var nextOne = path[depth].weight
            while i >= 0 {
                let tmp = nextOne * scale * reciprocals[i + 1]
                total += tmp
                nextOne = path[i].weight - tmp * zero * integers[depth - i] * inverse
                i -= 1
            }
        } else if zero != 0 {
            let scale = d / zero
            while i >= 0 {
                total += path[i].weight * scale * reciprocals[depth - i]
                i -= 1
            }
        }
        return total
    }
}

extension CompiledForest {
    /// Calls `body(target, weight)` for each weight of the leaf `node`.
    @inline(__always)
    func forEachWeight(of node: FlatNode<S>, _ body: (Int, Double) -> Void) {
        if let inlineTarget {
            body(inlineTarget, node.value.treeDouble)
        } else {
            let leaf = node.value.treeIndexBits
            for j in leafStarts[leaf]..<leafStarts[leaf + 1] { body(weightTargets[j], weightValues[j].treeDouble) }
        }
    }

    /// Adds to `covers[position]` one for every row that reaches the node at `position`.
    func countVisits<C: TreeScalar>(_ x: [C], rows: Int, stride: Int, into covers: inout [Double]) {
        let widened = C.treeElementType != S.treeElementType
        nodes.withUnsafeBufferPointer { nodes in
            kinds.withUnsafeBufferPointer { kinds in
                x.withUnsafeBufferPointer { x in
                    for row in 0..<rows {
                        let values = x.baseAddress! + row * stride
                        for root in roots {
                            var position = root
                            while true {
                                covers[position] += 1
                                let node = nodes[position]
                                let link = Int(node.link)
                                if link & Int(FlatNode<S>.branchBit) == 0 { break }
                                let next = takesNext(node, kinds[position], values[Int(node.feature)], widened: widened)
                                position += next ? 1 : link >> Int(FlatNode<S>.offsetShift)
                            }
                        }
                    }
                }
            }
        }
    }
}

extension TreeEnsemble {
    /// Nodes in the compiled forest, the length of a covers array.
    public var nodeCount: Int { stats.nodes }

    /// Adds, for each row of `x`, one to the cover of every node the row passes through
    /// (`covers` has `nodeCount` entries): node covers counted on reference data.
    public func countVisits(_ x: Tensor, into covers: inout [Double]) throws {
        guard covers.count == nodeCount else {
            throw EngineError(.invalidAttribute, "\(covers.count) covers for \(nodeCount) tree nodes.")
        }
        let (rows, stride) = try rowLayout(x)
        guard rows > 0, stride > 0 else { return }
        switch forest {
        case .float(let f):
            switch x.storage {
            case .float32(let v): f.countVisits(v, rows: rows, stride: stride, into: &covers)
            case .float64(let v): f.countVisits(v, rows: rows, stride: stride, into: &covers)
            case .int64(let v): f.countVisits(v.map { Float($0) }, rows: rows, stride: stride, into: &covers)
            case .int32(let v): f.countVisits(v.map { Float($0) }, rows: rows, stride: stride, into: &covers)
            default: throw EngineError(.typeMismatch, "the trees cannot read a \(x.elementType) input.")
            }
        case .double(let f):
            guard case .float64(let v) = x.storage else {
                throw EngineError(.typeMismatch, "the trees cannot read a \(x.elementType) input.")
            }
            f.countVisits(v, rows: rows, stride: stride, into: &covers)
        }
    }

    /// Rows and row width of an input, checked as `run` checks it.
    func rowLayout(_ x: Tensor) throws -> (rows: Int, stride: Int) {
        guard x.rank == 1 || x.rank == 2 else {
            throw EngineError(.shapeMismatch, "the input must be [N, F] or [F], not \(x.shape).")
        }
        let stride = x.shape[x.rank - 1]
        guard stride >= featureCount else {
            throw EngineError(.shapeMismatch,
                "the trees read feature index \(featureCount - 1), but the input has \(stride) features.")
        }
        return (x.rank == 1 ? 1 : x.shape[0], stride)
    }
}
