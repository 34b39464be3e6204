/// Turns a float32 `[N, C]` score matrix into one label → score map per row (the ai.onnx.ml
/// `ZipMap`). As in onnxruntime's `std::map`, keys come out sorted (strings by their UTF-8
/// bytes) and a repeated label keeps the score of its last column.
public struct ZipMap: Operator {
    /// The labels of the input columns, in column order.
    public let labels: ProbabilityMaps.Keys
    /// The output keys (sorted, unique) and the input column each one reads.
    let keys: ProbabilityMaps.Keys
    let columns: [Int]

    /// Throws when there are no labels.
    public init(labels: ProbabilityMaps.Keys) throws {
        guard labels.count > 0 else { throw EngineError(.invalidAttribute, "ZipMap needs at least one label.") }
        self.labels = labels
        switch labels {
        case .int64(let v):
            let (k, c) = ZipMap.sortedUnique(v, by: <)
            keys = .int64(k)
            columns = c
        case .string(let v):
            let (k, c) = ZipMap.sortedUnique(v) { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            keys = .string(k)
            columns = c
        }
    }

    /// Distinct values in `order`, each with the index of its last occurrence.
    static func sortedUnique<T: Hashable>(_ values: [T], by order: (T, T) -> Bool) -> ([T], [Int]) {
        var last: [T: Int] = [:]
        for (i, v) in values.enumerated() { last[v] = i }
        let sorted = last.keys.sorted(by: order)
        return (sorted, sorted.map { last[$0] ?? 0 })
    }

    public func outputTypes(for inputs: [ValueType?]) throws -> [ValueType] {
        let x = try tensorType(inputs, 0)
        guard x.elementType == .float32 else {
            throw EngineError(.typeMismatch, "input 0 must be float, not \(x.elementType).")
        }
        let (_, width) = try MLTensorSupport.staticMatrix(x)
        if let width, width != labels.count {
            throw EngineError(.typeMismatch, "input 0 has \(width) columns but there are \(labels.count) labels.")
        }
        if case .string = labels { return [.maps(key: .string)] }
        return [.maps(key: .int64)]
    }

    public func run(_ inputs: [Value?]) throws -> [Value] {
        let x = try tensor(inputs, 0)
        guard case .float32(let v) = x.storage else {
            throw EngineError(.typeMismatch, "input 0 must be float, not \(x.elementType).")
        }
        let (rows, width) = try MLTensorSupport.matrix(x.shape)
        guard width == labels.count else {
            throw EngineError(.shapeMismatch, "input 0 has \(width) columns but there are \(labels.count) labels.")
        }
        var scores = [Float]()
        scores.reserveCapacity(rows * columns.count)
        for row in 0..<rows {
            for column in columns { scores.append(v[row * width + column]) }
        }
        return [.maps(ProbabilityMaps(keys: keys, scores: scores))]
    }
}
