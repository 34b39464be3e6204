import ArgumentParser
import AugurEngine
import AugurONNX
import AugurRows
import AugurServer
import AugurService
import Foundation

struct Predict: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Score a file of rows offline, through a route or straight through a model.",
        discussion: """
        With --config, rows go through a route of the configuration as a batch request would: \
        validated (every bad row reported, nothing scored), features built, labels and \
        probabilities mapped; the output is the route's batch answer, \
        {"predictions": [...], "model": {...}}. JSON rows are an array of objects keyed by \
        parameter (or {"instances": [...]}, or one object); CSV has a header of parameter \
        names, cells read as query values are, an empty cell an absent value.

        With --model, rows are model inputs and the output is one JSON object of the raw \
        outputs. JSON is an array of objects keyed by input name (null is a missing value; an \
        input of shape [N, k] takes a list of k values); CSV has a header (one column per \
        input, or k columns in order for a single [N, k] input).

        '-' reads standard input.
        """)

    @Option(help: "The ONNX model file (raw model inputs and outputs).") var model: String?
    @Option(help: "Configuration file, or a folder holding augur.yaml (rows through a route).") var config: String?
    @Option(help: "The route to score through (default: the only route).") var route: String?
    @Option(help: "Model store folder (default $AUGUR_HOME/models, else ~/.augur/models).") var store: String?
    @Option(help: "Rows to score: a .json or .csv file, or '-' for standard input.") var input: String
    @Option(help: "Write the JSON result here instead of standard output.") var output: String?
    @Option(help: "Format of the input when its name does not say: json or csv.") var format: String?
    @Option(help: "Threads to split the rows across (--model).") var threads: Int = 1
    @Flag(help: "With --config: write the model's input and output tensors, {\"inputs\": {…}, \"outputs\": {…}}, instead of the answer.")
    var modelIO = false

    func validate() throws {
        guard threads >= 1, threads <= 256 else { throw ValidationError("The value '\(threads)' is invalid for '--threads'. Please provide a number from 1 to 256.") }
        if let format, !["json", "csv"].contains(format) {
            throw ValidationError("The value '\(format)' is invalid for '--format'. Please provide one of 'json', 'csv'.")
        }
        guard (model == nil) != (config == nil) else { throw ValidationError("Please provide exactly one of '--model' and '--config'.") }
        if route != nil, config == nil { throw ValidationError("'--route' needs '--config'.") }
        if store != nil, config == nil { throw ValidationError("'--store' needs '--config'.") }
        if modelIO, config == nil { throw ValidationError("'--model-io' needs '--config'.") }
    }

    func run() async throws {
        let data = try readInput()
        let bytes: [UInt8]
        if let config {
            bytes = try await predictThroughRoute(config, data)
        } else {
            bytes = try predictThroughModel(model ?? "", data)
        }
        try write(bytes)
    }

    private func predictThroughRoute(_ config: String, _ data: Data) async throws -> [UInt8] {
        let service = try await ConfigLocation.loadService(ConfigLocation.resolve(config), store: store)
        let chosen: Route
        if let route {
            guard let found = service.route(named: route) else {
                throw CommandFailure("No route '\(route)'; the configuration has \(service.routes.map { "'\($0.name)'" }.joined(separator: ", ")).")
            }
            chosen = found
        } else {
            guard service.routes.count == 1, let only = service.routes.first else {
                throw CommandFailure("The configuration has \(service.routes.count) routes (\(service.routes.map { "'\($0.name)'" }.joined(separator: ", "))); choose one with '--route'.")
            }
            chosen = only
        }
        let pipeline = chosen.pipeline
        do throws(RequestError) {
            let rows: ParameterRows
            if isCSV(data) {
                let table: (header: [String], records: [[String]])
                do { table = try CSVTable.records(csv: data) } catch {
                    throw RequestError.validation([Issue(type: .csvInvalid, loc: [], msg: "\(error)")])
                }
                rows = try pipeline.decode(header: table.header, records: table.records, at: [])
            } else {
                let body = try JSONParser().parse(data)
                if case .array(let items) = body {
                    rows = try pipeline.decode(rows: items, at: [])
                } else if case .object(let object) = body, !chosen.parameters.contains(where: { $0.name == "instances" }),
                          case .array(let items)? = object["instances"] {
                    rows = try pipeline.decode(rows: items, at: ["instances"])
                } else {
                    rows = try pipeline.decode(rows: [body], at: [])
                }
            }
            let predictions = try pipeline.predict(rows)
            guard modelIO else { return OwnJSONEncoder().encode(predictions) + [UInt8(ascii: "\n")] }
            var out = JSONOutput(capacity: 1 << 16)
            out.append(#"{"inputs":"#)
            JSONWriter.write(outputs: try pipeline.modelInputs(rows), into: &out)
            out.append(#","outputs":"#)
            JSONWriter.write(outputs: Array(zip(predictions.outputNames, predictions.outputs)).map { ($0, $1) }, into: &out)
            out.append("}\n")
            return Array(out.bytes)
        } catch {
            throw CommandFailure("Invalid input '\(input)':\n" + error.issues.map { "  " + $0.line(firstRow: 1) }.joined(separator: "\n"))
        }
    }

    private func predictThroughModel(_ model: String, _ data: Data) throws -> [UInt8] {
        let loaded = try loadModel(model)
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
        } catch let error as EngineError {
            throw CommandFailure("Prediction failed: \(error)")
        }
        return JSONWriter.outputs(Array(zip(loaded.plan.outputs.map(\.name), outputs)).map { ($0, $1) }, threads: threads)
    }

    private func readInput() throws -> Data {
        do {
            return input == "-" ? FileHandle.standardInput.readDataToEndOfFile() : try Data(contentsOf: URL(fileURLWithPath: input))
        } catch {
            throw CommandFailure("Cannot read '\(input)': \(error.localizedDescription)")
        }
    }

    private func write(_ bytes: [UInt8]) throws {
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
