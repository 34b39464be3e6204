import ArgumentParser
import AugurService
import AugurStore
import Foundation

/// `augur drift`: the server's drift report computed offline from prediction logs.
struct Drift: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare logged predictions' inputs with a model's training data, window by window (the scores of GET /monitoring).")

    @Option(help: "A prediction log (JSON Lines written by a route's log:); repeat for rotated files, oldest first.")
    var log: [String]
    @Option(help: "The store version whose reference statistics to compare with: NAME, NAME:VERSION or NAME@ALIAS.")
    var model: String?
    @Option(help: "Or a training CSV to compute the reference statistics from.")
    var reference: String?
    @Option(help: "The configuration that served the log: its routes turn logged fields into model columns, and its monitoring: settings apply.")
    var config: String?
    @OptionGroup var storeOption: StoreOption
    @Option(help: "Rows per window (default: the configuration's monitoring.window, else 1000).")
    var window: Int?
    @Flag(help: "Print one JSON object per window (the shape of GET /monitoring's routes).")
    var json = false
    @Flag(help: "Exit with status 1 when a window is judged drifted.")
    var failOnDrift = false

    /// Longest line read; longer ones are skipped.
    static let maxLine = 16 << 20

    func validate() throws {
        if log.isEmpty { throw ValidationError("give at least one --log FILE.") }
        if (model == nil) == (reference == nil) { throw ValidationError("give either --model NAME[:VERSION] or --reference TRAIN.csv.") }
        if let window, !(1...MonitoringSettings.maxWindowRows).contains(window) {
            throw ValidationError("--window must be between 1 and \(MonitoringSettings.maxWindowRows).")
        }
    }

    func run() async throws {
        let (statistics, tag) = try referenceStatistics()
        var service: Service?
        var settings = MonitoringSettings()
        if let config {
            let loaded = try await ConfigLocation.loadService(ConfigLocation.resolve(config), store: storeOption.store)
            service = loaded
            settings = loaded.configuration.monitoring
        }
        if let window {
            settings.windowRows = window
            settings.minRows = Swift.min(settings.minRows, window)
        }
        var replay = DriftReplay(statistics: statistics, modelTag: tag, settings: settings, service: service)
        for path in log {
            try Self.lines(path) { replay.add(line: $0) }
        }
        replay.finish()
        var anyDrift = false
        for (route, index, report) in replay.windows {
            if report.drifted == true { anyDrift = true }
            if json {
                var object = JSONObject([("window_index", .integer(index))])
                if case .object(let body) = report.json { for member in body.members { object[member.key] = member.value } }
                print(JSONValue.object(object).serializedString)
            } else {
                print(Self.text(route: route, index: index, report))
            }
        }
        if !json {
            print("\(replay.records) records, \(replay.windows.count) window\(replay.windows.count == 1 ? "" : "s") of up to \(replay.settings.windowRows) rows; judged from \(replay.settings.minRows) rows.")
            for (reason, count) in replay.skipped.sorted(by: { $0.key < $1.key }) { print("skipped \(count): \(reason)") }
        }
        if failOnDrift, anyDrift { throw ExitCode(1) }
    }

    private func referenceStatistics() throws -> (ReferenceStatistics, String) {
        if let reference {
            let data: Data
            do { data = try Data(contentsOf: URL(fileURLWithPath: reference)) } catch {
                throw CommandFailure("cannot read the reference data '\(reference)': \(error.localizedDescription)")
            }
            let name = URL(fileURLWithPath: reference).lastPathComponent
            do { return (try TrainingStatistics.compute(csv: data, source: name), name) } catch {
                throw CommandFailure("cannot summarise the reference data '\(reference)': \(error)")
            }
        }
        let store = try storeOption.open()
        let record = try store.resolve(try ModelReference(parsing: model ?? ""))
        guard let statistics = try store.reference(record) else {
            throw CommandFailure("\(record.tag) has no reference statistics; import it with --reference TRAIN.csv, or give --reference here.")
        }
        return (statistics, record.tag)
    }

    static func text(route: String, index: Int, _ report: DriftReport) -> String {
        let verdict = report.drifted.map { $0 ? "DRIFT" : "ok" } ?? "too few rows to judge"
        var lines = ["\(route) window \(index + 1): \(report.rows) rows, \(report.oldest.map { UTCTime.iso8601($0) } ?? "-") … \(report.newest.map { UTCTime.iso8601($0) } ?? "-"): \(verdict)"]
        for feature in report.features {
            let scores = feature.scores.map { score in
                "\(score.method.rawValue) \(score.score.map { Self.format($0) } ?? "-")\(score.drifted == true ? " > \(Self.format(score.threshold))" : "")"
            }.joined(separator: ", ")
            var extra = ""
            if feature.outOfRange > 0 { extra += ", \(feature.outOfRange) out of range" }
            if feature.unseen > 0 { extra += ", \(feature.unseen) unseen" }
            lines.append("  \(feature.drifted == true ? "*" : " ") \(feature.name): \(scores)\(extra)")
        }
        return lines.joined(separator: "\n")
    }

    static func format(_ value: Double) -> String {
        let scaled = (value * 10_000).rounded() / 10_000
        return "\(scaled)"
    }

    /// Calls `body` with each line of a file (newline excluded), read in chunks; a line over
    /// `maxLine` bytes is passed on empty (and counted as not JSON).
    static func lines(_ path: String, _ body: (ArraySlice<UInt8>) -> Void) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw CommandFailure("cannot read the log '\(path)'.") }
        defer { try? handle.close() }
        var pending: [UInt8] = []
        var tooLong = false
        while true {
            let chunk = handle.readData(ofLength: 1 << 20)
            if chunk.isEmpty { break }
            for byte in chunk {
                if byte == UInt8(ascii: "\n") {
                    body(tooLong ? [] : pending[...])
                    pending.removeAll(keepingCapacity: true)
                    tooLong = false
                } else if !tooLong {
                    pending.append(byte)
                    if pending.count > maxLine {
                        tooLong = true
                        pending.removeAll()
                    }
                }
            }
        }
        if !pending.isEmpty || tooLong { body(tooLong ? [] : pending[...]) }
    }
}
