import AugurEngine
import Foundation
import Testing
@testable import AugurONNX
@testable import AugurRows

/// Declared input shapes whose row width overflows or passes the element cap: `augur predict`
/// multiplied them unchecked and trapped.
@Suite struct HostileShapeTests {
    static func reader(_ shape: [Int?]) -> RowReader {
        RowReader(signature: RowReaderTests.signature([("X", .tensor(TensorType(.float32, shape: shape)))]))
    }

    @Test(arguments: [[nil, 1 << 32, 1 << 32], [nil, 1 << 20, 1 << 20], [nil, 0, 1 << 62, 1 << 62]] as [[Int?]])
    func rowWidthPastTheCapIsAnError(_ shape: [Int?]) {
        #expect(throws: RowError.self) { try Self.reader(shape).feeds(json: Data(#"[{"X": [1]}]"#.utf8)) }
    }

    @Test func tooManyDimensionsIsAnError() {
        let shape: [Int?] = [nil] + [Int?](repeating: 1, count: TensorLimits.maxRank)
        #expect(throws: RowError.self) { try Self.reader(shape).feeds(json: Data(#"[{"X": [1]}]"#.utf8)) }
    }

    @Test func aWidthWithinTheCapStillReads() throws {
        let feeds = try Self.reader([nil, 2, 1]).feeds(json: Data(#"[{"X": [1, 2]}]"#.utf8))
        #expect(try feeds[0].tensor("").shape == [1, 2, 1])
    }
}
