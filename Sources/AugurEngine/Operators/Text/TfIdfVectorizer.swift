/// ONNX `TfIdfVectorizer` (opset 9): counts the pool's n-grams (with skips) in each row of a
/// string or integer tensor and writes them, or their weights, to their output columns, as
/// onnxruntime does (weights are read by output column, as its kernel and onnx's reference
/// implementation do; unigrams are counted once, whatever the skips).
public struct TfIdfVectorizer: Operator {
    public enum Mode: String, Sendable { case tf = "TF", idf = "IDF", tfidf = "TFIDF" }
    public enum Pool: Sendable, Equatable {
        case strings([String])
        case integers([Int64])
    }

    public let mode: Mode
    public let minimumLength: Int
    public let maximumLength: Int
    public let maximumSkip: Int
    public let weights: [Float]?
    /// Output columns: `max(ngram_indexes) + 1`.
    public let width: Int
    let pool: Pool
    let trie: NGramTrie

    /// Every size and index checked against the pool, so that a run cannot read out of bounds.
    public init(mode: Mode, minimumLength: Int, maximumLength: Int, maximumSkip: Int, ngramCounts: [Int], ngramIndexes: [Int],
                pool: Pool, weights: [Float]?) throws {
        guard minimumLength >= 1, minimumLength <= maximumLength, maximumLength <= ngramCounts.count else {
            throw EngineError(.invalidAttribute, "gram lengths \(minimumLength)…\(maximumLength) do not fit the \(ngramCounts.count) n-gram sizes of the pool.")
        }
        guard maximumSkip >= 0, maximumSkip <= 1_000 else { throw EngineError(.invalidAttribute, "max_skip_count \(maximumSkip) is out of range.") }
        let poolCount: Int
        switch pool {
        case .strings(let s): poolCount = s.count
        case .integers(let i): poolCount = i.count
        }
        guard ngramCounts.first == 0, zip(ngramCounts, ngramCounts.dropFirst()).allSatisfy({ $0 <= $1 }), (ngramCounts.last ?? 0) <= poolCount else {
            throw EngineError(.invalidAttribute, "ngram_counts \(ngramCounts.prefix(8)) must start at 0 and rise within the pool's \(poolCount) items.")
        }
        // The pool's n-grams, size by size.
        var grams: [(size: Int, start: Int)] = []
        for (k, start) in ngramCounts.enumerated() {
            let end = k + 1 < ngramCounts.count ? ngramCounts[k + 1] : poolCount
            let size = k + 1
            guard (end - start) % size == 0 else {
                throw EngineError(.invalidAttribute, "the \(size)-grams take \(end - start) pool items, not a multiple of \(size).")
            }
            for g in 0..<((end - start) / size) { grams.append((size, start + g * size)) }
        }
        guard ngramIndexes.count == grams.count else {
            throw EngineError(.invalidAttribute, "ngram_indexes has \(ngramIndexes.count) values for the pool's \(grams.count) n-grams.")
        }
        guard let top = ngramIndexes.max(), ngramIndexes.allSatisfy({ $0 >= 0 }), top < TensorLimits.maxElements else {
            throw EngineError(.invalidAttribute, "ngram_indexes must be non-negative column numbers.")
        }
        if let weights {
            guard weights.count == ngramIndexes.count else {
                throw EngineError(.invalidAttribute, "weights has \(weights.count) values for \(ngramIndexes.count) n-grams.")
            }
            guard mode == .tf || top < weights.count else {
                throw EngineError(.invalidAttribute, "output column \(top) has no weight (\(weights.count) weights); weights are read by column.")
            }
        }
        var trie = NGramTrie()
        for (id, gram) in grams.enumerated() where gram.size >= minimumLength && gram.size <= maximumLength {
            let keys: [NGramTrie.Key] = (gram.start..<(gram.start + gram.size)).map { i in
                switch pool {
                case .strings(let s): .string(s[i])
                case .integers(let v): .integer(v[i])
                }
            }
            guard trie.insert(keys, column: ngramIndexes[id]) else {
                throw EngineError(.invalidAttribute, "the pool holds the \(gram.size)-gram at item \(gram.start) twice.")
            }
        }
        self.mode = mode
        self.minimumLength = minimumLength
        self.maximumLength = maximumLength
        self.maximumSkip = maximumSkip
        self.weights = weights
        self.width = top + 1
        self.pool = pool
        self.trie = trie
    }

    public func outputTypes(for inputs: [ValueType?]) throws -> [ValueType] {
        let x = try tensorType(inputs, 0)
        switch (pool, x.elementType) {
        case (.strings, .string), (.integers, .int64), (.integers, .int32): break
        default: throw EngineError(.typeMismatch, "input 0 is \(x.elementType); the pool holds \(pool.isStrings ? "strings" : "integers").")
        }
        guard let shape = x.shape else { return [.tensor(TensorType(.float32))] }
        guard shape.count == 1 || shape.count == 2 else { throw EngineError(.typeMismatch, "input 0 must have rank 1 or 2, not \(shape.count).") }
        return [.tensor(TensorType(.float32, shape: shape.count == 1 ? [width] : [shape[0], width]))]
    }

    public func run(_ inputs: [Value?]) throws -> [Value] {
        let x = try tensor(inputs, 0)
        guard x.shape.count == 1 || x.shape.count == 2 else { throw EngineError(.shapeMismatch, "input 0 must have rank 1 or 2, not \(x.shape).") }
        let rows = x.shape.count == 1 ? 1 : x.shape[0]
        let length = x.shape.last ?? 0
        guard let total = TensorLimits.product([rows, width]) else {
            throw EngineError(.tooLarge, "\(rows) rows of \(width) columns exceed \(TensorLimits.maxElements) values.")
        }
        var out = [Float](repeating: 0, count: total)
        let keys: [NGramTrie.Key]
        switch x.storage {
        case .string(let s): keys = s.map { .string($0) }
        case .int64(let v): keys = v.map { .integer($0) }
        case .int32(let v): keys = v.map { .integer(Int64($0)) }
        default: throw EngineError(.typeMismatch, "input 0 must hold strings or integers.")
        }
        if length > 0 {
            for row in 0..<rows { count(keys, from: row * length, length: length, into: &out, at: row * width) }
        }
        return [.tensor(try Tensor(float32: out, shape: x.shape.count == 1 ? [width] : [rows, width]))]
    }

    /// onnxruntime's loop: for each gap d (1 … max_skip_count + 1) and start s, walk the trie
    /// over s, s + d, s + 2d, …; unigrams only with d = 1.
    private func count(_ keys: [NGramTrie.Key], from base: Int, length: Int, into out: inout [Float], at column0: Int) {
        var startLength = minimumLength
        for gap in 1...(maximumSkip + 1) {
            for start in 0..<length {
                if start + gap * (startLength - 1) >= length { break }
                var node = 0
                var p = start
                var n = 1
                while n <= maximumLength, p < length {
                    guard let child = trie.child(node, keys[base + p]) else { break }
                    node = child
                    if n >= startLength, let column = trie.columns[node] { apply(column, &out, column0) }
                    p += gap
                    n += 1
                }
            }
            if startLength == 1 { startLength = 2 }
            if startLength > maximumLength { break }
        }
    }

    @inline(__always)
    private func apply(_ column: Int, _ out: inout [Float], _ base: Int) {
        switch mode {
        case .tf: out[base + column] += 1
        case .idf: out[base + column] = weights?[column] ?? 1
        case .tfidf: out[base + column] += weights?[column] ?? 1
        }
    }
}

extension TfIdfVectorizer.Pool {
    var isStrings: Bool { if case .strings = self { true } else { false } }
}

/// The pool's n-grams as a trie of items; a node that ends an n-gram holds its output column.
struct NGramTrie: Sendable, Equatable {
    enum Key: Hashable, Sendable {
        case string(String)
        case integer(Int64)
    }

    private var children: [[Key: Int]] = [[:]]
    private(set) var columns: [Int?] = [nil]

    func child(_ node: Int, _ key: Key) -> Int? { children[node][key] }

    /// False when the n-gram is already there.
    mutating func insert(_ keys: [Key], column: Int) -> Bool {
        var node = 0
        for key in keys {
            if let next = children[node][key] {
                node = next
            } else {
                children.append([:])
                columns.append(nil)
                children[node][key] = children.count - 1
                node = children.count - 1
            }
        }
        guard columns[node] == nil else { return false }
        columns[node] = column
        return true
    }
}
