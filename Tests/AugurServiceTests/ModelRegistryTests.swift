import AugurStore
import Foundation
import Testing
@testable import AugurService

/// A temporary model store plus a copy of the loan example whose model comes from the store.
struct StoreFixture {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let loanModel = root.appendingPathComponent("examples/loan/model.onnx").path
    /// Same signature as the loan model (4 floats in, label + probabilities out), other trees.
    static let otherLoanModel = root.appendingPathComponent("Tests/Fixtures/rf_classifier_binary_loan/model.onnx").path
    /// 8 inputs: does not fit the loan route's 4 features.
    static let wrongShapeModel = root.appendingPathComponent("Tests/Fixtures/ridge/model.onnx").path

    let folder: URL
    let store: ModelStore

    init(reference: String) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("augur-registry-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        store = try ModelStore(root: folder.appendingPathComponent("models").path)
        let yaml = try String(contentsOfFile: Self.root.appendingPathComponent("examples/loan/augur.yaml").path, encoding: .utf8)
        let replaced = yaml.replacingOccurrences(of: "  loan: {path: model.onnx, reference: train.csv}\n", with: "  loan: \(reference)\n")
        #expect(replaced != yaml || reference == "model.onnx")
        try replaced.write(to: folder.appendingPathComponent("augur.yaml"), atomically: true, encoding: .utf8)
    }

    @discardableResult
    func add(_ path: String, version: String? = nil, aliases: [String] = []) throws -> VersionRecord {
        var request = ModelImport(name: "loan", version: version, bytes: Array(try Data(contentsOf: URL(fileURLWithPath: path))))
        request.aliases = aliases
        return try store.importModel(request)
    }

    func configuration() throws -> ServiceConfiguration {
        var configuration = try ServiceConfiguration.load(contentsOf: folder.path)
        configuration.storeRoot = store.root
        return configuration
    }

    func registry() async throws -> ModelRegistry {
        let configuration = try configuration()
        return ModelRegistry(service: try await Service.load(configuration: configuration), provider: ModelProvider(configuration: configuration))
    }

    static let applicant = #"{"ApplicantIncome": 5849, "LoanAmount": 128, "Loan_Amount_Term": 360, "Credit_History": 1, "Property_Area": "Urban"}"#

    static func version(of response: JSONValue) -> String? {
        guard case .object(let o) = response, case .object(let model)? = o["model"], case .string(let v)? = model["version"] else { return nil }
        return v
    }
}

@Suite struct ModelRegistryTests {
    @Test func storeReferencesServeTheirVersion() async throws {
        let f = try StoreFixture(reference: "loan@production")
        try f.add(StoreFixture.loanModel, aliases: ["production"])
        try f.add(StoreFixture.otherLoanModel)
        let service = try await Service.load(configuration: try f.configuration())
        let route = try #require(service.route(named: "loan_status"))
        #expect(route.modelName == "loan")
        #expect(route.modelVersion == "1")
        let response = try route.answer(body: try json(StoreFixture.applicant))
        #expect(StoreFixture.version(of: response) == "1")
    }

    /// A pinned MLflow reference (as a package `augur build` wrote holds it) needs no tracking
    /// server at all; a damaged pins file is a load error naming it.
    @Test func pinnedMLflowReferencesLoadFromTheStoreAlone() async throws {
        let f = try StoreFixture(reference: "models:/loan@champion")
        var request = ModelImport(name: "mlflow-loan-0a1b2c3d", version: "7", bytes: Array(try Data(contentsOf: URL(fileURLWithPath: StoreFixture.loanModel))))
        request.source = "models:/loan/7"
        try f.store.importModel(request)
        let pins = "\(f.store.root)/\(MLflowPin.fileName)"
        try Data(try MLflowPin.encode(["models:/loan@champion": MLflowPin(name: "loan", version: "7", cached: "mlflow-loan-0a1b2c3d")]))
            .write(to: URL(fileURLWithPath: pins))
        var configuration = try f.configuration()
        configuration.mlflowTrackingURI = nil
        let registry = ModelRegistry(service: try await Service.load(configuration: configuration), provider: ModelProvider(configuration: configuration))
        let route = try #require(registry.service.route(named: "loan_status"))
        #expect(route.modelName == "loan" && route.modelVersion == "7")
        #expect(StoreFixture.version(of: try route.answer(body: try json(StoreFixture.applicant))) == "7")
        #expect(await registry.check().isEmpty) // pinned: nothing to look for
        try Data("{".utf8).write(to: URL(fileURLWithPath: pins))
        await #expect(throws: (any Error).self) { _ = try await Service.load(configuration: configuration) }
    }

    @Test func aliasMovesAreSwappedIn() async throws {
        let f = try StoreFixture(reference: "loan@production")
        try f.add(StoreFixture.loanModel, aliases: ["production"])
        try f.add(StoreFixture.otherLoanModel)
        let registry = try await f.registry()
        #expect(await registry.check().isEmpty)
        try f.store.setAlias("production", name: "loan", version: "2")
        #expect(await registry.check() == [.swapped(entry: "loan", from: "1", to: "2")])
        #expect(registry.service.route(named: "loan_status")?.modelVersion == "2")
        let status = try #require(registry.statuses.first)
        #expect(status.version == "2" && status.reloads == 1 && status.lastError == nil && status.watched)
    }

    @Test func latestFollowsNewImports() async throws {
        let f = try StoreFixture(reference: "loan")
        try f.add(StoreFixture.loanModel)
        let registry = try await f.registry()
        try f.add(StoreFixture.otherLoanModel)
        #expect(await registry.check() == [.swapped(entry: "loan", from: "1", to: "2")])
    }

    @Test func aVersionThatDoesNotLoadLeavesTheOldOneServing() async throws {
        let f = try StoreFixture(reference: "loan@production")
        try f.add(StoreFixture.loanModel, aliases: ["production"])
        _ = try f.store.importModel(ModelImport(name: "loan", bytes: Array("not an onnx model".utf8)))
        let registry = try await f.registry()
        try f.store.setAlias("production", name: "loan", version: "2")
        let events = await registry.check()
        guard case .failed(let entry, let failure)? = events.first else {
            Issue.record("expected a failure, got \(events)")
            return
        }
        #expect(entry == "loan" && failure.version == "2")
        #expect(failure.message.contains("not a valid ONNX model"))
        #expect(registry.service.route(named: "loan_status")?.modelVersion == "1")
        #expect(registry.statuses.first?.lastError?.version == "2")
        // Not retried (nor re-reported) until the alias moves again.
        #expect(await registry.check().isEmpty)
        try f.store.setAlias("production", name: "loan", version: "1")
        #expect(await registry.check().isEmpty)
        #expect(registry.statuses.first?.lastError == nil)
    }

    @Test func aVersionThatNoLongerFitsTheRouteIsRefused() async throws {
        let f = try StoreFixture(reference: "loan@production")
        try f.add(StoreFixture.loanModel, aliases: ["production"])
        try f.add(StoreFixture.wrongShapeModel)
        let registry = try await f.registry()
        try f.store.setAlias("production", name: "loan", version: "2")
        let events = await registry.check()
        guard case .failed(_, let failure)? = events.first else {
            Issue.record("expected a failure, got \(events)")
            return
        }
        #expect(failure.message.contains("routes.loan_status"))
        #expect(registry.service.route(named: "loan_status")?.modelVersion == "1")
    }

    @Test func aTamperedVersionIsRefused() async throws {
        let f = try StoreFixture(reference: "loan@production")
        try f.add(StoreFixture.loanModel, aliases: ["production"])
        try f.add(StoreFixture.otherLoanModel)
        let registry = try await f.registry()
        try Data("tampered".utf8).write(to: URL(fileURLWithPath: "\(f.store.root)/loan/versions/2/model.onnx"))
        try f.store.setAlias("production", name: "loan", version: "2")
        guard case .failed(_, let failure)? = await registry.check().first else {
            Issue.record("expected a failure")
            return
        }
        #expect(failure.message.contains("loan:2 failed its integrity check"))
    }

    @Test func aChangedFileIsReloadedWithItsDigestAsVersion() async throws {
        let f = try StoreFixture(reference: "model.onnx")
        let path = f.folder.appendingPathComponent("model.onnx")
        try FileManager.default.copyItem(atPath: StoreFixture.loanModel, toPath: path.path)
        let registry = try await f.registry()
        let before = try #require(registry.service.route(named: "loan_status")?.modelVersion)
        let replacement = try Data(contentsOf: URL(fileURLWithPath: StoreFixture.otherLoanModel))
        try replacement.write(to: path, options: .atomic)
        let after = String(Digests.sha256(Array(replacement)).prefix(12))
        #expect(await registry.check() == [.swapped(entry: "loan", from: before, to: after)])
    }

    @Test func unknownStoreModelsSuggestModelsEntries() async throws {
        let f = try TempService(yaml: "models:\n  loan: loan.onnx\nroutes:\n  r: {model: lon}\n", models: ["loan.onnx": "rf_classifier_binary_loan"])
        var configuration = try f.configuration()
        configuration.storeRoot = f.folder.appendingPathComponent("store").path
        let error = await #expect(throws: ConfigErrors.self) { try await Service.load(configuration: configuration) }
        let message = error?.errors.first?.description ?? ""
        #expect(message.contains("routes.r.model: model 'lon' cannot be loaded: no model named 'lon' in the store."))
        #expect(message.hasSuffix("Did you mean 'loan' (under models:)?"))
    }
}

@Suite struct TrainingStatisticsTests {
    @Test func numericAndCategoricalSummaries() throws {
        let csv = "age,city,score\n30,Paris,1\n40,Lyon,2\n,Paris,3\n50,NA,4\n60,Paris,\n"
        let stats = try TrainingStatistics.compute(csv: Data(csv.utf8), source: "train.csv")
        #expect(stats.rows == 5)
        let age = stats.features[0]
        #expect(age.kind == "numeric" && age.count == 4 && age.missing == 1)
        #expect(age.mean == 45 && age.min == 30 && age.max == 60)
        #expect(abs((age.std ?? 0) - 12.909944487358056) < 1e-12)
        #expect(age.quantiles?["p50"] == 45)
        #expect(age.quantiles?["p25"] == 37.5)
        #expect(age.histogramCounts?.reduce(0, +) == 4 && age.histogramEdges?.count == 11)
        let city = stats.features[1]
        #expect(city.kind == "categorical" && city.missing == 1 && city.distinct == 2)
        #expect(city.categories?.first == FeatureStatistics.Category(value: "Paris", count: 3))
        #expect(stats.features[2].missing == 1)
    }

    @Test func raggedRowsAreRefused() {
        #expect(throws: (any Error).self) { try TrainingStatistics.compute(csv: Data("a,b\n1\n".utf8), source: "x.csv") }
    }
}
