/// Issues as plain text, for protocols whose errors are one message (V2, KServe v1, MLflow)
/// and for the command line.
extension Issue {
    /// `row 3, 'LoanAmount': Input should be greater than 0 (got -1)`; row indices in `loc`
    /// are shown from `firstRow` (0 for protocols, 1 for people reading a file's rows).
    public func line(firstRow: Int = 0) -> String {
        var place: [String] = []
        for part in loc {
            switch part {
            case .index(let i): place.append("row \(i + firstRow)")
            case .key(let key) where key == "body" && place.isEmpty: continue
            case .key(let key): place.append("'\(key)'")
            }
        }
        let got = input.flatMap { input -> String? in
            if case .object = input { return nil }
            return " (got \(input.serializedString))"
        } ?? ""
        return (place.isEmpty ? "" : place.joined(separator: ", ") + ": ") + msg + got
    }
}

extension RequestError {
    /// `2 problems: row 0, 'age': …; row 1, 'area': …`: every issue in one message (one
    /// issue is its line alone).
    public var summary: String {
        guard issues.count != 1 else { return issues[0].line() }
        return "\(issues.count) problems: " + issues.map { $0.line() }.joined(separator: "; ")
    }
}
