import AugurEngine

/// Why a route's predictions can be explained or not, decided once per route at load.
public enum ExplanationSupport: Sendable {
    case available(RouteExplainer)
    /// The reason, as `/explain` answers it.
    case unavailable(String)
}

/// Explains one route's predictions in the route's own parameters: exact path-dependent
/// TreeSHAP on the model's tree ensemble (node covers counted on the reference rows), each
/// contribution of a column the trees read credited to the parameters it was computed from.
///
/// Built at load from the model's reference rows:
/// - the tree ensemble's input is read off the plan (`Plan.inputs(ofStep:)`), so the trees
///   may sit behind any preprocessing the ONNX graph does (imputers, scalers, one-hot
///   encoders, a column transformer);
/// - which model input columns each tree column depends on is measured on up to
///   `lineageRows` reference rows: each model column in turn is shifted across rows and the
///   tree columns that change are its own (a one-hot column of `city` changes with `city`);
/// - a model column's parameters are those its feature expression reads (`ApplicantIncome +
///   CoapplicantIncome` reads two, and is reported under that expression).
/// Tree columns whose contributions go to the same parameters are summed (the usual way one-hot
/// columns are reported); additivity holds: `base_value + Σ contributions = output_value`.
public struct RouteExplainer: Sendable {
    let plan: Plan
    let step: Int
    let trees: TreeExplainer
    /// What the answer reports, in order of first model column.
    let groups: [Group]
    /// Tree columns no model column was seen to change (constant on the reference rows).
    let unattributed: [Int]
    /// Targets reported: one (regression, or a two-class model with one score) or several.
    let targets: [Int]
    let perTarget: Bool
    let isClassifier: Bool
    /// Rows one request may explain: the budget over the forest's work per row.
    public let maxRows: Int
    public let referenceSource: String
    public let referenceRows: Int

    struct Group: Sendable {
        /// The parameter's name, or a computed feature's expression.
        let name: String
        /// Tree columns summed into it.
        let columns: [Int]
        /// The one parameter it stands for (its value is reported), if so.
        let parameter: Int?
        /// The one model column it stands for, when it is not a single parameter.
        let modelColumn: (input: Int, column: Int)?
    }

    static let lineageRows = 1000
    /// Work budget per request: rows × Σ over trees of leaves × (depth + 1)².
    static let workBudget = 400_000_000

    /// The explainer of a route, or why there is none.
    static func make(plan: Plan, features: FeatureBuilder, parameterNames: [String], isClassifier: Bool,
                     reference: ReferenceRows?) -> ExplanationSupport {
        guard let reference else {
            return .unavailable("The model has no reference data, which explanations are computed from: give its training data (in the model's input columns) as models: NAME: {path: …, reference: train.csv}, or import it with augur models import --reference train.csv.")
        }
        let ensembles = plan.steps(running: TreeEnsemble.self)
        guard ensembles.count == 1, let (step, ensemble) = ensembles.first else {
            return .unavailable(ensembles.isEmpty
                ? "Only tree-ensemble models are explained yet; this model has no tree ensemble."
                : "The model has \(ensembles.count) tree ensembles; explanations need exactly one.")
        }
        do {
            let x = try treeInput(plan, step, reference.feeds)
            var covers = [Double](repeating: 0, count: ensemble.nodeCount)
            try ensemble.countVisits(x, into: &covers)
            let trees = try TreeExplainer(ensemble, covers: covers)
            let lineage = try Self.lineage(plan, step, reference.prefix(lineageRows), treeColumns: x.shape.last ?? 0)
            let (groups, unattributed) = Self.groups(lineage, features: features, parameterNames: parameterNames,
                                                     treeColumns: x.shape.last ?? 0)
            let weighted = trees.weightedTargets
            let targets: [Int]
            let perTarget: Bool
            if isClassifier, weighted.count == 1 {
                (targets, perTarget) = (weighted, false)
            } else {
                (targets, perTarget) = (Array(0..<trees.targets), trees.targets > 1)
            }
            let stats = ensemble.stats
            let perRow = Swift.max(1, stats.leaves) * (stats.maxDepth + 1) * (stats.maxDepth + 1)
            return .available(RouteExplainer(plan: plan, step: step, trees: trees, groups: groups, unattributed: unattributed,
                                             targets: targets, perTarget: perTarget, isClassifier: isClassifier, maxRows: Swift.max(1, workBudget / perRow),
                                             referenceSource: reference.source, referenceRows: reference.count))
        } catch {
            return .unavailable("The model's reference data '\(reference.source)' cannot be used for explanations: \(error)")
        }
    }

    static func treeInput(_ plan: Plan, _ step: Int, _ feeds: [Value]) throws -> Tensor {
        guard case .tensor(let x)? = try plan.inputs(ofStep: step, feeds).first ?? nil, x.rank == 2 else {
            throw EngineError(.invalidGraph, "the tree ensemble's input is not a [N, F] tensor.")
        }
        return x
    }

    /// For each model input column (input, column), the tree columns that change when it does.
    static func lineage(_ plan: Plan, _ step: Int, _ reference: ReferenceRows, treeColumns: Int) throws
        -> [(input: Int, column: Int, treeColumns: Set<Int>)] {
        let base = try treeInput(plan, step, reference.feeds)
        var result: [(Int, Int, Set<Int>)] = []
        for (input, feed) in reference.feeds.enumerated() {
            guard case .tensor(let tensor) = feed else { continue }
            let width = tensor.rank == 2 ? tensor.shape[1] : 1
            for column in 0..<width {
                var changed = Set<Int>()
                // Two shifts, so a column whose neighbouring rows agree still moves somewhere.
                for shift in Set([1, Swift.max(1, reference.count / 2)]) where reference.count > 1 {
                    var feeds = reference.feeds
                    feeds[input] = .tensor(try tensor.shiftingColumn(column, width: width, by: shift))
                    let moved = try treeInput(plan, step, feeds)
                    changed.formUnion(base.columnsDiffering(from: moved, width: treeColumns))
                }
                result.append((input, column, changed))
            }
        }
        return result
    }

    /// Tree columns gathered under the parameters their model columns read.
    static func groups(_ lineage: [(input: Int, column: Int, treeColumns: Set<Int>)], features: FeatureBuilder,
                       parameterNames: [String], treeColumns: Int) -> ([Group], [Int]) {
        // Each tree column's parameters and the model columns that feed it.
        var parameters = [Set<Int>](repeating: [], count: treeColumns)
        var sources = [[(input: Int, column: Int)]](repeating: [], count: treeColumns)
        for entry in lineage {
            let read = features.inputs.indices.contains(entry.input) && features.inputs[entry.input].parameters.indices.contains(entry.column)
                ? features.inputs[entry.input].parameters[entry.column] : []
            for j in entry.treeColumns where j < treeColumns {
                parameters[j].formUnion(read)
                sources[j].append((entry.input, entry.column))
            }
        }
        var groups: [Group] = []
        var keys: [[Int]] = []
        var unattributed: [Int] = []
        for j in 0..<treeColumns {
            guard !sources[j].isEmpty else { unattributed.append(j); continue }
            let key = parameters[j].sorted()
            if let k = keys.firstIndex(of: key) {
                // Several tree columns from the same parameters: one entry. When they come
                // from different computed features, it is named by the parameters.
                let g = groups[k]
                let sameColumn = g.parameter != nil || (g.modelColumn.map { m in sources[j].count == 1 && sources[j][0] == m } ?? false)
                groups[k] = Group(name: sameColumn || key.isEmpty ? g.name : key.map { parameterNames[$0] }.joined(separator: ", "),
                                  columns: g.columns + [j], parameter: g.parameter,
                                  modelColumn: sameColumn ? g.modelColumn : nil)
                continue
            }
            keys.append(key)
            if key.count == 1 {
                groups.append(Group(name: parameterNames[key[0]], columns: [j], parameter: key[0], modelColumn: nil))
            } else {
                let names = sources[j].map { s in
                    features.inputs.indices.contains(s.input) && features.inputs[s.input].sources.indices.contains(s.column)
                        ? features.inputs[s.input].sources[s.column] : "column \(s.column)"
                }
                let name = key.isEmpty ? names.joined(separator: ", ") : (names.count == 1 ? names[0] : key.map { parameterNames[$0] }.joined(separator: ", "))
                groups.append(Group(name: name, columns: [j], parameter: nil, modelColumn: sources[j].count == 1 ? sources[j][0] : nil))
            }
        }
        return (groups, unattributed)
    }

    /// The explanations of `rows` rows whose model inputs are `feeds`.
    func explain(_ feeds: [Value], rows: ParameterRows, parameterCount: Int) throws -> Explanations {
        let x = try Self.treeInput(plan, step, feeds)
        let contributions = try trees.explain(x)
        var out: [[Explanations.Output]] = []
        out.reserveCapacity(rows.count)
        for row in 0..<rows.count {
            out.append(targets.map { target in
                var entries = groups.map { group -> Explanations.Contribution in
                    let sum = group.columns.reduce(0.0) { $0 + contributions.contribution(row: row, target: target, feature: $1) }
                    let value: JSONValue
                    if let p = group.parameter {
                        value = rows.storage[row * parameterCount + p].json
                    } else if let m = group.modelColumn, case .tensor(let t) = feeds[m.input] {
                        value = t.jsonValue(row: row, column: m.column)
                    } else {
                        value = .null
                    }
                    return Explanations.Contribution(name: group.name, value: value, contribution: sum)
                }
                let rest = unattributed.reduce(0.0) { $0 + contributions.contribution(row: row, target: target, feature: $1) }
                if rest != 0 { entries.append(Explanations.Contribution(name: "(other model columns)", value: .null, contribution: rest)) }
                entries.sort { abs($0.contribution) > abs($1.contribution) }
                return Explanations.Output(target: target, baseValue: contributions.baseValues[target],
                                           outputValue: contributions.output(row: row, target: target), contributions: entries)
            })
        }
        // A classifier whose trees add up probabilities (a random forest) explains them as such.
        let space = isClassifier && trees.postTransform == .none ? "probability" : "margin"
        return Explanations(method: "tree_path_dependent", outputSpace: space, transform: trees.postTransform,
                            perTarget: perTarget, rows: out)
    }
}

/// The explanations of a request's rows, typed; encoders write them.
public struct Explanations: Sendable {
    public struct Contribution: Sendable {
        /// A parameter's name, or a computed feature's expression.
        public let name: String
        /// The parameter's value in the request (or the computed feature's), null if unknown.
        public let value: JSONValue
        public let contribution: Double
    }

    public struct Output: Sendable {
        /// The model's score column (class index for classifiers).
        public let target: Int
        public let baseValue: Double
        public let outputValue: Double
        /// Largest magnitude first.
        public let contributions: [Contribution]
    }

    /// `tree_path_dependent`.
    public let method: String
    /// `margin` (scores before `transform`), or `probability` when the scores are already
    /// probabilities (a classifier without transform).
    public let outputSpace: String
    /// What turns the explained margin into the model's scores.
    public let transform: PostTransform
    /// Several outputs per row (classes, targets) rather than one.
    public let perTarget: Bool
    /// Per row, per output.
    public let rows: [[Output]]
}

extension ParameterValue {
    var json: JSONValue {
        switch self {
        case .missing: .null
        case .number(let n): .number(n.rounded() == n && abs(n) < 9e15 ? JSONNumber(Int64(n)) : JSONNumber(n))
        case .string(let s): .string(s)
        case .bool(let b): .bool(b)
        }
    }
}

extension Tensor {
    /// The same tensor with column `column` of each row taken from the row `shift` rows later
    /// (cyclically).
    func shiftingColumn(_ column: Int, width: Int, by shift: Int) throws -> Tensor {
        let rows = shape.first ?? 0
        func shifted<T>(_ values: [T]) -> [T] {
            var out = values
            for row in 0..<rows { out[row * width + column] = values[((row + shift) % rows) * width + column] }
            return out
        }
        let storage: TensorStorage = switch self.storage {
        case .float32(let v): .float32(shifted(v))
        case .float64(let v): .float64(shifted(v))
        case .int64(let v): .int64(shifted(v))
        case .int32(let v): .int32(shifted(v))
        case .string(let v): .string(shifted(v))
        case .bool(let v): .bool(shifted(v))
        }
        return try Tensor(shape: shape, storage: storage)
    }

    /// Columns (of `width`) where any row differs from `other` (NaN equals NaN).
    func columnsDiffering(from other: Tensor, width: Int) -> Set<Int> {
        guard width > 0 else { return [] }
        var changed = Set<Int>()
        func compare<T: Equatable>(_ a: [T], _ b: [T], same: (T, T) -> Bool) {
            for i in 0..<Swift.min(a.count, b.count) where !same(a[i], b[i]) { changed.insert(i % width) }
        }
        switch (storage, other.storage) {
        case (.float32(let a), .float32(let b)): compare(a, b) { $0 == $1 || ($0.isNaN && $1.isNaN) }
        case (.float64(let a), .float64(let b)): compare(a, b) { $0 == $1 || ($0.isNaN && $1.isNaN) }
        case (.int64(let a), .int64(let b)): compare(a, b, same: ==)
        case (.int32(let a), .int32(let b)): compare(a, b, same: ==)
        case (.string(let a), .string(let b)): compare(a, b, same: ==)
        case (.bool(let a), .bool(let b)): compare(a, b, same: ==)
        default: return Set(0..<width)
        }
        return changed
    }

    /// Element (`row`, `column`) as JSON.
    func jsonValue(row: Int, column: Int) -> JSONValue {
        let width = rank == 2 ? shape[1] : 1
        let i = row * width + column
        switch storage {
        case .float32(let v): return i < v.count && v[i].isFinite ? .number(JSONNumber(v[i])) : .null
        case .float64(let v): return i < v.count && v[i].isFinite ? .number(JSONNumber(v[i])) : .null
        case .int64(let v): return i < v.count ? .number(JSONNumber(v[i])) : .null
        case .int32(let v): return i < v.count ? .number(JSONNumber(Int64(v[i]))) : .null
        case .string(let v): return i < v.count ? .string(v[i]) : .null
        case .bool(let v): return i < v.count ? .bool(v[i]) : .null
        }
    }
}
