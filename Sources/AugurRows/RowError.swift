/// A problem with one cell of tabular input: which row (1-based) and column, and what is wrong.
public struct RowError: Error, Sendable, Equatable, CustomStringConvertible {
    public let row: Int?
    public let column: String?
    public let message: String

    public init(row: Int?, column: String?, _ message: String) {
        self.row = row
        self.column = column
        self.message = message
    }

    public var description: String {
        let place = [row.map { "row \($0)" }, column.map { "column '\($0)'" }].compactMap { $0 }.joined(separator: ", ")
        return place.isEmpty ? message : "\(place): \(message)"
    }
}

/// Several row problems reported together (at most `limit` are kept).
public struct RowErrors: Error, Sendable, CustomStringConvertible {
    public let errors: [RowError]
    public let total: Int

    public var description: String {
        let more = total > errors.count ? "\n… and \(total - errors.count) more." : ""
        return errors.map(\.description).joined(separator: "\n") + more
    }
}
