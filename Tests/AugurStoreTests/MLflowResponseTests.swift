@testable import AugurStore
import Foundation
import Testing

/// What Augur makes of MLflow's answers (MLmodel files, errors, versions) and of its own
/// settings (credentials, store names), without a server.
@Suite struct MLflowResponseTests {
    /// As mlflow.onnx.log_model writes it (MLflow 3.17).
    static let onnxModelFile = """
        artifact_path: mlflow-artifacts:/1/models/m-06641d8849ef4ae09cdc9bd15d331e68/artifacts
        flavors:
          onnx:
            code: null
            data: model.onnx
            onnx_version: 1.23.2
            providers:
            - CUDAExecutionProvider
            - CPUExecutionProvider
          python_function:
            data: model.onnx
            env:
              conda: conda.yaml
              virtualenv: python_env.yaml
            loader_module: mlflow.onnx
        mlflow_version: 3.17.2
        model_id: m-06641d8849ef4ae09cdc9bd15d331e68
        """

    @Test func readsTheONNXFlavor() throws {
        let file = try MLflowModelFile(yaml: Self.onnxModelFile)
        #expect(file.flavors == ["onnx", "python_function"])
        #expect(file.onnxData == "model.onnx")
    }

    @Test func readsOtherFlavorsWithoutLoadingAnything() throws {
        let sklearn = try MLflowModelFile(yaml: """
            flavors:
              python_function: {loader_module: mlflow.sklearn, model_path: model.pkl}
              sklearn: {pickled_model: model.pkl, serialization_format: cloudpickle}
            evil: !!python/object/apply:os.system ["echo pwned"]
            """)
        #expect(sklearn.flavors == ["python_function", "sklearn"])
        #expect(sklearn.onnxData == nil)
    }

    @Test(arguments: ["", "flavors: [onnx]", "just text", "flavors:\n  onnx: {data: [", "\u{0}",
                      // Nesting past libyaml's limit (1000) is an error, not a stack overflow.
                      String(repeating: "[", count: 100_000), "flavors:\n  onnx: " + String(repeating: "- ", count: 100_000) + "x"])
    func refusesMalformedModelFiles(_ text: String) {
        #expect(throws: MLflowModelFile.Problem.self) { try MLflowModelFile(yaml: text) }
    }

    @Test func decodesModelVersions() throws {
        let json = #"{"model_version": {"name": "loan", "version": "1", "creation_timestamp": 1795317498294, "last_updated_timestamp": "1795317498294", "current_stage": "None", "source": "models:/m-06", "run_id": "", "status": "READY", "aliases": ["champion"]}}"#
        let version = try JSONDecoder().decode(MLflowModelVersionAnswer.self, from: Data(json.utf8)).model_version.modelVersion
        #expect(version.name == "loan" && version.version == "1" && version.isReady)
        #expect(version.runID == nil)
        #expect(version.aliases == ["champion"])
        #expect(version.creationTimestamp == Date(timeIntervalSince1970: 1795317498.294))
        #expect(version.lastUpdatedTimestamp == version.creationTimestamp)
        #expect(version.reference.description == "models:/loan/1")
        // MLflow answers {} to a search that matches nothing.
        #expect(try JSONDecoder().decode(MLflowModelVersionPage.self, from: Data("{}".utf8)).model_versions == nil)
    }

    @Test func quotesNamesForSearchFilters() {
        #expect(MLflowClient.nameFilter("loan eu+1") == "name='loan eu+1'")
        #expect(MLflowClient.nameFilter("o'brien") == "name=\"o'brien\"")
        #expect(MLflowClient.nameFilter("o'brien \"x\"") == nil)
        #expect(MLflowClient.nameFilter("a\\b") == nil)
    }

    @Test func readsCredentialsLikeMLflow() {
        #expect(MLflowCredentials.fromEnvironment([:]) == nil)
        #expect(MLflowCredentials.fromEnvironment(["MLFLOW_TRACKING_TOKEN": "t0k"]) == .token("t0k"))
        let both = ["MLFLOW_TRACKING_TOKEN": "t0k", "MLFLOW_TRACKING_USERNAME": "ann", "MLFLOW_TRACKING_PASSWORD": "pw"]
        #expect(MLflowCredentials.fromEnvironment(both) == .basic(username: "ann", password: "pw"))
        #expect(MLflowCredentials.fromEnvironment(["MLFLOW_TRACKING_USERNAME": "ann"]) == nil)
        #expect(MLflowCredentials.token("t0k").headerValue == "Bearer t0k")
        #expect(MLflowCredentials.basic(username: "ann", password: "pw").headerValue == "Basic YW5uOnB3")
        #expect(!"\(MLflowCredentials.token("t0k"))".contains("t0k"))
        #expect(!"\(MLflowCredentials.basic(username: "ann", password: "pw"))".contains("pw"))
    }

    @Test func namesCacheEntriesPerServerAndModel() throws {
        let a = try MLflowClient(trackingURI: "http://127.0.0.1:5000", credentials: nil)
        let b = try MLflowClient(trackingURI: "http://127.0.0.1:5001/", credentials: nil)
        #expect(a.server == "http://127.0.0.1:5000")
        let name = a.storeName(for: "loan eu+1")
        #expect(name.hasPrefix("mlflow-loan-eu-1-") && name.count == "mlflow-loan-eu-1-".count + 8)
        #expect(StoreNames.isValid(name))
        #expect(name != b.storeName(for: "loan eu+1"))
        #expect(a.storeName(for: "loan eu+1") != a.storeName(for: "loan-eu-1"))
        #expect(StoreNames.isValid(a.storeName(for: String(repeating: "é", count: 300))))
    }

    @Test func mapsMLflowErrors() throws {
        let client = try MLflowClient(trackingURI: "http://127.0.0.1:5000", credentials: nil)
        func failure(_ status: Int, _ body: String, location: String? = nil) -> StoreError {
            client.failure(MLflowHTTPAnswer(status: status, location: location, body: Array(body.utf8)), url: "http://127.0.0.1:5000/x", subject: "'models:/loan/9'")
        }
        let missing = failure(404, #"{"error_code": "RESOURCE_DOES_NOT_EXIST", "message": "Model Version (name=loan, version=9) not found"}"#)
        #expect(missing == StoreError(.notFound, "'models:/loan/9' was not found on the MLflow server 'http://127.0.0.1:5000' (RESOURCE_DOES_NOT_EXIST: Model Version (name=loan, version=9) not found); check the model name, version or alias in its registry."))
        // MLflow 3 answers an unknown alias with 400 INVALID_PARAMETER_VALUE.
        #expect(failure(400, #"{"error_code": "INVALID_PARAMETER_VALUE", "message": "Registered model alias nope not found."}"#).kind == .notFound)
        #expect(failure(400, #"{"error_code": "INVALID_PARAMETER_VALUE", "message": "Invalid alias name"}"#).kind == .remote)
        let denied = failure(401, "You are not authenticated.")
        #expect(denied.kind == .remote && denied.message.contains("MLFLOW_TRACKING_TOKEN") && denied.message.contains("HTTP 401"))
        let moved = failure(302, "", location: "https://sso.example/login")
        #expect(moved.message.contains("'https://sso.example/login'") && moved.message.contains("does not follow redirects"))
        let html = failure(404, "<!doctype html><title>404 Not Found</title>")
        #expect(html.kind == .remote && html.message.contains("is an MLflow tracking server"))
        #expect(failure(500, String(repeating: "[", count: 100_000)).kind == .remote)
        let broken = failure(500, String(repeating: "x", count: 500))
        #expect(broken.kind == .remote && broken.message.contains("HTTP 500") && broken.message.count < 500)
    }
}
