import AugurEngine
import Foundation
import Testing
@testable import AugurONNX
@testable import AugurRows

/// Parsing CSV and writing JSON on several threads gives the same values, bytes and error
/// messages as one thread.
@Suite struct ParallelRowsTests {
    static let columns = RowReader(signature: RowReaderTests.signature([
        ("income", .tensor(TensorType(.float32, shape: [nil, 1]))),
        ("area", .tensor(TensorType(.string, shape: [nil, 1]))),
        ("count", .tensor(TensorType(.int64, shape: [nil, 1]))),
    ]))

    /// A CSV of `rows` rows with blank lines, CRLF line ends, quoted cells (without line
    /// ends) and missing floats; `bad` rows get a cell that does not parse.
    static func csv(rows: Int, bad: Set<Int> = [], multilineAt: Int? = nil) -> Data {
        var text = "income,area,count\n"
        for row in 1...rows {
            let income = bad.contains(row) ? "12x" : row % 17 == 0 ? "" : "\(Double(row) * 1.25)"
            let area = row % 5 == 0 ? "\"Ur,\"\"ban\"\"\"" : row == multilineAt ? "\"two\nlines\"" : "Rural"
            text += "\(income),\(area),\(row % 1000)" + (row % 7 == 0 ? "\r\n" : "\n")
            if row % 101 == 0 { text += "\n" }
        }
        return Data(text.dropLast().utf8)  // the last line without its line end
    }

    /// Equal tensors, NaN equal to NaN.
    static func same(_ a: [Value], _ b: [Value]) -> Bool {
        func floats(_ value: Value) -> [UInt32]? {
            guard case .tensor(let t) = value, case .float32(let v) = t.storage else { return nil }
            return v.map(\.bitPattern)
        }
        return a.count == b.count && zip(a, b).allSatisfy { x, y in
            guard let u = floats(x), let v = floats(y) else { return x == y }
            guard case .tensor(let t) = x, case .tensor(let w) = y else { return false }
            return u == v && t.shape == w.shape
        }
    }

    static func outcome(_ data: Data, threads: Int) -> String {
        do {
            return "\(try columns.feeds(csv: data, threads: threads))"
        } catch {
            return "error: \(error)"
        }
    }

    @Test func chunkedParsingGivesTheSameTensors() throws {
        let data = Self.csv(rows: 30_000)
        let reference = try Self.columns.feeds(csv: data, threads: 1)
        #expect(CSVParser.chunks(of: [UInt8](data) + [0], 0..<data.count, count: 3).count == 3)
        for threads in [2, 3, 4, 8] {
            #expect(Self.same(try Self.columns.feeds(csv: data, threads: threads), reference), "\(threads) threads")
        }
        guard case .tensor(let count) = reference[2] else { return }
        #expect(count.shape == [30_000, 1])
    }

    @Test func multilineQuotedCellsAreParsedInOnePass() throws {
        let data = Self.csv(rows: 30_000, multilineAt: 20_001)
        let bytes = [UInt8](data) + [0]
        #expect(CSVParser.quotedCellSpansLines(bytes, 0..<data.count))
        #expect(CSVParser.chunks(of: bytes, 0..<data.count, count: 4) == [0..<data.count])
        #expect(Self.same(try Self.columns.feeds(csv: data, threads: 4), try Self.columns.feeds(csv: data, threads: 1)))
    }

    @Test func problemsAreReportedAsInOnePass() {
        for bad in [Set([25_000]), Set(stride(from: 3, to: 30_000, by: 997)), Set([1, 29_999])] {
            let data = Self.csv(rows: 30_000, bad: bad)
            let single = Self.outcome(data, threads: 1)
            #expect(single.hasPrefix("error: row "))
            #expect(Self.outcome(data, threads: 2) == single)
            #expect(Self.outcome(data, threads: 5) == single)
        }
        // Too few cells in a late row, and more problems than are shown.
        var text = "income,area,count\n" + String(repeating: "1,a,2\n", count: 20_000) + "1,a\n"
        text += String(repeating: "x,a,2\n", count: 30)
        #expect(Self.outcome(Data(text.utf8), threads: 3) == Self.outcome(Data(text.utf8), threads: 1))
    }

    @Test func quoteScanFollowsTheParser() {
        func spans(_ text: String) -> Bool {
            let bytes = [UInt8](text.utf8) + [0]
            return CSVParser.quotedCellSpansLines(bytes, 0..<(bytes.count - 1))
        }
        #expect(!spans("a,b\n1,2\n"))
        #expect(!spans("\"a,b\",\"c\"\"\"\n1,2\n"))
        #expect(spans("\"a\nb\",c\n"))
        #expect(spans("x,\"a\r\nb\"\n"))
        #expect(spans("x,\"a\"\"\nb\"\n"))
        // A quote inside an unquoted cell is a character, not an opening quote.
        #expect(!spans("ab\"c,d\ne\"f,g\n"))
        #expect(spans("\"unclosed\n"))
    }
}
