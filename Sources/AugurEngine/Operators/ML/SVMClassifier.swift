/// A support vector classifier (`ai.onnx.ml` SVMClassifier), as onnxruntime computes it.
///
/// With support vectors (libsvm's SVC, scikit-learn's SVC and NuSVC) each pair of classes
/// `i < j` has a decision value `Σ coef·K(x, sv) + rho` over both classes' vectors, and the
/// label is the class with most pairwise votes. Without probabilities the scores are the pair
/// decision values (two columns `[-s, s]` for two classes, or `[1 - s, s]` after a transform);
/// with `prob_a`/`prob_b` each pair's value goes through Platt's sigmoid and the class
/// probabilities come from libsvm's pairwise coupling (Wu, Lin and Weng's method 2).
/// Without support vectors (liblinear) the scores are `x·Wᵀ + rho[0]` per class.
public struct SVMClassifier: Operator {
    public typealias Labels = LinearClassifier.Labels

    public let kernel: SVMKernel
    public let labels: Labels
    /// Support vectors of each class, in class order (empty: liblinear mode).
    public let vectorsPerClass: [Int]
    /// Row-major `vectors × features`.
    public let supportVectors: [Float]
    /// SVC: `(classes - 1) × vectors`; linear: `classes × features`.
    public let coefficients: [Float]
    public let rho: [Float]
    public let probA: [Float]
    public let probB: [Float]
    public let postTransform: PostTransform

    let classCount: Int
    let vectorCount: Int
    public let featureCount: Int
    let starts: [Int]
    let weightsAllPositive: Bool
    /// The support vectors laid out for the kernel.
    let vectors: SupportVectors

    var isSVC: Bool { vectorCount > 0 }
    var pairCount: Int { classCount * (classCount - 1) / 2 }
    var hasProbabilities: Bool { !probA.isEmpty }
    /// Score columns per row.
    var scoreWidth: Int {
        guard isSVC, !hasProbabilities else { return classCount }
        return classCount > 2 ? pairCount : 2
    }

    /// Checks every size against the others, as onnxruntime's constructor does, so that no
    /// attribute can make a run read out of bounds.
    public init(kernel: SVMKernel, labels: Labels, vectorsPerClass: [Int], supportVectors: [Float], coefficients: [Float],
                rho: [Float], probA: [Float], probB: [Float], postTransform: PostTransform) throws {
        let classes = labels.count
        guard classes >= 1, classes < 65_536 else { throw EngineError(.invalidAttribute, "\(classes) class labels; 1 to 65,535 are supported.") }
        guard probA.count == probB.count else { throw EngineError(.invalidAttribute, "prob_a has \(probA.count) values and prob_b \(probB.count).") }
        guard !coefficients.isEmpty else { throw EngineError(.invalidAttribute, "coefficients are empty.") }
        guard vectorsPerClass.allSatisfy({ $0 >= 0 }) else { throw EngineError(.invalidAttribute, "vectors_per_class has a negative count.") }
        var starts: [Int] = []
        var vectors = 0
        for count in vectorsPerClass {
            starts.append(vectors)
            let (sum, overflow) = vectors.addingReportingOverflow(count)
            guard !overflow else { throw EngineError(.invalidAttribute, "vectors_per_class overflows.") }
            vectors = sum
        }
        if vectors > 0 {
            guard vectorsPerClass.count == classes else {
                throw EngineError(.invalidAttribute, "vectors_per_class has \(vectorsPerClass.count) counts for \(classes) classes.")
            }
            guard supportVectors.count % vectors == 0, supportVectors.count / vectors > 0 else {
                throw EngineError(.invalidAttribute, "\(supportVectors.count) support vector values do not split into \(vectors) vectors.")
            }
            featureCount = supportVectors.count / vectors
            let pairs = classes * (classes - 1) / 2
            guard let needed = TensorLimits.product([classes - 1, vectors]), coefficients.count >= needed else {
                throw EngineError(.invalidAttribute, "\(coefficients.count) coefficients; \(classes - 1) × \(vectors) are needed.")
            }
            guard rho.count >= pairs else { throw EngineError(.invalidAttribute, "\(rho.count) rho values for \(pairs) class pairs.") }
            guard probA.isEmpty || probA.count >= pairs else {
                throw EngineError(.invalidAttribute, "\(probA.count) prob_a values for \(pairs) class pairs.")
            }
            // Pairwise coupling works on a classes × classes matrix per row.
            guard probA.isEmpty || TensorLimits.product([classes, classes]) != nil else {
                throw EngineError(.tooLarge, "\(classes) classes are too many for pairwise probabilities.")
            }
            self.kernel = kernel
        } else {
            guard coefficients.count % classes == 0 else {
                throw EngineError(.invalidAttribute, "\(coefficients.count) coefficients do not split into \(classes) classes.")
            }
            guard !rho.isEmpty else { throw EngineError(.invalidAttribute, "rho needs at least one value.") }
            guard probA.isEmpty else { throw EngineError(.invalidAttribute, "probabilities (prob_a) need support vectors.") }
            featureCount = coefficients.count / classes
            // onnxruntime's liblinear mode always uses the linear kernel.
            self.kernel = SVMKernel(kind: .linear)
        }
        self.labels = labels
        self.vectorsPerClass = vectorsPerClass
        self.supportVectors = supportVectors
        self.coefficients = coefficients
        self.rho = rho
        self.probA = probA
        self.probB = probB
        self.postTransform = postTransform
        classCount = classes
        vectorCount = vectors
        self.starts = starts
        weightsAllPositive = coefficients.allSatisfy { $0 >= 0 }
        self.vectors = SupportVectors(rowMajor: supportVectors, count: vectors, features: vectors > 0 ? featureCount : 0)
    }

    public func outputTypes(for inputs: [ValueType?]) throws -> [ValueType] {
        let rows = try MLTensorSupport.featureRowsType(try tensorType(inputs, 0), featureCount: featureCount)
        let labelType: ElementType = if case .string = labels { .string } else { .int64 }
        return [.tensor(TensorType(labelType, shape: [rows])), .tensor(TensorType(.float32, shape: [rows, scoreWidth]))]
    }

    public func run(_ inputs: [Value?]) throws -> [Value] {
        let (rows, features) = try MLTensorSupport.featureRows(try tensor(inputs, 0), featureCount: featureCount)
        guard let total = TensorLimits.product([rows, scoreWidth]) else {
            throw EngineError(.tooLarge, "\(rows) rows of \(scoreWidth) scores exceed \(TensorLimits.maxElements) elements.")
        }
        var scores = [Float](repeating: 0, count: total)
        var winners = [Int](repeating: 0, count: rows)
        var maxWeights = [Float](repeating: 0, count: rows)
        if isSVC {
            let kernels = try kernel.values(features, rows: rows, vectors: vectors)
            var pairScores = [Float](repeating: 0, count: pairCount)
            var votes = [Int](repeating: 0, count: classCount)
            var pairwise = [Float](repeating: 0, count: hasProbabilities ? classCount * classCount : 0)
            for row in 0..<rows {
                decisionValues(kernels, row: row, into: &pairScores, votes: &votes)
                winners[row] = Self.firstMax(votes)
                let out = row * scoreWidth
                if hasProbabilities {
                    couple(pairScores, matrix: &pairwise)
                    var p = [Float](repeating: 0, count: classCount)
                    Self.multiclassProbability(classCount, pairwise, &p)
                    for c in 0..<classCount { scores[out + c] = p[c] }
                } else {
                    for k in 0..<pairCount { scores[out + k] = pairScores[k] }
                }
            }
        } else {
            let raw = try LinearKernel.scores(features, rows: rows, weights: coefficients, biases: [Float](repeating: rho[0], count: classCount),
                                              features: featureCount)
            for row in 0..<rows {
                let best = LinearKernel.argmax(raw, start: row * classCount, count: classCount)
                winners[row] = best
                maxWeights[row] = raw[row * classCount + best]
                for c in 0..<classCount { scores[row * classCount + c] = raw[row * classCount + c] }
            }
        }
        finishScores(&scores, rows: rows)
        return [.tensor(try Tensor(shape: [rows], storage: chooseLabels(winners, maxWeights))),
                .tensor(try Tensor(float32: scores, shape: [rows, scoreWidth]))]
    }

    /// Each pair's decision value (float32 of a float64 sum, as onnxruntime) and the votes.
    private func decisionValues(_ kernels: [Float], row: Int, into pairScores: inout [Float], votes: inout [Int]) {
        for c in votes.indices { votes[c] = 0 }
        let k = row * vectorCount
        var pair = 0
        for i in 0..<(classCount - 1) {
            for j in (i + 1)..<classCount {
                var sum: Double = 0
                let rowJ = (j - 1) * vectorCount
                for m in 0..<vectorsPerClass[i] { sum += Double(coefficients[rowJ + starts[i] + m] * kernels[k + starts[i] + m]) }
                let rowI = i * vectorCount
                for m in 0..<vectorsPerClass[j] { sum += Double(coefficients[rowI + starts[j] + m] * kernels[k + starts[j] + m]) }
                sum += Double(rho[pair])
                pairScores[pair] = Float(sum)
                votes[sum > 0 ? i : j] += 1
                pair += 1
            }
        }
    }

    /// The pairwise probability matrix `r[i][j]` = P(i | i or j) from Platt's sigmoid, kept
    /// within [1e-7, 1 - 1e-7].
    private func couple(_ pairScores: [Float], matrix r: inout [Float]) {
        for c in r.indices { r[c] = 0 }
        var pair = 0
        for i in 0..<(classCount - 1) {
            for j in (i + 1)..<classCount {
                let value = 1 - PostTransform.logistic(pairScores[pair] * probA[pair] + probB[pair])
                let clamped = min(max(value, 1.0e-7), 1 - 1.0e-7)
                r[i * classCount + j] = clamped
                r[j * classCount + i] = 1 - clamped
                pair += 1
            }
        }
    }

    /// libsvm's `multiclass_probability` in float32, as onnxruntime's `ml_common.h` has it.
    static func multiclassProbability(_ k: Int, _ r: [Float], _ p: inout [Float]) {
        var q = [Float](repeating: 0, count: k * k)
        var qp = [Float](repeating: 0, count: k)
        let eps: Float = 0.005 / Float(k)
        for i in 0..<k {
            p[i] = 1 / Float(k)
            for j in 0..<i {
                q[i * k + i] += r[j * k + i] * r[j * k + i]
                q[i * k + j] = q[j * k + i]
            }
            for j in (i + 1)..<max(k, i + 1) {
                q[i * k + i] += r[j * k + i] * r[j * k + i]
                q[i * k + j] = -r[j * k + i] * r[i * k + j]
            }
        }
        for _ in 0..<100 {
            var pqp: Float = 0
            for i in 0..<k {
                qp[i] = 0
                for j in 0..<k { qp[i] += q[i * k + j] * p[j] }
                pqp += p[i] * qp[i]
            }
            var maxError: Float = 0
            for i in 0..<k {
                let error = abs(qp[i] - pqp)
                if error > maxError { maxError = error }
            }
            if maxError < eps { break }
            for i in 0..<k {
                let diff = (-qp[i] + pqp) / q[i * k + i]
                p[i] += diff
                pqp = (pqp + diff * (diff * q[i * k + i] + 2 * qp[i])) / (1 + diff) / (1 + diff)
                for j in 0..<k {
                    qp[j] = (qp[j] + diff * q[i * k + j]) / (1 + diff)
                    p[j] /= (1 + diff)
                }
            }
        }
    }

    /// onnxruntime's `batched_update_scores_inplace` for this classifier's layout.
    private func finishScores(_ scores: inout [Float], rows: Int) {
        let perRow = isSVC && !hasProbabilities ? pairCount : classCount
        if perRow > 1 {
            postTransform.apply(toRows: &scores, width: scoreWidth)
            return
        }
        if postTransform == .probit {
            // onnxruntime transforms the first column only and leaves the second unwritten;
            // Augur leaves a zero there.
            for row in 0..<rows { scores[row * scoreWidth] = PostTransform.probit(scores[row * scoreWidth]) }
            return
        }
        // Two classes without probabilities: one decision value becomes two columns.
        guard isSVC, !hasProbabilities, scoreWidth == 2 else { return }
        for row in 0..<rows {
            let s = scores[row * 2]
            if postTransform == .none {
                (scores[row * 2], scores[row * 2 + 1]) = (-s, s)
            } else {
                (scores[row * 2], scores[row * 2 + 1]) = (1 - s, s)
            }
        }
    }

    /// onnxruntime's `ChooseClass`: two labels take the vote (SVC) or the best score, unless
    /// a liblinear binary model's best score crosses its threshold; otherwise the winner.
    private func chooseLabels(_ winners: [Int], _ maxWeights: [Float]) -> TensorStorage {
        func index(_ row: Int) -> Int {
            guard pairCount == 1, classCount == 2, !hasProbabilities else { return winners[row] }
            let weight = maxWeights[row]
            if weightsAllPositive && weight >= 0.5 { return 1 }
            if weight > 0 && !weightsAllPositive { return 1 }
            return winners[row]
        }
        switch labels {
        case .int64(let names): return .int64(winners.indices.map { names[index($0)] })
        case .string(let names): return .string(winners.indices.map { names[index($0)] })
        }
    }

    /// The first index of the largest count (`std::max_element`).
    static func firstMax(_ values: [Int]) -> Int {
        var best = 0
        for i in values.indices where values[i] > values[best] { best = i }
        return best
    }
}
