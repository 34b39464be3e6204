import AugurEngine
import Foundation
import Testing
@testable import AugurONNX
@testable import AugurRows

/// CSV numbers read by the fast decimal path are the very doubles strtod gives.
@Suite struct CSVNumberTests {
    static let reader = RowReader(signature: RowReaderTests.signature([("x", .tensor(TensorType(.float64, shape: [nil, 1])))]))

    static func cells(_ count: Int) -> [String] {
        var state: UInt64 = 12345
        func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
        return (0..<count).map { _ in
            var text = ["", "-", "+"][next(3)]
            let digits = 1 + next(18)
            let point = next(digits + 2)
            for i in 0..<digits {
                if i == point { text += "." }
                text += String(next(10))
            }
            if next(3) == 0 { text += ["e", "E"][next(2)] + ["", "-", "+"][next(3)] + String(next(40)) }
            return text
        }
    }

    @Test func decimalsMatchStrtod() throws {
        let cells = Self.cells(20_000) + ["0", "-0", "5.", ".5", "1e22", "1e23", "9007199254740993", "123456789012345",
                                          "0.1", "3.14159", "1e-22", "1e-23", "000000000000000012", "+.5e+3"]
        let csv = "x\n" + cells.joined(separator: "\n") + "\n"
        let feeds = try Self.reader.feeds(csv: Data(csv.utf8))
        guard case .tensor(let t) = feeds[0], case .float64(let values) = t.storage else {
            Issue.record("expected a float64 tensor")
            return
        }
        #expect(values.count == cells.count)
        for (cell, value) in zip(cells, values) {
            let expected = strtod(cell, nil)
            #expect(value.bitPattern == expected.bitPattern, "\(cell)")
        }
    }

    @Test func otherCellsStillGoThroughStrtod() {
        for cell in ["1e", "1.2.3", "--1", "1e+", ".", "0x10", " 1", "1 "] {
            #expect(throws: RowErrors.self, "\(cell)") { try Self.reader.feeds(csv: Data("x\n\(cell)\n".utf8)) }
        }
        #expect((try? Self.reader.feeds(csv: Data("x\ninf\n-1e400\n".utf8))) != nil)
    }
}
