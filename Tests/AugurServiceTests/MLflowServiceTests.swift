import AugurStore
import Foundation
import Testing
@testable import AugurService
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// augur.yaml routes on `models:/…` references against the real MLflow server that
/// scripts/test.sh starts (models registered by scripts/mlflow_register.py: loan v1, v2).
enum MLflowServer {
    static let environment = ProcessInfo.processInfo.environment
    static let uri = environment["AUGUR_MLFLOW_URI"].flatMap { $0.isEmpty ? nil : $0 }
    static let enabled = uri != nil || environment["AUGUR_REQUIRE_MLFLOW"] == "1"

    /// Sets (or, with version nil, deletes) an alias of `loan-reload` (registered for these
    /// tests only, so other suites never see its aliases move) through MLflow's REST API.
    static func alias(_ alias: String, _ version: String?, server: String) async throws {
        var request = URLRequest(url: URL(string: "\(server)/api/2.0/mlflow/registered-models/alias")!)
        request.httpMethod = version == nil ? "DELETE" : "POST"
        var body: [String: String] = ["name": "loan-reload", "alias": alias]
        if let version { body["version"] = version }
        request.httpBody = try JSONSerialization.data(withJSONObject: body)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        #expect(status == 200, "\(request.httpMethod ?? "") alias: \(status) \(String(decoding: data, as: UTF8.self))")
    }
}

@Suite(.enabled(if: MLflowServer.enabled, "AUGUR_MLFLOW_URI is unset; scripts/test.sh starts an MLflow server and sets it"))
struct MLflowServiceTests {
    func fixture(_ reference: String) throws -> (StoreFixture, ServiceConfiguration) {
        let server = try #require(MLflowServer.uri, "AUGUR_REQUIRE_MLFLOW=1 but AUGUR_MLFLOW_URI is unset")
        let f = try StoreFixture(reference: reference)
        var configuration = try f.configuration()
        configuration.mlflowTrackingURI = server
        return (f, configuration)
    }

    @Test func aRouteServesAnMLflowVersionCachedInTheStore() async throws {
        let (f, configuration) = try fixture("models:/loan/2")
        let service = try await Service.load(configuration: configuration, provider: ModelProvider(configuration: configuration))
        let route = try #require(service.route(named: "loan_status"))
        #expect(route.modelName == "loan" && route.modelVersion == "2")
        let cached = try #require(f.store.names().first { $0.hasPrefix("mlflow-loan-") })
        let record = try f.store.record(name: cached, version: "2")
        #expect(record.source == "models:/loan/2" && record.metadata["mlflow.version"] == "2")
        #expect(record.sha256 == Digests.sha256(Array(try Data(contentsOf: URL(fileURLWithPath: StoreFixture.loanModel)))))
        let response = try route.answer(body: try json(StoreFixture.applicant))
        #expect(StoreFixture.version(of: response) == "2")
        // A second load finds the version in the cache: still one version stored.
        _ = try await Service.load(configuration: configuration, provider: ModelProvider(configuration: configuration))
        #expect(try f.store.versions(of: cached).count == 1)
    }

    /// `augur build` pins a reference: resolved and cached now, then served from the store
    /// alone, with MLflow's name and version, though the tracking server is gone.
    @Test func aPinnedReferenceIsServedWithoutTheTrackingServer() async throws {
        let (f, configuration) = try fixture("models:/loan/2")
        let (pin, record) = try await ModelProvider(configuration: configuration).pinMLflow("models:/loan/2")
        #expect(pin.name == "loan" && pin.version == "2" && pin.cached.hasPrefix("mlflow-loan-") && record.name == pin.cached)
        try Data(try MLflowPin.encode(["models:/loan/2": pin])).write(to: URL(fileURLWithPath: "\(f.store.root)/\(MLflowPin.fileName)"))
        var offline = configuration
        offline.mlflowTrackingURI = "http://127.0.0.1:1"
        let service = try await Service.load(configuration: offline, provider: ModelProvider(configuration: offline))
        let route = try #require(service.route(named: "loan_status"))
        #expect(route.modelName == "loan" && route.modelVersion == "2")
        // A reference the pins do not name still asks the (unreachable) server.
        var other = offline
        other.storeRoot = f.store.root
        await #expect(throws: (any Error).self) {
            _ = try await ModelProvider(configuration: other).pinMLflow("models:/loan/1")
        }
    }

    @Test func anMLflowAliasMoveIsReloaded() async throws {
        let alias = "augur-test-\(UInt32.random(in: 0...UInt32.max))"
        let server = try #require(MLflowServer.uri)
        try await MLflowServer.alias(alias, "1", server: server)
        let (_, configuration) = try fixture("models:/loan-reload@\(alias)")
        let service = try await Service.load(configuration: configuration, provider: ModelProvider(configuration: configuration))
        #expect(service.route(named: "loan_status")?.modelVersion == "1")
        let registry = ModelRegistry(service: service, provider: ModelProvider(configuration: configuration))
        #expect(await registry.check().isEmpty)
        try await MLflowServer.alias(alias, "2", server: server)
        #expect(await registry.check() == [.swapped(entry: "loan", from: "1", to: "2")])
        #expect(registry.service.route(named: "loan_status")?.modelVersion == "2")
        try await MLflowServer.alias(alias, nil, server: server)
        // The alias is gone: the check fails, version 2 keeps serving, and /readyz has the reason.
        guard case .failed(_, let failure)? = await registry.check().first else {
            Issue.record("expected a failure once the alias is deleted")
            return
        }
        #expect(failure.message.contains("cannot check for a new version") && failure.message.contains(alias))
        #expect(registry.service.route(named: "loan_status")?.modelVersion == "2")
    }

    @Test func latestIsTheHighestReadyVersion() async throws {
        let (_, configuration) = try fixture("models:/loan/latest")
        let service = try await Service.load(configuration: configuration, provider: ModelProvider(configuration: configuration))
        let version = try #require(Int(service.route(named: "loan_status")?.modelVersion ?? ""))
        #expect(version >= 2)
    }
}

@Suite struct MLflowConfigurationTests {
    @Test func aMissingTrackingServerIsAClearLoadError() async throws {
        let f = try StoreFixture(reference: "models:/loan/1")
        var configuration = try f.configuration()
        configuration.mlflowTrackingURI = nil
        let error = await #expect(throws: ConfigErrors.self) {
            try await Service.load(configuration: configuration, provider: ModelProvider(configuration: configuration))
        }
        #expect(error?.errors.first?.description.contains("no tracking server is set: add mlflow: {tracking_uri: http://HOST:PORT} to augur.yaml or set MLFLOW_TRACKING_URI.") == true)
    }

    @Test func referencesAndTrackingURIAreCheckedInTheFile() async throws {
        let bad = try TempService(yaml: "mlflow:\n  tracking_uri: ftp://x\nroutes:\n  r: {model: 'models:/'}\n")
        let found = await bad.configErrors()
        #expect(found.count == 2, "\(found)")
        #expect(found.first == "augur.yaml:2: mlflow.tracking_uri: 'ftp://x' is not an http:// or https:// URL of an MLflow tracking server.")
        let good = try TempService(yaml: "mlflow:\n  tracking_uri: http://127.0.0.1:5000\nroutes:\n  r: {model: 'models:/loan@champion'}\n")
        let configuration = try good.configuration()
        #expect(configuration.mlflowTrackingURI == "http://127.0.0.1:5000")
        #expect(configuration.models.first?.source == .mlflow("models:/loan@champion"))
        #expect(configuration.models.first?.source.canChange == true)
    }
}
