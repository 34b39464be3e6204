import AugurStore
import Foundation
import Testing
@testable import AugurService

/// A copy of the loan example (its forest and train.csv, in the model's columns) with extra
/// configuration appended, served in process.
struct MonitoredLoan {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let folder: URL

    init(extra: String = "", routeExtra: String = "") throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("augur-monitoring-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("logs"), withIntermediateDirectories: true)
        for file in ["model.onnx", "train.csv"] {
            try FileManager.default.copyItem(at: Self.root.appendingPathComponent("examples/loan/\(file)"), to: folder.appendingPathComponent(file))
        }
        var yaml = try String(contentsOfFile: Self.root.appendingPathComponent("examples/loan/augur.yaml").path, encoding: .utf8)
        yaml = yaml.replacingOccurrences(of: "    output:\n      labels:", with: "\(routeExtra)    output:\n      labels:")
        try (yaml + extra).write(to: folder.appendingPathComponent("augur.yaml"), atomically: true, encoding: .utf8)
    }

    func service() async throws -> Service {
        try await Service.load(configuration: try ServiceConfiguration.load(contentsOf: folder.path))
    }

    /// The training rows as requests: TotalIncome as the applicant's income, the area's name.
    static func trainingRequests() throws -> [JSONValue] {
        let text = try String(contentsOfFile: root.appendingPathComponent("examples/loan/train.csv").path, encoding: .utf8)
        let areas = ["Rural", "Semiurban", "Urban"]
        return text.split(separator: "\n").dropFirst().map { line in
            let cells = line.split(separator: ",").map { Double($0)! }
            return ["ApplicantIncome": .number(cells[0]), "CoapplicantIncome": 0, "LoanAmount": .number(cells[1]),
                    "Loan_Amount_Term": 480, "Credit_History": .number(cells[2]), "Property_Area": .string(areas[Int(cells[3])])]
        }
    }

    /// `count` rows drawn with replacement (a fixed linear congruential sequence), changed by `shift`.
    static func sample(_ pool: [JSONValue], count: Int, seed: UInt64, shift: (inout JSONObject) -> Void = { _ in }) -> JSONValue {
        var state = seed
        return .array((0..<count).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            guard case .object(var row) = pool[Int(state >> 33) % pool.count] else { return .null }
            shift(&row)
            return .object(row)
        })
    }
}

@Suite struct MonitoringTests {
    /// The reference's own rows land in the bins they were counted in: no drift at all.
    @Test func theReferenceRowsHaveNoDrift() throws {
        var csv = "x,c\n"
        var state: UInt64 = 7
        var xs: [Double] = []
        for i in 0..<1000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let x = Double(state >> 40) / 1000 - 3.3
            xs.append(x)
            csv += "\(i % 13 == 0 ? "" : "\(x)"),\(["a", "b", "c", "b"][i % 4])\n"
        }
        let stats = try TrainingStatistics.compute(csv: Data(csv.utf8), source: "t.csv")
        let numeric = try #require(ReferenceDistribution(stats.features[0]))
        let column = xs.enumerated().map { $0.offset % 13 == 0 ? Double.nan : $0.element }
        let scores = DriftMonitor.scores(column, numeric)
        #expect(scores.map(\.method) == [.psi, .ks, .missing])
        #expect(scores[0].score == 0)
        #expect(try #require(scores[1].score) <= 1.0 / 900)
        #expect(try #require(scores[2].score) < 1e-15)
        let categorical = try #require(ReferenceDistribution(stats.features[1]))
        guard case .categorical(let c) = categorical.kind else { Issue.record("not categorical"); return }
        let bins = (0..<1000).map { Double(c.bin(["a", "b", "c", "b"][$0 % 4])) }
        let catScores = DriftMonitor.scores(bins, categorical)
        #expect(catScores.map(\.method) == [.psi, .jensenShannon, .missing])
        #expect(catScores[0].score == 0)
        #expect(try #require(catScores[1].score) < 1e-7)
        // Every value was listed: anything else is unseen, and a window of it drifts.
        #expect(c.bin("z") == c.listed + 1)
        let unseen = DriftMonitor.scores([Double](repeating: Double(c.listed + 1), count: 100), categorical)
        #expect(try #require(unseen[0].score) > 5)
        #expect(abs(try #require(unseen[1].score) - 1) < 1e-12)
    }

    /// The formulas on a case worked by hand.
    @Test func scoresMatchTheirDefinitions() {
        let psi = DriftScores.psi(live: [0.5, 0.5, 0], reference: [0.25, 0.5, 0.25])
        let expected = (0.5 - 0.25) * log(0.5 / 0.25) + (1e-4 - 0.25) * log(1e-4 / 0.25)
        #expect(abs(psi - expected) < 1e-15)
        let js = DriftScores.jensenShannon(live: [1, 0], reference: [0, 1])
        #expect(abs(js - 1) < 1e-15)
        #expect(DriftScores.jensenShannon(live: [0.3, 0.7], reference: [0.3, 0.7]) == 0)
    }

    /// The loan route: computed columns by their reference names, direct parameters as
    /// parameters, and what is left out said.
    @Test func featuresAreMatchedToColumnsAndParameters() async throws {
        let service = try await MonitoredLoan().service()
        let monitor = try #require(service.route(named: "loan_status")?.monitor)
        let report = monitor.report()
        #expect(report.features.map(\.name) == ["TotalIncome", "LoanAmount", "Credit_History", "Property_Area"])
        #expect(report.features.map(\.source) == ["column", "parameter", "parameter", "column"])
        #expect(report.features[0].expression == "ApplicantIncome + CoapplicantIncome")
        #expect(report.unmonitored.map(\.name) == ["Loan_Amount_Term"])
        #expect(report.referenceSource == "train.csv")
        #expect(report.referenceRows == 614)
        #expect(report.drifted == nil)
    }

    @Test func trainingTrafficIsStableAndShiftedTrafficIsFlagged() async throws {
        let service = try await MonitoredLoan().service()
        let route = try #require(service.route(named: "loan_status"))
        let monitor = try #require(route.monitor)
        let pool = try MonitoredLoan.trainingRequests()
        var alarms = 0
        for window in 0..<20 {
            _ = try await route.predict(route.pipeline.decode(body: MonitoredLoan.sample(pool, count: 1000, seed: UInt64(window + 1))))
            let report = monitor.report()
            #expect(report.rows == 1000)
            if report.drifted == true { alarms += 1 }
        }
        #expect(alarms <= 1)
        // Loans three times larger: LoanAmount drifts, significantly.
        _ = try await route.predict(route.pipeline.decode(body: MonitoredLoan.sample(pool, count: 1000, seed: 99) { row in
            row["LoanAmount"] = .number(row["LoanAmount"]!.double! * 3)
            row["ApplicantIncome"] = .number(row["ApplicantIncome"]!.double! * 3)
        }))
        let shifted = monitor.report()
        #expect(shifted.drifted == true)
        let loan = try #require(shifted.features.first { $0.name == "LoanAmount" })
        #expect(loan.drifted == true)
        #expect(loan.scores.first { $0.method == .psi }.flatMap(\.score).map { $0 > 0.25 } == true)
        #expect(loan.outOfRange > 0)
        #expect(shifted.json["features"]?[1]?["scores"]?[0]?["level"] == "significant")
        #expect(shifted.observed == 21_000)
    }

    /// Too few rows are scored but not judged; rows older than window_seconds leave the window.
    @Test func smallAndOldWindows() async throws {
        let service = try await MonitoredLoan(extra: "monitoring: {window: 100, window_seconds: 60, min_rows: 50}\n").service()
        let route = try #require(service.route(named: "loan_status"))
        let monitor = try #require(route.monitor)
        #expect(monitor.settings.windowRows == 100)
        let pool = try MonitoredLoan.trainingRequests()
        _ = try await route.predict(route.pipeline.decode(body: MonitoredLoan.sample(pool, count: 30, seed: 3)))
        let early = monitor.report()
        #expect(early.rows == 30)
        #expect(early.drifted == nil)
        #expect(early.features[0].scores[0].score != nil)
        _ = try await route.predict(route.pipeline.decode(body: MonitoredLoan.sample(pool, count: 250, seed: 4)))
        #expect(monitor.report().rows == 100)
        #expect(monitor.report().observed == 280)
        #expect(monitor.report(at: UTCTime.now() + 61).rows == 0)
    }

    /// A reload that keeps the reference keeps the window; monitoring: false turns it off.
    @Test func reloadsKeepTheWindow() async throws {
        let loan = try MonitoredLoan()
        let service = try await loan.service()
        let route = try #require(service.route(named: "loan_status"))
        let pool = try MonitoredLoan.trainingRequests()
        _ = try await route.predict(route.pipeline.decode(body: MonitoredLoan.sample(pool, count: 10, seed: 5)))
        let next = try Service(configuration: service.configuration, models: service.models, previous: service)
        #expect(next.route(named: "loan_status")?.monitor === route.monitor)
        #expect(next.route(named: "loan_status")?.monitor?.report().rows == 10)
        let fresh = try Service(configuration: service.configuration, models: service.models)
        #expect(fresh.route(named: "loan_status")?.monitor !== route.monitor)
        let off = try await MonitoredLoan(extra: "monitoring: false\n").service()
        #expect(off.route(named: "loan_status")?.monitor == nil)
    }

    @Test func settingsAreChecked() throws {
        let loan = try MonitoredLoan(extra: "monitoring: {window: 10, min_rows: 20, colour: red, thresholds: {psi: -1}}\n",
                                     routeExtra: "    log: {path: nowhere/x.jsonl, fields: {LoanAmmount: hash, Credit_History: blur}}\n")
        #expect(throws: ConfigErrors.self) { try ServiceConfiguration.load(contentsOf: loan.folder.path) }
        do {
            _ = try ServiceConfiguration.load(contentsOf: loan.folder.path)
        } catch let errors as ConfigErrors {
            let text = "\(errors)"
            #expect(text.contains("colour"))
            #expect(text.contains("min_rows (20) must be at most window (10)"))
            #expect(text.contains("monitoring.thresholds.psi"))
            #expect(text.contains("'LoanAmmount' is not a parameter of this route; did you mean 'LoanAmount'?"))
            #expect(text.contains("'blur' is not a field treatment"))
            #expect(text.contains("does not exist; create it first"))
        }
    }

    @Test func utcTimesRoundTrip() {
        let t = 1_796_773_569.669
        let text = UTCTime.iso8601(t, milliseconds: true)
        #expect(text == "2026-12-08T23:46:09.669Z")
        #expect(abs(UTCTime.parse(text)! - t) < 1e-6)
        #expect(UTCTime.parse("2026-12-08T23:46:09Z") == 1_796_773_569)
        #expect(UTCTime.iso8601(1_796_773_569.9996, milliseconds: true) == "2026-12-08T23:46:10.000Z")
        #expect(UTCTime.iso8601(0) == "1970-01-01T00:00:00Z")
        #expect(UTCTime.parse("2026-13-08T00:26:09Z") == nil)
        #expect(UTCTime.parse("yesterday") == nil)
    }
}

@Suite struct PredictionLogTests {
    static func lines(_ folder: URL, prefix: String) throws -> [String] {
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("logs").path)
            .filter { $0.hasPrefix(prefix) }.sorted()
        return try files.flatMap { file in
            try String(contentsOfFile: folder.appendingPathComponent("logs/\(file)").path, encoding: .utf8)
                .split(separator: "\n").map(String.init)
        }
    }

    /// Concurrent requests, each recorded once, across rotated files; hashed and dropped fields.
    @Test func everyRowIsRecordedOnceAcrossRotations() async throws {
        let loan = try MonitoredLoan(routeExtra: """
            log: {path: logs/p.jsonl, max_bytes: 4096, fields: {ApplicantIncome: hash, CoapplicantIncome: drop}}

        """)
        let service = try await loan.service()
        let route = try #require(service.route(named: "loan_status"))
        let pool = try MonitoredLoan.trainingRequests()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<40 {
                group.addTask {
                    let rows = try route.pipeline.decode(body: MonitoredLoan.sample(pool, count: 3, seed: UInt64(task + 100)))
                    _ = try await PredictionLog.$requestID.withValue("t\(task)") { try await route.predict(rows) }
                }
            }
            try await group.waitForAll()
        }
        let log = try #require(route.log)
        log.flush()
        #expect(log.counts.written == 120)
        #expect(log.counts.dropped == 0)
        // 120 records of ~480 bytes: at least 14 files of at most 4,096 bytes, each whole lines.
        let files = try FileManager.default.contentsOfDirectory(atPath: loan.folder.appendingPathComponent("logs").path)
        #expect(files.count >= 14)
        for file in files {
            let bytes = try Data(contentsOf: loan.folder.appendingPathComponent("logs/\(file)"))
            #expect(bytes.count <= 4096)
            #expect(bytes.last == UInt8(ascii: "\n"))
        }
        let records = try Self.lines(loan.folder, prefix: "p.").map { try JSONParser().parse($0) }
        #expect(records.count == 120)
        let keys = Set(records.map { "\($0["request_id"]!.string!)/\($0["row"]!)" })
        #expect(keys.count == 120)
        for record in records {
            #expect(record["status"] == 200)
            #expect(record["inputs"]?["CoapplicantIncome"] == nil)
            #expect(record["inputs"]?["ApplicantIncome"]?.string?.hasPrefix("sha256:") == true)
            #expect(record["inputs"]?["LoanAmount"]?.double != nil)
            #expect(record["outputs"]?["prediction"]?.string != nil)
        }
        // A replay of the log by field names scores LoanAmount as the live monitor does.
        var replay = DriftReplay(statistics: try #require(service.models["loan"]?.statistics), modelTag: "loan", settings: MonitoringSettings())
        for line in try Self.lines(loan.folder, prefix: "p.") { replay.add(line: Array(line.utf8)) }
        replay.finish()
        #expect(replay.windows.count == 1)
        let replayed = try #require(replay.windows.first?.report)
        #expect(replayed.features.map(\.name) == ["LoanAmount", "Credit_History"])
        let live = try #require(route.monitor?.report())
        #expect(replayed.features[0].scores[0].score == live.features[1].scores[0].score)
        #expect(replayed.features[0].scores[1].score == live.features[1].scores[1].score)
    }

    /// A line cut short by a crash stays on its own line; a full queue drops and counts.
    @Test func partialLinesAndFullQueues() async throws {
        let loan = try MonitoredLoan(routeExtra: "    log: {path: logs/c.jsonl, queue: 4, sample: 1}\n")
        try Data(#"{"time":"2026-12-0"#.utf8).write(to: loan.folder.appendingPathComponent("logs/c.jsonl"))
        let service = try await loan.service()
        let route = try #require(service.route(named: "loan_status"))
        let pool = try MonitoredLoan.trainingRequests()
        _ = try await route.predict(route.pipeline.decode(body: MonitoredLoan.sample(pool, count: 3, seed: 1)))
        _ = try await route.predict(route.pipeline.decode(body: MonitoredLoan.sample(pool, count: 9, seed: 2)))
        let log = try #require(route.log)
        log.flush()
        #expect(log.counts.dropped == 9)
        #expect(log.counts.written == 3)
        let lines = try Self.lines(loan.folder, prefix: "c.")
        #expect(lines.count == 4)
        #expect((try? JSONParser().parse(lines[0])) == nil)
        for line in lines.dropFirst() { #expect((try? JSONParser().parse(line)) != nil) }
    }

    /// A file last written yesterday is rotated at the first write, also after a restart.
    @Test func dailyRotationSeesYesterdaysFile() async throws {
        let loan = try MonitoredLoan(routeExtra: "    log: {path: logs/d.jsonl, rotate_daily: true}\n")
        let path = loan.folder.appendingPathComponent("logs/d.jsonl").path
        try Data("{\"old\": 1}\n".utf8).write(to: URL(fileURLWithPath: path))
        let yesterday = Date().addingTimeInterval(-86_400)
        try FileManager.default.setAttributes([.modificationDate: yesterday], ofItemAtPath: path)
        let service = try await loan.service()
        let route = try #require(service.route(named: "loan_status"))
        _ = try await route.predict(route.pipeline.decode(body: MonitoredLoan.sample(try MonitoredLoan.trainingRequests(), count: 2, seed: 4)))
        route.log?.flush()
        let files = try FileManager.default.contentsOfDirectory(atPath: loan.folder.appendingPathComponent("logs").path).sorted()
        #expect(files.count == 2)
        #expect(try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").count == 2)
    }

    /// Two routes cannot write one file.
    @Test func routesCannotShareALog() throws {
        let loan = try MonitoredLoan(routeExtra: "    log: {path: logs/shared.jsonl}\n")
        let yaml = try String(contentsOf: loan.folder.appendingPathComponent("augur.yaml"), encoding: .utf8)
        let second = "  other:\n    model: loan\n    parameters: {x: {type: float}}\n    features: [x, x, x, x]\n    log: {path: logs/shared.jsonl}\n"
        try (yaml.replacingOccurrences(of: "routes:\n", with: "routes:\n" + second)).write(to: loan.folder.appendingPathComponent("augur.yaml"), atomically: true, encoding: .utf8)
        do {
            _ = try ServiceConfiguration.load(contentsOf: loan.folder.path)
            Issue.record("a shared log path was accepted")
        } catch let errors as ConfigErrors {
            #expect("\(errors)".contains("route 'other' already logs to"))
        }
    }

    /// `sample` draws rows independently.
    @Test func samplingRecordsAShare() async throws {
        let loan = try MonitoredLoan(routeExtra: "    log: {path: logs/s.jsonl, sample: 0.2}\n")
        let service = try await loan.service()
        let route = try #require(service.route(named: "loan_status"))
        let pool = try MonitoredLoan.trainingRequests()
        for seed in [8, 9] as [UInt64] {
            _ = try await route.predict(route.pipeline.decode(body: MonitoredLoan.sample(pool, count: 1000, seed: seed)))
        }
        route.log?.flush()
        let records = try Self.lines(loan.folder, prefix: "s.")
        // 400 expected; σ ≈ 17.9.
        #expect((310...490).contains(records.count))
        #expect(records.allSatisfy { $0.contains(#""sample":0.2"#) })
    }
}
