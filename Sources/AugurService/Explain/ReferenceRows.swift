import AugurEngine
import AugurONNX
import AugurRows
import AugurStore
import Foundation

/// Reference data in the model's own input columns (a training CSV, or a sample of one),
/// read into the model's input tensors: what explanations count node covers, means and
/// column lineage on.
///
/// From `models: NAME: {path: …, reference: train.csv}` or a store version imported with
/// `--reference`. The CSV is read as `augur predict --model` reads one (`RowReader`: the
/// header names the inputs, or fills a single [N, k] input in order). Files above
/// `maxBytes` are refused. Every row is read (node covers and means count them all);
/// `sample()` thins them to `maxRows` rows spread evenly over the file, so that a sorted file
/// still gives a fair sample, for what is kept in memory (lineage, importance).
public struct ReferenceRows: Sendable {
    /// File name, for messages and `/readyz`.
    public let source: String
    /// Rows held.
    public let count: Int
    /// Rows in the file.
    public let fileRows: Int
    /// One tensor per model input, `count` rows each, in signature order.
    public let feeds: [Value]
    /// A name per model input column, input after input: the CSV header's names for a single
    /// [N, k] input, else the inputs' names (`input[j]` for the columns of a wider input).
    public let columnNames: [String]

    public static let maxBytes = ModelStore.maxReferenceRowsBytes
    public static let maxRows = 10_000

    /// Reads `path` for `model`; errors say what is wrong with the file.
    public static func read(path: String, model: ONNXModel) throws -> ReferenceRows {
        let bytes = try StoreFiles.read(path, limit: maxBytes)
        return try ReferenceRows(csv: Data(bytes), source: URL(fileURLWithPath: path).lastPathComponent, model: model)
    }

    public init(csv: Data, source: String, model: ONNXModel) throws {
        let all: [Value]
        do {
            all = try RowReader(signature: model.signature).feeds(csv: csv)
        } catch {
            throw ReferenceError("reference data '\(source)' does not fit the model's inputs: \(error)")
        }
        guard case .tensor(let first)? = all.first, let rows = first.shape.first, rows > 0 else {
            throw ReferenceError("reference data '\(source)' has no rows.")
        }
        self.source = source
        fileRows = rows
        count = rows
        feeds = all
        let header = (try? CSVTable.header(csv: csv)) ?? []
        let ports = model.signature.inputs
        columnNames = zip(ports, all).flatMap { port, value -> [String] in
            guard case .tensor(let t) = value else { return [] }
            let width = t.rank == 2 ? t.shape[1] : 1
            if ports.count == 1, width == header.count { return header }
            return width == 1 ? [port.name] : (0..<width).map { "\(port.name)[\($0)]" }
        }
    }

    init(source: String, feeds: [Value], count: Int, fileRows: Int, columnNames: [String]) {
        self.source = source
        self.feeds = feeds
        self.count = count
        self.columnNames = columnNames
        self.fileRows = fileRows
    }

    /// At most `limit` rows, spread evenly over these.
    public func sample(_ limit: Int = maxRows) throws -> ReferenceRows {
        guard count > limit else { return self }
        return ReferenceRows(source: source, feeds: try feeds.map { try Self.thin($0, rows: count, keep: limit) }, count: limit,
                             fileRows: fileRows, columnNames: columnNames)
    }

    /// `keep` rows of `value`, spread evenly over its `rows` rows.
    static func thin(_ value: Value, rows: Int, keep: Int) throws -> Value {
        guard case .tensor(let tensor) = value else { return value }
        let picked = (0..<keep).map { i -> Tensor in
            let row = i * rows / keep
            return tensor.rows(row..<(row + 1))
        }
        return .tensor(try Tensor.stacking(picked))
    }

    /// The first `limit` rows (or all).
    public func prefix(_ limit: Int) -> ReferenceRows {
        guard count > limit else { return self }
        return ReferenceRows(source: source, feeds: feeds.map { value in
            if case .tensor(let t) = value { return .tensor(t.rows(0..<limit)) }
            return value
        }, count: limit, fileRows: fileRows, columnNames: columnNames)
    }
}

/// Reference data that cannot be used, with the reason.
public struct ReferenceError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
