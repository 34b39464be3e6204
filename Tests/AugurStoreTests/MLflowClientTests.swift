import AugurStore
import Foundation
import Testing

/// The live MLflow server these tests talk to, from the environment. `scripts/test.sh` starts
/// one with `scripts/mlflow-server.sh start` (which registers the models below) and sets both
/// variables, so that in CI a missing server is a failure, not a silent skip.
enum LiveMLflow {
    static let environment = ProcessInfo.processInfo.environment
    static let uri = environment["AUGUR_MLFLOW_URI"].flatMap { $0.isEmpty ? nil : $0 }
    static let required = environment["AUGUR_REQUIRE_MLFLOW"] == "1"
    static let enabled = uri != nil || required

    static func client(maxModelBytes: Int = MLflowClient.defaultMaxModelBytes) throws -> MLflowClient {
        let uri = try #require(uri, "AUGUR_REQUIRE_MLFLOW=1 but AUGUR_MLFLOW_URI is unset: start a server with scripts/mlflow-server.sh start")
        // A generous timeout: a stalled CI machine (seen: every suite paused ~5 s) must not turn
        // a 404 into a timeout.
        return try MLflowClient(trackingURI: uri, credentials: nil, timeout: .seconds(30), maxModelBytes: maxModelBytes)
    }

    static let loanModelSHA256: String = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../examples/loan/model.onnx").standardizedFileURL
        return Digests.sha256([UInt8]((try? Data(contentsOf: url)) ?? Data()))
    }()
}

/// Against a real `mlflow server` holding, from `scripts/mlflow_register.py`: `loan` versions 1
/// and 2 (examples/loan/model.onnx via mlflow.onnx.log_model) with alias `champion` → 1,
/// `loan eu+1` version 1 (a name that needs URL encoding), `loan-sklearn` version 1 (a
/// scikit-learn model, no onnx flavor) and `o'brien "q"` versions 1 and 2 (loan's logged model).
@Suite(.enabled(if: LiveMLflow.enabled, "AUGUR_MLFLOW_URI is unset; scripts/test.sh starts a server (scripts/mlflow-server.sh) and sets it"))
struct MLflowClientTests {
    func resolve(_ text: String) async throws -> MLflowModelVersion {
        try await LiveMLflow.client().resolve(MLflowReference(parsing: text))
    }

    @Test func resolvesAPinnedVersion() async throws {
        let version = try await resolve("models:/loan/1")
        #expect(version.name == "loan" && version.version == "1" && version.isReady)
        #expect(version.aliases == ["champion"])
        #expect(version.runID != nil)
        #expect(version.creationTimestamp != nil)
        // MLflow 3 registers logged models: the source is the logged model, not a storage path.
        #expect(version.source.hasPrefix("models:/m-"))
    }

    @Test func resolvesAnAlias() async throws {
        #expect(try await resolve("models:/loan@champion").version == "1")
    }

    @Test func resolvesLatestToTheHighestReadyVersion() async throws {
        #expect(try await resolve("models:/loan/latest").version == "2")
        #expect(try await resolve("models:/loan@latest").version == "2")
    }

    @Test func encodesNames() async throws {
        #expect(try await resolve("models:/loan eu+1/1").name == "loan eu+1")
        #expect(try await resolve("models:/loan eu+1@champion").version == "1")
        #expect(try await resolve("models:/loan eu+1/latest").version == "1")
        // Both quotes: MLflow's search filter cannot hold it; latest uses get-latest-versions.
        #expect(try await resolve(#"models:/o'brien "q"/latest"#).version == "2")
    }

    @Test(arguments: ["models:/loan@champion", "models:/loan/latest", "models:/loan eu+1/1", #"models:/o'brien "q"/1"#])
    func downloadsTheLoggedONNXFile(_ text: String) async throws {
        let client = try LiveMLflow.client()
        let version = try await client.resolve(MLflowReference(parsing: text))
        let artifact = try await client.downloadONNX(version)
        #expect(artifact.fileName == "model.onnx")
        #expect(Digests.sha256(artifact.bytes) == LiveMLflow.loanModelSHA256)
        #expect(artifact.artifactURI.hasPrefix("mlflow-artifacts:/"))
        #expect(artifact.location.hasPrefix(client.server + "/api/2.0/mlflow-artifacts/artifacts/"))
    }

    @Test(arguments: ["models:/no-such-model/1", "models:/no-such-model@champion", "models:/no-such-model/latest", "models:/loan/99"])
    func reportsUnknownModelsAndVersions(_ text: String) async throws {
        let error = await #expect(throws: StoreError.self) { try await resolve(text) }
        #expect(error?.kind == .notFound)
        #expect(error?.message.contains("'\(text)' was not found on the MLflow server '\(LiveMLflow.uri ?? "")'") == true)
    }

    @Test func reportsUnknownAliases() async throws {
        let error = await #expect(throws: StoreError.self) { try await resolve("models:/loan@nope") }
        #expect(error?.kind == .notFound)
        #expect(error?.message.contains("alias nope not found") == true)
    }

    @Test func refusesModelsWithoutAnONNXFlavor() async throws {
        let client = try LiveMLflow.client()
        let version = try await client.resolve(MLflowReference(parsing: "models:/loan-sklearn@champion"))
        let error = await #expect(throws: StoreError.self) { try await client.downloadONNX(version) }
        #expect(error?.kind == .notFound)
        #expect(error?.message.contains("'models:/loan-sklearn/1' is not an ONNX model (its MLmodel flavors: python_function, sklearn)") == true)
    }

    @Test func refusesFilesOverTheLimit() async throws {
        let client = try LiveMLflow.client(maxModelBytes: 1000)
        let version = try await client.resolve(MLflowReference(parsing: "models:/loan/1"))
        let error = await #expect(throws: StoreError.self) { try await client.downloadONNX(version) }
        #expect(error?.kind == .remote)
        #expect(error?.message.hasPrefix("The ONNX file 'model.onnx' of 'models:/loan/1' at '\(client.server)/api/2.0/mlflow-artifacts/artifacts/") == true)
        #expect(error?.message.contains(" bytes, more than the limit of 1000 bytes; raise the limit (maxModelBytes)") == true)
    }

    @Test func refusesVersionsThatAreNotReady() async throws {
        let client = try LiveMLflow.client()
        let pending = MLflowModelVersion(name: "loan", version: "1", source: "", status: "PENDING_REGISTRATION")
        let error = await #expect(throws: StoreError.self) { try await client.downloadONNX(pending) }
        #expect(error?.message.contains("has the status PENDING_REGISTRATION") == true)
    }
}

/// Runs everywhere: needs no server, only a closed port on the loopback address.
@Suite struct MLflowUnreachableServerTests {
    @Test func reportsAServerThatIsDown() async throws {
        // Nothing listens on port 1 of the loopback address: the connection is refused at once.
        let client = try MLflowClient(trackingURI: "http://127.0.0.1:1", credentials: nil, timeout: .seconds(30))
        let start = ContinuousClock.now
        let error = await #expect(throws: StoreError.self) { try await client.resolve(MLflowReference(parsing: "models:/loan/1")) }
        // Well under the timeout: refused, not waited out (with room for a stalled machine).
        #expect(ContinuousClock.now - start < .seconds(15))
        #expect(error?.kind == .remote)
        #expect(error?.message == "Cannot reach the MLflow server 'http://127.0.0.1:1' for 'models:/loan/1' (GET 'http://127.0.0.1:1/api/2.0/mlflow/model-versions/get?name=loan&version=1'): connection refused; check MLFLOW_TRACKING_URI (or mlflow.tracking_uri in augur.yaml) and that the server is running.")
    }
}
