import AugurServer
import AugurService
import AugurStore
import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import Logging
import Testing

/// A running server whose store alias, or whose watched file, moves to each hostile model of
/// Tests/HostileModels: the reload must never take the process down. A model that is refused
/// leaves the old version answering and its error in the registry; the two Range models
/// (a legal empty range beside the loan trees) load and answer as the new version.
@Suite struct HostileReloadTests {
    static let folder = Support.root.appendingPathComponent("Tests/HostileModels")
    static let loadable: Set<String> = ["range_negative_infinite", "range_huge_negative"]

    static func hostileModels() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".onnx") }.sorted()
    }

    static func server(_ registry: ModelRegistry) -> some ApplicationProtocol {
        var logger = Logger(label: "augur-test")
        logger.logLevel = .critical
        let server = AugurServer(registry: registry, settings: ServerSettings(host: "127.0.0.1", port: 0))
        return Application(router: server.makeRouter(logger: logger), logger: logger)
    }

    /// POSTs the applicant and returns the status and the version that answered.
    static func ask(_ client: some TestClientProtocol) async throws -> (Int, String?) {
        try await client.execute(uri: "/loan_status", method: .post, headers: [.contentType: "application/json"],
                                 body: Support.body(ReloadFixture.applicant)) { response in
            (Int(response.status.code), response.headers[HTTPField.Name("X-Model-Version")!])
        }
    }

    @Test func anAliasMovedToAHostileModelKeepsTheOldVersionServing() async throws {
        let fixture = try ReloadFixture()
        let registry = try await fixture.registry()
        try await Self.server(registry).test(.router) { client in
            #expect(try await Self.ask(client) == (200, "1"))
            for file in try Self.hostileModels() {
                let name = String(file.dropLast(5))
                let bytes = Array(try Data(contentsOf: Self.folder.appendingPathComponent(file)))
                let record = try fixture.store.importModel(ModelImport(name: "loan", bytes: bytes))
                try fixture.store.setAlias("production", name: "loan", version: record.version)
                let events = await registry.check()
                if Self.loadable.contains(name) {
                    #expect(events == [.swapped(entry: "loan", from: "1", to: record.version)], "\(name): \(events)")
                    #expect(try await Self.ask(client) == (200, record.version), "\(name)")
                    try fixture.store.setAlias("production", name: "loan", version: "1")
                    _ = await registry.check()
                } else {
                    guard case .failed(let entry, let failure)? = events.first else {
                        Issue.record("\(name): expected a refused reload, got \(events)")
                        continue
                    }
                    #expect(entry == "loan" && failure.version == record.version, "\(name)")
                    #expect(registry.statuses.first?.lastError?.version == record.version, "\(name)")
                }
                #expect(try await Self.ask(client) == (200, "1"), "\(name): the old version must keep answering")
            }
        }
    }

    @Test func aWatchedFileReplacedByAHostileModelKeepsTheOldVersionServing() async throws {
        let fixture = try ReloadFixture()
        let yaml = try String(contentsOf: fixture.folder.appendingPathComponent("augur.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "  loan: loan@production\n", with: "  loan: model.onnx\n")
        try yaml.write(to: fixture.folder.appendingPathComponent("augur.yaml"), atomically: true, encoding: .utf8)
        let model = fixture.folder.appendingPathComponent("model.onnx")
        let original = try Data(contentsOf: URL(fileURLWithPath: ReloadFixture.loanModel))
        try original.write(to: model)
        let registry = try await fixture.registry()
        let before = try #require(registry.service.route(named: "loan_status")?.modelVersion)
        try await Self.server(registry).test(.router) { client in
            for file in try Self.hostileModels() {
                let name = String(file.dropLast(5))
                try Data(contentsOf: Self.folder.appendingPathComponent(file)).write(to: model, options: .atomic)
                let events = await registry.check()
                if Self.loadable.contains(name) {
                    guard case .swapped? = events.first else { Issue.record("\(name): \(events)"); continue }
                    try original.write(to: model, options: .atomic)
                    _ = await registry.check()
                } else {
                    guard case .failed? = events.first else { Issue.record("\(name): expected a refused reload, got \(events)"); continue }
                }
                #expect(try await Self.ask(client) == (200, before), "\(name): the old version must keep answering")
            }
        }
    }
}
