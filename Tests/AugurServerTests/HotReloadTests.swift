import AugurServer
import AugurService
import AugurStore
import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import Logging
import Synchronization
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A temporary store holding two versions of a loan model behind `loan@production`, and a copy
/// of examples/loan whose route uses that alias.
struct ReloadFixture {
    static let loanModel = Support.examples.appendingPathComponent("loan/model.onnx").path
    /// Same signature as the loan model, other trees (other probabilities).
    static let otherLoanModel = Support.root.appendingPathComponent("Tests/Fixtures/rf_classifier_binary_loan/model.onnx").path
    /// 8 inputs: cannot serve the loan route.
    static let wrongShapeModel = Support.root.appendingPathComponent("Tests/Fixtures/ridge/model.onnx").path
    static let applicant = #"{"ApplicantIncome": 5849, "LoanAmount": 128, "Credit_History": 1, "Property_Area": "Urban"}"#

    let folder: URL
    let store: ModelStore

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("augur-reload-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        store = try ModelStore(root: folder.appendingPathComponent("models").path)
        var first = ModelImport(name: "loan", bytes: Array(try Data(contentsOf: URL(fileURLWithPath: Self.loanModel))))
        first.aliases = ["production"]
        try store.importModel(first)
        try store.importModel(ModelImport(name: "loan", bytes: Array(try Data(contentsOf: URL(fileURLWithPath: Self.otherLoanModel)))))
        let yaml = try String(contentsOfFile: Support.examples.appendingPathComponent("loan/augur.yaml").path, encoding: .utf8)
            .replacingOccurrences(of: "  loan: {path: model.onnx, reference: train.csv}\n", with: "  loan: loan@production\n")
        try yaml.write(to: folder.appendingPathComponent("augur.yaml"), atomically: true, encoding: .utf8)
    }

    func registry() async throws -> ModelRegistry {
        var configuration = try ServiceConfiguration.load(contentsOf: folder.path)
        configuration.storeRoot = store.root
        return ModelRegistry(service: try await Service.load(configuration: configuration), provider: ModelProvider(configuration: configuration))
    }
}

/// One request of the steady stream: when it ran (since the test started) and what answered.
private struct Sample: Sendable {
    let start: Duration
    let end: Duration
    let status: Int
    let headerVersion: String?
    let body: JSONValue?
}

/// Cleared once to stop the traffic tasks.
final class RunningFlag: Sendable {
    private let state = Mutex(true)
    var value: Bool { state.withLock { $0 } }
    func stop() { state.withLock { $0 = false } }
}

@Suite struct HotReloadTests {
    static func post(_ url: URL, _ body: String) async throws -> (Int, String?, Data) {
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.httpBody = Data(body.utf8)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as? HTTPURLResponse
        return (http?.statusCode ?? 0, http?.value(forHTTPHeaderField: "X-Model-Version"), data)
    }

    static func version(_ body: JSONValue?) -> String? {
        guard case .object(let o)? = body, case .object(let model)? = o["model"], case .string(let v)? = model["version"] else { return nil }
        return v
    }

    static func probability(_ body: JSONValue?) -> JSONValue? {
        guard case .object(let o)? = body else { return nil }
        return o["probabilities"] ?? o["probability"]
    }

    @Test func predictionsAndTheirErrorsNameTheVersion() async throws {
        let app = Support.app(try await Support.service("loan"))
        let version = try await Support.service("loan").route(named: "loan_status")?.modelVersion
        try await app.test(.router) { client in
            for (body, status) in [(ReloadFixture.applicant, 200), (#"{"LoanAmount": -1}"#, 422), ("{", 400)] {
                try await client.execute(uri: "/loan_status", method: .post, headers: [.contentType: "application/json"], body: Support.body(body)) { response in
                    #expect(response.status.code == status)
                    #expect(response.headers[HTTPField.Name("X-Model-Name")!] == "loan")
                    #expect(response.headers[HTTPField.Name("X-Model-Version")!] == version)
                }
            }
            try await client.execute(uri: "/loan_status?ApplicantIncome=5849&LoanAmount=128&Credit_History=1&Property_Area=Urban", method: .get) { response in
                #expect(response.status.code == 200)
                #expect(response.headers[HTTPField.Name("X-Model-Version")!] == version)
            }
        }
    }

    @Test func twentyAliasMovesUnderSteadyTrafficFailNoRequest() async throws {
        let fixture = try ReloadFixture()
        let registry = try await fixture.registry()
        var logger = Logger(label: "augur-test")
        logger.logLevel = .warning
        let server = AugurServer(registry: registry, settings: ServerSettings(host: "127.0.0.1", port: 0))
        let app = Application(router: server.makeRouter(logger: logger), configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: logger)
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let url = URL(string: "http://127.0.0.1:\(port)/loan_status")!

            // What each version answers, to check later that a body came from the version it names.
            var expected: [String: JSONValue] = [:]
            for version in ["2", "1"] {
                try fixture.store.setAlias("production", name: "loan", version: version)
                await registry.check()
                let (status, header, data) = try await Self.post(url, ReloadFixture.applicant)
                #expect(status == 200 && header == version)
                expected[version] = Self.probability(try JSONParser().parse(Array(data)))
            }
            #expect(expected["1"] != nil && expected["1"] != expected["2"], "the two versions should answer differently")

            let clock = ContinuousClock()
            let origin = clock.now
            let running = RunningFlag()
            let traffic = Task { [clock, origin, url] in
                try await withThrowingTaskGroup(of: [Sample].self) { group in
                    for _ in 0..<4 {
                        group.addTask {
                            var samples: [Sample] = []
                            while running.value {
                                let start = clock.now - origin
                                let (status, header, data) = try await Self.post(url, ReloadFixture.applicant)
                                samples.append(Sample(start: start, end: clock.now - origin, status: status, headerVersion: header,
                                                      body: try? JSONParser().parse(Array(data))))
                            }
                            return samples
                        }
                    }
                    return try await group.reduce(into: [Sample]()) { $0 += $1 }
                }
            }

            // Version `live` is certain outside the moves; during move i, both old and new may answer.
            var moves: [(start: Duration, end: Duration, to: String)] = []
            var live = "1"
            for _ in 0..<20 {
                try await Task.sleep(for: .milliseconds(40))
                let next = live == "1" ? "2" : "1"
                let start = clock.now - origin
                try fixture.store.setAlias("production", name: "loan", version: next)
                let events = await registry.check()
                moves.append((start, clock.now - origin, next))
                #expect(events == [.swapped(entry: "loan", from: live, to: next)])
                live = next
            }
            try await Task.sleep(for: .milliseconds(40))
            running.stop()
            let samples = try await traffic.value

            // Version v may answer from the start of the move that made it live to the end of the move that replaced it.
            var windows: [(from: Duration, to: Duration, version: String)] = []
            var since = Duration.zero, current = "1"
            for (i, move) in moves.enumerated() {
                windows.append((since, move.end, current))
                since = move.start
                current = move.to
                _ = i
            }
            windows.append((since, .seconds(1_000_000), current))

            #expect(samples.count >= 100, "only \(samples.count) requests ran")
            print("hot reload test: \(samples.count) requests, \(samples.filter { $0.status == 200 }.count) answered 200, across 20 alias moves")
            #expect(Set(samples.compactMap(\.headerVersion)) == ["1", "2"])
            for sample in samples {
                #expect(sample.status == 200, "status \(sample.status)")
                let version = Self.version(sample.body)
                #expect(version != nil && version == sample.headerVersion)
                #expect(Self.probability(sample.body) == expected[version ?? ""], "body does not match version \(version ?? "?")")
                let possible = windows.contains { $0.version == version && $0.from <= sample.end && sample.start <= $0.to }
                #expect(possible, "version \(version ?? "?") answered a request running \(sample.start)–\(sample.end), when it was not live")
            }
        }
    }
}
