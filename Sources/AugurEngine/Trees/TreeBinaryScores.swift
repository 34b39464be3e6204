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
    func twoClasses(_ v0: C, _ v1: C, _ has0: Bool, _ has1: Bool, oneClass: Bool, nonNegative: Bool,
                    into out: inout ScoreRow) -> TreeLabelChoice {
        var (s0, s1) = (v0, v1)
        var mode = -1
        var count = 2
        switch baseValues.count {
        case 2:
            if has1 {
                s1 = baseValues[1] + s0
                s0 = -s1
            } else {
                s1 += baseValues[1]
                s0 += baseValues[0]
            }
        case 1:
            s0 += baseValues[0]
            if !has1 { count = 1 }
        case 0:
            mode = 3
            if !has1 { count = 1 }
        default:
            break
        }
        let positive: C = count == 2 && has1 ? s1 : (has0 ? s0 : 0)
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
        let first = out.startIndex
        if count == 2 {
            out[first] = (has0 ? s0 : 0).treeFloat
            out[first + 1] = (has1 ? s1 : 0).treeFloat
            postTransform.apply(&out)
        } else {
            (out[first], out[first + 1]) = expandOneScore(has0 ? s0 : 0, mode: mode)
        }
        return label
    }

    /// `write_scores` with one score and `add_second_class == mode`. onnxruntime leaves the
    /// second column unwritten for PROBIT and for mode -1; Augur writes 0 there.
    private func expandOneScore(_ score: C, mode: Int) -> (Float, Float) {
        if postTransform == .probit { return (PostTransform.probit(score.treeFloat), 0) }
        switch mode {
        case 0, 1:
            return ((1 - score).treeFloat, score.treeFloat)
        case 2, 3:
            if postTransform == .logistic {
                return (PostTransform.logistic(-score.treeFloat), PostTransform.logistic(score.treeFloat))
            }
            return ((-score).treeFloat, score.treeFloat)
        default:
            return (score.treeFloat, 0)
        }
    }
}
