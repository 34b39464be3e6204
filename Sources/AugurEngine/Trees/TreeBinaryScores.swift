extension TreeScoreFinalizer {
    /// Two classes, mirroring onnxruntime's `TreeAggregatorClassifier::FinalizeScores` binary
    /// branch, `_set_score_binary` and the one-score cases of `write_scores` (ml_common.h).
    ///
    /// - Two base values: when class 1 has a score, class 1 becomes `base[1] + score0` and
    ///   class 0 its negation (shown only if class 0 had a score); otherwise each class adds
    ///   its base value.
    /// - One base value is added to class 0; without a class-1 score only one score remains.
    /// - No base value: "write additional scores" mode 3; without a class-1 score only one remains.
    /// - The label: with weights for one class only (`binary_case_`), class 1 wins above 0.5
    ///   when no weight is negative, above 0 otherwise, which also picks how one score becomes
    ///   two (`1 - p, p`; `-s, s`; or `logistic(-s), logistic(s)`). With weights for both
    ///   classes the label is the literal 1 or 0 (not the class labels).
    func twoClasses(_ values: [C], _ has: [Bool], oneClass: Bool, nonNegative: Bool) -> (TreeLabelChoice, [Float]) {
        var (s0, s1) = (values[0], values[1])
        var mode = -1
        var count = 2
        switch baseValues.count {
        case 2:
            if has[1] {
                s1 = baseValues[1] + s0
                s0 = -s1
            } else {
                s1 += baseValues[1]
                s0 += baseValues[0]
            }
        case 1:
            s0 += baseValues[0]
            if !has[1] { count = 1 }
        case 0:
            mode = 3
            if !has[1] { count = 1 }
        default:
            break
        }
        let positive: C = count == 2 && has[1] ? s1 : (has[0] ? s0 : 0)
        let label: TreeLabelChoice
        if oneClass {
            if nonNegative {
                mode = positive > 0.5 ? 0 : 1
            } else {
                mode = positive > 0 ? 2 : 3
            }
            label = .index(mode == 0 || mode == 2 ? 1 : 0)
        } else {
            label = .literal(positive > 0 ? 1 : 0)
        }
        if count == 2 {
            return (label, transformed([has[0] ? s0 : 0, has[1] ? s1 : 0], width: 2))
        }
        return (label, expandOneScore(has[0] ? s0 : 0, mode: mode))
    }

    /// `write_scores` with one score and `add_second_class == mode`. onnxruntime leaves the
    /// second column unwritten for PROBIT and for mode -1; Augur writes 0 there.
    private func expandOneScore(_ score: C, mode: Int) -> [Float] {
        if postTransform == .probit { return [PostTransform.probit(score.treeFloat), 0] }
        switch mode {
        case 0, 1:
            return [(1 - score).treeFloat, score.treeFloat]
        case 2, 3:
            if postTransform == .logistic {
                return [PostTransform.logistic(-score.treeFloat), PostTransform.logistic(score.treeFloat)]
            }
            return [(-score).treeFloat, score.treeFloat]
        default:
            return [score.treeFloat, 0]
        }
    }
}
