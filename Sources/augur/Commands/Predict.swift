import ArgumentParser
import AugurEngine
import AugurONNX
import Foundation

struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Score a file of rows offline and print one JSON object of outputs.",
        discussion: """
        ROWS is JSON (an array of objects keyed by input name; null is a missing value; an \
        input of shape [N, k] takes a list of k values) or CSV with a header (one column per \
        input, or k columns in order for a single [N, k] input). '-' reads standard input.
        """)

    @Option(help: "The ONNX model file.") var model: String
    @Option(help: "Rows to score: a .json or .csv file, or '-' for standard input.") var input: String
    @Option(help: "Write the JSON result here instead of standard output.") var output: String?
    @Option(help: "Format of the input when its name does not say: json or csv.") var format: String?
    @Option(help: "Threads to split the rows across.") var threads: Int = 1

    func validate() throws {
        guard threads >= 1, threads <= 256 else { throw ValidationError("The value '\(threads)' is invalid for '--threads'. Please provide a number from 1 to 256.") }
        if let format, !["json", "csv"].contains(format) {
            throw ValidationError("The value '\(format)' is invalid for '--format'. Please provide one of 'json', 'csv'.")
        }
    }

    func run() throws {
        let loaded = try loadModel(model)
        let data: Data
        do {
            data = input == "-" ? FileHandle.standardInput.readDataToEndOfFile() : try Data(contentsOf: URL(fileURLWithPath: input))
        } catch {
            throw CommandFailure("Cannot read '\(input)': \(error.localizedDescription)")
        }
        let reader = RowReader(signature: loaded.signature)
        let feeds: [Value]
        do {
            feeds = try isCSV(data) ? reader.feeds(csv: data, threads: threads) : reader.feeds(json: data)
        } catch let error as RowErrors {
            throw CommandFailure("Invalid input '\(input)':\n\(error)")
        } catch let error as RowError {
            throw CommandFailure("Invalid input '\(input)': \(error)")
        }
        let outputs: [Value]
        do {
            outputs = try loaded.plan.run(rows: feeds, threads: threads)
        } catch let error as InferenceError {
            throw CommandFailure("Prediction failed: \(error)")
        }
        let bytes = PredictionWriter.json(Array(zip(loaded.plan.outputs.map(\.name), outputs)).map { ($0, $1) }, threads: threads)
        try bytes.withUnsafeBytes { buffer in
            // Written from the buffer itself: the output can be tens of megabytes.
            let data = buffer.baseAddress.map {
                Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: $0), count: buffer.count, deallocator: .none)
            } ?? Data()
            if let output {
                do { try data.write(to: URL(fileURLWithPath: output)) } catch {
                    throw CommandFailure("Cannot write '\(output)': \(error.localizedDescription)")
                }
            } else {
                FileHandle.standardOutput.write(data)
            }
        }
    }

    private func isCSV(_ data: Data) -> Bool {
        if let format { return format == "csv" }
        if input.lowercased().hasSuffix(".csv") { return true }
        if input.lowercased().hasSuffix(".json") { return false }
        let first = data.first { !($0 == 32 || $0 == 9 || $0 == 10 || $0 == 13) }
        return first != UInt8(ascii: "[") && first != UInt8(ascii: "{")
    }
}
