/// A classifier's label for one row: an index into the class labels, or the literal 0 / 1
/// onnxruntime returns for two classes whose weights name both (and for a single class).
enum TreeLabelChoice: Equatable {
    case index(Int)
    case literal(Int64)
}

/// Turns raw forest scores into outputs the way onnxruntime's tree aggregators do
/// (`tree_ensemble_aggregator.h`: `FinalizeScores1`, `FinalizeScores`, the classifier's
/// `_set_score_binary`, and `write_scores` in `ml_common.h`), in the scalar type `C` the
/// scores were accumulated in.
struct TreeScoreFinalizer<C: TreeScalar> {
    let treeCount: Int
    let targets: Int
    let aggregation: TreeAggregation
    let baseValues: [C]
    let postTransform: PostTransform

    /// Regression scores, row-major `rows × targets`, before the post transform (which only
    /// `transformed` applies; a single target only ever gets `PROBIT`).
    func regression(_ scores: ForestScores<C>, rows: Int) -> [C] {
        targets == 1 ? singleTarget(scores) : multiTarget(scores)
    }

    /// `FinalizeScores1` of the sum, average, min and max aggregators: one base value is the
    /// origin, min and max rows without any weight get the origin alone, and only PROBIT applies.
    private func singleTarget(_ scores: ForestScores<C>) -> [C] {
        let origin: C = baseValues.count == 1 ? baseValues[0] : 0
        let trees = C(treeCount)
        return zip(scores.values, scores.has).map { value, has in
            let score: C
            switch aggregation {
            case .sum: score = value + origin
            case .average: score = value / trees + origin
            case .minimum, .maximum: score = has ? value + origin : origin
            }
            return postTransform == .probit ? C(tree: PostTransform.probit(score.treeFloat)) : score
        }
    }

    /// `FinalizeScores` of the aggregators: base values count only when there is one per
    /// target, and a target no tree fed is written as 0 (`ScoreValue`'s float conversion).
    private func multiTarget(_ scores: ForestScores<C>) -> [C] {
        let useBase = baseValues.count == targets
        let trees = C(treeCount)
        var out = scores.values
        for slot in out.indices {
            let target = slot % targets
            var value = out[slot]
            switch aggregation {
            case .sum: if useBase { value += baseValues[target] }
            case .average: value = useBase ? value / trees + baseValues[target] : value / trees
            case .minimum, .maximum: value = (useBase ? baseValues[target] : 0) + (scores.has[slot] ? value : 0)
            }
            out[slot] = scores.has[slot] ? value : 0
        }
        return out
    }

    /// `values` (rows of `width`) as Float with the post transform applied, as `write_scores`
    /// does for two or more scores.
    func transformed(_ values: [C], width: Int) -> [Float] {
        var floats = values.map(\.treeFloat)
        postTransform.apply(toRows: &floats, width: width)
        return floats
    }

    /// Labels and float scores (`rows × targets`) of a classifier with `targets` classes.
    func classification(_ scores: ForestScores<C>, rows: Int, weightsForOneClass: Bool,
                        weightsAreNonNegative: Bool) -> (labels: [TreeLabelChoice], scores: [Float]) {
        var labels: [TreeLabelChoice] = []
        labels.reserveCapacity(rows)
        var out: [Float] = []
        out.reserveCapacity(rows * targets)
        for row in 0..<rows {
            let range = (row * targets)..<((row + 1) * targets)
            let values = Array(scores.values[range])
            let has = Array(scores.has[range])
            let (label, rowScores): (TreeLabelChoice, [Float])
            switch targets {
            case 1: (label, rowScores) = oneClass(values[0])
            case 2: (label, rowScores) = twoClasses(values, has, oneClass: weightsForOneClass, nonNegative: weightsAreNonNegative)
            default: (label, rowScores) = classes(values, has)
            }
            labels.append(label)
            out.append(contentsOf: rowScores)
        }
        return (labels, out)
    }

    /// Three or more classes: base values start or add to class scores, the label is the first
    /// class with the highest score among those that have one.
    private func classes(_ values: [C], _ has: [Bool]) -> (TreeLabelChoice, [Float]) {
        var values = values
        var has = has
        for (k, base) in baseValues.prefix(values.count).enumerated() {
            values[k] = has[k] ? values[k] + base : base
            has[k] = true
        }
        var best = -1
        for k in values.indices where has[k] && (best == -1 || values[k] > values[best]) { best = k }
        // With no score at all onnxruntime reads label -1 (undefined); Augur answers class 0.
        let gated = zip(values, has).map { $1 ? $0 : 0 }
        return (.index(Swift.max(best, 0)), transformed(gated, width: gated.count))
    }

    /// A single class (`FinalizeScores1` of the classifier): the label is literally 1 or 0.
    private func oneClass(_ sum: C) -> (TreeLabelChoice, [Float]) {
        if baseValues.count == 2 {
            let score = sum + baseValues[1]
            let label: TreeLabelChoice = .literal(score > 0 ? 1 : 0)
            // onnxruntime writes both scores into the one column; the first one stays.
            return (label, [transformed([-score, score], width: 2)[0]])
        }
        let score = baseValues.count == 1 ? sum + baseValues[0] : sum
        let value = postTransform == .probit ? PostTransform.probit(score.treeFloat) : score.treeFloat
        return (.literal(score > 0 ? 1 : 0), [value])
    }
}
