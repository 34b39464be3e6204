import AugurEngine

/// Why a route's predictions can be explained or not, decided once per route at load.
public enum ExplanationSupport: Sendable {
    case available(RouteExplainer)
    /// The reason, as `/explain` answers it.
    case unavailable(String)
}

/// Explains one route's predictions in the route's own parameters: the model's explanation
/// (`ModelExplainer`: exact TreeSHAP per model input column), each model column credited to
/// the parameters its feature expression reads. A column computed from one parameter goes to
/// it; from several (`ApplicantIncome + CoapplicantIncome`), to that expression; several
/// computed columns from the same parameters are reported together, under the parameters'
/// names. Contributions that go to the same entry are summed (the usual way one-hot columns
/// are reported), so additivity holds: `base_value + Σ contributions = output_value`.
public struct RouteExplainer: Sendable {
    let model: ModelExplainer
    /// What the answer reports, in order of first model column.
    let groups: [Group]
    /// Targets reported: one (regression, or a two-class model with one score) or several.
    let targets: [Int]
    let perTarget: Bool
    let isClassifier: Bool
    /// Rows one request may explain: the work budget over the forest's work per row.
    public let maxRows: Int
    /// Mean |contribution| per entry over reference rows, largest first (empty when the
    /// forest is too big to explain enough rows at load): the form's importance panel.
    public let importance: [(name: String, parameters: [String], meanAbsolute: Double)]
    /// Reference rows the importance was averaged over.
    public let importanceRows: Int
    public var referenceSource: String { model.referenceSource }
    /// `tree_path_dependent` or `linear`.
    public var method: String { model.method }
    /// Reference rows the covers (or means) were counted on: every row of the file.
    public var referenceRows: Int { model.referenceRows }

    struct Group: Sendable {
        /// The parameter's name, or a computed feature's expression.
        let name: String
        /// The parameters it stands for.
        let parameters: [Int]
        /// Tree columns summed into it.
        let columns: [Int]
        /// The one parameter it stands for (its value is reported), if so.
        let parameter: Int?
        /// The one model column it stands for, when it is not a single parameter.
        let modelColumn: Int?
    }

    /// Work budget per request: rows × Σ over trees of leaves × (depth + 1)².
    static let workBudget = 400_000_000
    /// Work spent at load on the importance of each entry: about 5 ms (the loan forest: 120
    /// rows), paid again at every reload and by every Lambda cold start.
    static let importanceBudget = 10_000_000

    /// The explainer of a route, or why there is none.
    /// `model` is the loaded model's explainer (built from every reference row), `sample` a
    /// sample of those rows for the importance ranking.
    static func make(model built: Result<ModelExplainer, ModelExplainer.Unavailable>?, sample reference: ReferenceRows?,
                     features: FeatureBuilder, parameterNames: [String], isClassifier: Bool) -> ExplanationSupport {
        guard let built, let reference else {
            return .unavailable("The model has no reference data, which explanations are computed from: give its training data (in the model's input columns) as models: NAME: {path: …, reference: train.csv}, or import it with augur models import --reference train.csv.")
        }
        let model: ModelExplainer
        switch built {
        case .success(let explainer): model = explainer
        case .failure(let why): return .unavailable(why.description)
        }
        let groups = Self.groups(model, features: features, parameterNames: parameterNames)
        let explained = model.explainedTargets
        let targets: [Int]
        let perTarget: Bool
        if isClassifier, explained.count == 1 {
            (targets, perTarget) = (explained, false)
        } else {
            (targets, perTarget) = (Array(0..<model.targets), model.targets > 1)
        }
        var explainer = RouteExplainer(model: model, groups: groups, targets: targets, perTarget: perTarget,
                                       isClassifier: isClassifier, maxRows: Swift.max(1, workBudget / model.workPerRow),
                                       importance: [], importanceRows: 0)
        let sample = Swift.min(reference.count, ModelExplainer.lineageRows, importanceBudget / model.workPerRow)
        if sample >= 10, let rows = try? reference.sample(sample), let contributions = try? model.contributions(rows.feeds) {
            explainer = RouteExplainer(model: model, groups: groups, targets: targets, perTarget: perTarget,
                                       isClassifier: isClassifier, maxRows: explainer.maxRows,
                                       importance: explainer.importance(contributions, parameterNames: parameterNames),
                                       importanceRows: rows.count)
        }
        return .available(explainer)
    }

    /// Tree columns gathered under the parameters their model columns read.
    static func groups(_ model: ModelExplainer, features: FeatureBuilder, parameterNames: [String]) -> [Group] {
        // The parameters and the source text of each model column, input after input.
        var reads: [[Int]] = [], sources: [String] = []
        for input in features.inputs {
            for c in input.columns.indices {
                reads.append(input.parameters.indices.contains(c) ? input.parameters[c] : [])
                sources.append(input.sources.indices.contains(c) ? input.sources[c] : input.name)
            }
        }
        var groups: [Group] = []
        for (j, feeding) in model.lineage.enumerated() where !feeding.isEmpty {
            let key = Set(feeding.flatMap { reads.indices.contains($0) ? reads[$0] : [] }).sorted()
            if let k = groups.firstIndex(where: { $0.parameters == key }) {
                // Several tree columns from the same parameters: one entry. When they come
                // from different computed features, it is named by the parameters.
                let g = groups[k]
                let same = g.parameter != nil || (feeding.count == 1 && g.modelColumn == feeding[0])
                groups[k] = Group(name: same || key.isEmpty ? g.name : key.map { parameterNames[$0] }.joined(separator: ", "),
                                  parameters: key, columns: g.columns + [j], parameter: g.parameter,
                                  modelColumn: same ? g.modelColumn : nil)
            } else if key.count == 1 {
                groups.append(Group(name: parameterNames[key[0]], parameters: key, columns: [j], parameter: key[0], modelColumn: nil))
            } else {
                let names = feeding.map { sources.indices.contains($0) ? sources[$0] : model.columnNames[$0] }
                let name = names.count == 1 || key.isEmpty ? names.joined(separator: ", ") : key.map { parameterNames[$0] }.joined(separator: ", ")
                groups.append(Group(name: name, parameters: key, columns: [j], parameter: nil,
                                    modelColumn: feeding.count == 1 ? feeding[0] : nil))
            }
        }
        return groups
    }

    /// Each entry's contribution to `target` in `row`.
    private func sums(_ contributions: FeatureContributions, row: Int, target: Int) -> [Double] {
        groups.map { group in group.columns.reduce(0.0) { $0 + contributions.contribution(row: row, target: target, feature: $1) } }
    }

    private func importance(_ contributions: FeatureContributions, parameterNames: [String])
        -> [(name: String, parameters: [String], meanAbsolute: Double)] {
        var totals = [Double](repeating: 0, count: groups.count)
        for row in 0..<contributions.rows {
            for target in targets {
                for (k, value) in sums(contributions, row: row, target: target).enumerated() { totals[k] += abs(value) }
            }
        }
        let n = Double(Swift.max(1, contributions.rows * targets.count))
        return zip(groups, totals).map { ($0.name, $0.parameters.map { parameterNames[$0] }, $1 / n) }
            .sorted { $0.meanAbsolute > $1.meanAbsolute }
    }

    /// The explanations of `rows` rows whose model inputs are `feeds`.
    func explain(_ feeds: [Value], rows: ParameterRows, parameterCount: Int) throws -> Explanations {
        let contributions = try model.contributions(feeds)
        let columns = model.columnLocations
        var out: [[Explanations.Output]] = []
        out.reserveCapacity(rows.count)
        for row in 0..<rows.count {
            out.append(targets.map { target in
                var entries = zip(groups, sums(contributions, row: row, target: target)).map { group, sum -> Explanations.Contribution in
                    let value: JSONValue
                    if let p = group.parameter {
                        value = rows.storage[row * parameterCount + p].json
                    } else if let m = group.modelColumn, columns.indices.contains(m), case .tensor(let t) = feeds[columns[m].input] {
                        value = t.jsonValue(row: row, column: columns[m].column)
                    } else {
                        value = .null
                    }
                    return Explanations.Contribution(name: group.name, value: value, contribution: sum)
                }
                let rest = model.unattributed.reduce(0.0) { $0 + contributions.contribution(row: row, target: target, feature: $1) }
                if rest != 0 { entries.append(Explanations.Contribution(name: "(other model columns)", value: .null, contribution: rest)) }
                entries.sort { abs($0.contribution) > abs($1.contribution) }
                return Explanations.Output(target: target, baseValue: contributions.baseValues[target],
                                           outputValue: contributions.output(row: row, target: target), contributions: entries)
            })
        }
        // A classifier whose trees add up probabilities (a random forest) explains them as such.
        let space = model.scoresAreProbabilities(classifier: isClassifier) ? "probability" : "margin"
        return Explanations(method: model.method, outputSpace: space, transform: model.postTransform,
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

    /// `tree_path_dependent` or `linear`.
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

extension Explanations {
    /// Row `row`'s explanation as a JSON object: the method, the space explained (the margin,
    /// before `transform`, or probabilities), and for one output `base_value`, `output_value`
    /// and `contributions`; for several, the same per class (`classes`, each with its label
    /// from `labels`) or per target (`targets`). The one writer of every protocol's answer.
    public func write(row: Int, labels: [String]?, into out: inout JSONOutput) {
        out.append(#"{"method":"#)
        JSONWriter.write(method, into: &out)
        out.append(#","output_space":"#)
        JSONWriter.write(outputSpace, into: &out)
        out.append(#","transform":"#)
        JSONWriter.write(transform.rawValue.lowercased(), into: &out)
        let outputs = rows.indices.contains(row) ? rows[row] : []
        if !perTarget, let only = outputs.first {
            out.append(UInt8(ascii: ","))
            Self.write(only, into: &out)
        } else {
            out.append(labels == nil ? #","targets":["# : #","classes":["#)
            for (i, output) in outputs.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                if let labels {
                    out.append(#"{"label":"#)
                    JSONWriter.write(labels.indices.contains(output.target) ? labels[output.target] : String(output.target), into: &out)
                } else {
                    out.append(#"{"target":"#)
                    JSONWriter.appendInteger(Int64(output.target), to: &out)
                }
                out.append(UInt8(ascii: ","))
                Self.write(output, into: &out)
                out.append(UInt8(ascii: "}"))
            }
            out.append(UInt8(ascii: "]"))
        }
        out.append(UInt8(ascii: "}"))
    }

    private static func write(_ output: Output, into out: inout JSONOutput) {
        out.append(#""base_value":"#)
        JSONWriter.write(JSONNumber(output.baseValue), into: &out)
        out.append(#","output_value":"#)
        JSONWriter.write(JSONNumber(output.outputValue), into: &out)
        out.append(#","contributions":["#)
        for (i, entry) in output.contributions.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out.append(#"{"parameter":"#)
            JSONWriter.write(entry.name, into: &out)
            out.append(#","value":"#)
            JSONWriter.write(entry.value, into: &out)
            out.append(#","contribution":"#)
            JSONWriter.write(JSONNumber(entry.contribution), into: &out)
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "]"))
    }
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
