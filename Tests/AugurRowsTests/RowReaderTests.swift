import AugurEngine
import Foundation
import Testing
@testable import AugurONNX
@testable import AugurRows

@Suite struct RowReaderTests {
    static func signature(_ ports: [(String, ValueType)]) -> ModelSignature {
        ModelSignature(
            inputs: ports.map { .init(name: $0.0, type: $0.1, docString: "") }, outputs: [], opsets: [:],
            irVersion: 8, producerName: "", producerVersion: "", modelVersion: 0, docString: "", graphName: "", metadata: [])
    }

    let matrix = RowReader(signature: signature([("input", .tensor(TensorType(.float32, shape: [nil, 3])))]))
    let columns = RowReader(signature: signature([
        ("income", .tensor(TensorType(.float32, shape: [nil, 1]))),
        ("area", .tensor(TensorType(.string, shape: [nil, 1]))),
        ("count", .tensor(TensorType(.int64, shape: [nil, 1]))),
    ]))

    @Test func jsonRowsFillAMatrixInput() throws {
        let feeds = try matrix.feeds(json: Data(#"[{"input": [1, 2.5, null]}, {"input": [-0.0, 1e30, 3]}]"#.utf8))
        let tensor = try feeds[0].tensor("")
        #expect(tensor.shape == [2, 3])
        guard case .float32(let v) = tensor.storage else { Issue.record("not float32"); return }
        #expect(v[0] == 1 && v[1] == 2.5 && v[2].isNaN && v[3] == 0 && v[3].sign == .minus && v[4] == 1e30)
    }

    @Test func jsonErrorsNameRowAndColumnAndAreAllReported() throws {
        let json = #"[{"income": "high", "area": 3, "count": 1.5}, {"income": 1, "area": "Urban"}]"#
        #expect {
            try columns.feeds(json: Data(json.utf8))
        } throws: { error in
            guard let errors = error as? RowErrors else { return false }
            let text = errors.description
            return errors.total == 4 && text.contains("row 1, column 'income': 'high' is a string")
                && text.contains("row 1, column 'area'") && text.contains("row 1, column 'count': '1.5' is not an integer")
                && text.contains("row 2, column 'count': missing")
        }
    }

    @Test func jsonRejectsUnknownInputsAndNonArrays() {
        #expect(throws: RowErrors.self) { try matrix.feeds(json: Data(#"[{"input": [1, 2, 3], "extra": 1}]"#.utf8)) }
        #expect(throws: RowError.self) { try matrix.feeds(json: Data(#"{"input": [1, 2, 3]}"#.utf8)) }
        #expect(throws: RowError.self) { try matrix.feeds(json: Data(#"[{"input": [1, 2, 3]"#.utf8)) }
    }

    @Test func csvByNameWithQuotesAndMissing() throws {
        let csv = "area,income,count\n\"Semi, urban\",5849,3\nRural,,4\r\n\"say \"\"hi\"\"\",NA,5\n"
        let feeds = try columns.feeds(csv: Data(csv.utf8))
        #expect(try feeds[1].tensor("") == Tensor(string: ["Semi, urban", "Rural", "say \"hi\""], shape: [3, 1]))
        #expect(try feeds[2].tensor("") == Tensor(int64: [3, 4, 5], shape: [3, 1]))
        guard case .float32(let income) = try feeds[0].tensor("").storage else { Issue.record("not float32"); return }
        #expect(income[0] == 5849 && income[1].isNaN && income[2].isNaN)
    }

    /// The scanner reads a zero-terminated copy; a NUL inside the text is refused, naming its
    /// line, by both readers (it once made them loop forever, appending empty records).
    @Test func csvWithANulByteIsRefused() throws {
        for text in ["a,b,c\n1,2,\u{0}\n", "\u{0}", "a\u{0}", "a,b,c\n1,2,3\n\u{0}4,5,6\n"] {
            let data = Data(text.utf8)
            #expect(throws: RowError.self) { try matrix.feeds(csv: data) }
            #expect(throws: RowError.self) { try CSVTable.records(csv: data) }
        }
        #expect { try CSVTable.records(csv: Data("a,b\n1,2\n3,\u{0}\n".utf8)) } throws: { error in
            (error as? RowError)?.message.contains("NUL byte (line 3)") == true
        }
    }

    /// [N, ?] and shapeless inputs take their width from the data: a JSON row's list, or the
    /// CSV header's columns; rows of another width are errors.
    @Test func openWidthComesFromTheRows() throws {
        for shape in [[nil, nil], nil] as [[Int?]?] {
            let reader = RowReader(signature: Self.signature([("input", .tensor(TensorType(.float32, shape: shape)))]))
            let json = try reader.feeds(json: Data(#"[{"input": [1, 2, 3]}, {"input": [4, 5, 6]}]"#.utf8))
            #expect(try json[0].tensor("") == Tensor(float32: [1, 2, 3, 4, 5, 6], shape: [2, 3]))
            let csv = try reader.feeds(csv: Data("a,b,c,d\n1,2,3,4\n".utf8))
            #expect(try csv[0].tensor("") == Tensor(float32: [1, 2, 3, 4], shape: [1, 4]))
            let scalar = try reader.feeds(json: Data(#"[{"input": 7}]"#.utf8))
            #expect(try scalar[0].tensor("") == Tensor(float32: [7], shape: [1, 1]))
            #expect(throws: RowErrors.self) { try reader.feeds(json: Data(#"[{"input": [1, 2, 3]}, {"input": [4, 5]}]"#.utf8)) }
            #expect(throws: RowErrors.self) { try reader.feeds(csv: Data("a,b,c\n1,2,3\n4,5\n".utf8)) }
        }
    }

    @Test func csvColumnsFillASingleMatrixInputInOrder() throws {
        let feeds = try matrix.feeds(csv: Data("a,b,c\n1,2,3\n4,5,6\n".utf8))
        #expect(try feeds[0].tensor("") == Tensor(float32: [1, 2, 3, 4, 5, 6], shape: [2, 3]))
    }

    @Test func csvBadCellsNameRowAndColumn() {
        #expect {
            try columns.feeds(csv: Data("income,area,count\n12x,Urban,1\n3,Rural,\n".utf8))
        } throws: { error in
            let text = "\(error)"
            return text.contains("row 1, column 'income': '12x' is not a float32 value.")
                && text.contains("row 2, column 'count': a missing value cannot be given to a int64 input.")
        }
        #expect(throws: RowError.self) { try columns.feeds(csv: Data("income,area\n1,Urban\n".utf8)) }
        #expect(throws: RowErrors.self) { try matrix.feeds(csv: Data("a,b,c\n1,2\n".utf8)) }
    }
}
