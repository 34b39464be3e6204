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

    /// One row of a classifier's float scores, written in place.
    typealias ScoreRow = Swift.Slice<UnsafeMutableBufferPointer<Float>>

    /// Labels and float scores (`rows × targets`) of a classifier with `targets` classes,
    /// each row's scores written straight into the output.
    func classification(_ scores: ForestScores<C>, rows: Int, weightsForOneClass: Bool,
                        weightsAreNonNegative: Bool) -> (labels: [TreeLabelChoice], scores: [Float]) {
        var labels: [TreeLabelChoice] = []
        labels.reserveCapacity(rows)
        var out = [Float](filled: 0, count: rows * targets)
        out.withUnsafeMutableBufferPointer { out in
            scores.values.withUnsafeBufferPointer { values in
                scores.has.withUnsafeBufferPointer { has in
                    for row in 0..<rows {
                        let range = (row * targets)..<((row + 1) * targets)
                        var slot = out[range]
                        switch targets {
                        case 1:
                            labels.append(oneClass(values[range.lowerBound], into: &slot))
                        case 2:
                            let first = range.lowerBound
                            labels.append(twoClasses(values[first], values[first + 1], has[first], has[first + 1],
                                                     oneClass: weightsForOneClass, nonNegative: weightsAreNonNegative,
                                                     into: &slot))
                        default:
                            labels.append(classes(values[range], has[range], into: &slot))
                        }
                    }
                }
            }
        }
        return (labels, out)
    }

    /// Three or more classes: base values start or add to class scores, the label is the first
    /// class with the highest score among those that have one.
    private func classes(_ values: Swift.Slice<UnsafeBufferPointer<C>>, _ has: Swift.Slice<UnsafeBufferPointer<Bool>>,
                         into out: inout ScoreRow) -> TreeLabelChoice {
        var best = -1
        var bestValue: C = 0
        for k in 0..<values.count {
            var value = values[values.startIndex + k]
            var scored = has[has.startIndex + k]
            if k < baseValues.count {
                value = scored ? value + baseValues[k] : baseValues[k]
                scored = true
            }
            if scored, best == -1 || value > bestValue {
                best = k
                bestValue = value
            }
            out[out.startIndex + k] = scored ? value.treeFloat : 0
        }
        postTransform.apply(&out)
        // With no score at all onnxruntime reads label -1 (undefined); Augur answers class 0.
        return .index(Swift.max(best, 0))
    }

    /// A single class (`FinalizeScores1` of the classifier): the label is literally 1 or 0.
    private func oneClass(_ sum: C, into out: inout ScoreRow) -> TreeLabelChoice {
        if baseValues.count == 2 {
            let score = sum + baseValues[1]
            // onnxruntime writes both scores into the one column; the first one stays.
            out[out.startIndex] = withUnsafeTemporaryAllocation(of: Float.self, capacity: 2) { pair in
                pair[0] = (-score).treeFloat
                pair[1] = score.treeFloat
                var row = pair[0..<2]
                postTransform.apply(&row)
                return pair[0]
            }
            return .literal(score > 0 ? 1 : 0)
        }
        let score = baseValues.count == 1 ? sum + baseValues[0] : sum
        out[out.startIndex] = postTransform == .probit ? PostTransform.probit(score.treeFloat) : score.treeFloat
        return .literal(score > 0 ? 1 : 0)
    }
}
