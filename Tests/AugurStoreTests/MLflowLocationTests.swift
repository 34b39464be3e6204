@testable import AugurStore
import Foundation
import Testing

/// Tracking URIs, REST URLs and the mapping of artifact URIs to proxy URLs or local paths.
@Suite struct MLflowLocationTests {
    let tracking: MLflowServerURL

    init() throws {
        tracking = try MLflowServerURL(parsing: "http://127.0.0.1:5000/")
    }

    @Test func normalisesTrackingURIs() throws {
        #expect(try MLflowServerURL(parsing: "http://127.0.0.1:5000/").base == "http://127.0.0.1:5000")
        #expect(try MLflowServerURL(parsing: " HTTPS://mlflow.example:443/team/mlflow// ").base == "https://mlflow.example:443/team/mlflow")
        #expect(try MLflowServerURL(parsing: "http://[::1]:5000").authority == "[::1]:5000")
    }

    @Test(arguments: ["", "file:///tmp/mlruns", "databricks", "sqlite:///mlflow.db", "ftp://host", "http://user:pw@host",
                      "http://", "http://:5000", "http://host/a b", "http://host/?x=1"])
    func refusesUnusableTrackingURIs(_ text: String) {
        let error = #expect(throws: StoreError.self) { try MLflowServerURL(parsing: text) }
        #expect(error?.kind == .invalidName)
        #expect(error?.message.contains("MLFLOW_TRACKING_URI") == true)
    }

    @Test func encodesQueryValues() {
        #expect(tracking.restURL("model-versions/get", [("name", "loan eu+1"), ("version", "1")])
            == "http://127.0.0.1:5000/api/2.0/mlflow/model-versions/get?name=loan%20eu%2B1&version=1")
        #expect(MLflowServerURL.percentEncoded("a-b_c.d~é/?&=#%") == "a-b_c.d~%C3%A9%2F%3F%26%3D%23%25")
    }

    @Test func mapsProxiedArtifacts() throws {
        let location = try MLflowArtifactLocation.mapping("mlflow-artifacts:/1/models/m-0a/artifacts", tracking: tracking)
        #expect(location == .proxy(base: "http://127.0.0.1:5000", path: ["1", "models", "m-0a", "artifacts"], sameHostAsTracking: true))
        #expect(location.location(of: ["model.onnx"]) == "http://127.0.0.1:5000/api/2.0/mlflow-artifacts/artifacts/1/models/m-0a/artifacts/model.onnx")
        #expect(location.listingURL == "http://127.0.0.1:5000/api/2.0/mlflow-artifacts/artifacts?path=1%2Fmodels%2Fm-0a%2Fartifacts")
        let spaced = try MLflowArtifactLocation.mapping("mlflow-artifacts:/exp one/x+y", tracking: tracking)
        #expect(spaced.location(of: ["m.onnx"]) == "http://127.0.0.1:5000/api/2.0/mlflow-artifacts/artifacts/exp%20one/x%2By/m.onnx")
    }

    @Test func keepsTheTrackingPrefixAndSendsCredentialsOnlyToItsHost() throws {
        let prefixed = try MLflowServerURL(parsing: "https://ml.example/mlflow")
        #expect(try MLflowArtifactLocation.mapping("mlflow-artifacts:/1/a", tracking: prefixed)
            .location(of: ["MLmodel"]) == "https://ml.example/mlflow/api/2.0/mlflow-artifacts/artifacts/1/a/MLmodel")
        #expect(try MLflowArtifactLocation.mapping("mlflow-artifacts://ML.example/1/a", tracking: prefixed)
            == .proxy(base: "https://ml.example/mlflow", path: ["1", "a"], sameHostAsTracking: true))
        #expect(try MLflowArtifactLocation.mapping("mlflow-artifacts://proxy:5001/1/a", tracking: prefixed)
            == .proxy(base: "https://proxy:5001/mlflow", path: ["1", "a"], sameHostAsTracking: false))
    }

    @Test func mapsLocalArtifacts() throws {
        #expect(try MLflowArtifactLocation.mapping("file:///srv/ml%20runs/1/./a/", tracking: tracking) == .local(directory: "/srv/ml runs/1/a"))
        #expect(try MLflowArtifactLocation.mapping("file://localhost/srv/a", tracking: tracking) == .local(directory: "/srv/a"))
        #expect(try MLflowArtifactLocation.mapping("/srv/mlruns/1/a", tracking: tracking) == .local(directory: "/srv/mlruns/1/a"))
        #expect(MLflowArtifactLocation.local(directory: "/srv/a").location(of: ["model.onnx"]) == "/srv/a/model.onnx")
    }

    @Test(arguments: ["s3://bucket/1/a", "gs://b/a", "wasbs://c@acct.blob.core.windows.net/a", "dbfs:/a", "runs:/abc/model",
                      "mlruns/1/a", "file://otherhost/srv/a", "file:///srv/../etc", "file:///srv/a%2F..%2Fb", "mlflow-artifacts:/1/../../etc",
                      "mlflow-artifacts://user@host/1"])
    func refusesArtifactsItCannotRead(_ uri: String) {
        #expect(throws: MLflowLocationProblem.self) { try MLflowArtifactLocation.mapping(uri, tracking: tracking) }
    }

    @Test func explainsUnsupportedStores() {
        let problem = #expect(throws: MLflowLocationProblem.self) { try MLflowArtifactLocation.mapping("s3://bucket/1/a", tracking: tracking) }
        #expect(problem?.message.contains("'s3://bucket/1/a' is stored with s3:") == true)
        #expect(problem?.message.contains("--serve-artifacts") == true)
    }

    @Test func checksRelativeDataPaths() {
        #expect(MLflowArtifactLocation.relativeComponents("model.onnx") == ["model.onnx"])
        #expect(MLflowArtifactLocation.relativeComponents("./data/model.onnx") == ["data", "model.onnx"])
        for bad in ["", "/etc/passwd", "../model.onnx", "a/../../b", "a//b", "a\\b", "a/\u{1}"] {
            #expect(MLflowArtifactLocation.relativeComponents(bad) == nil, "\(bad)")
        }
    }

    @Test func readsLocalFilesInsideTheDirectoryOnly() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("augur-mlflow-\(UUID().uuidString)")
        let artifacts = root.appendingPathComponent("artifacts"), outside = root.appendingPathComponent("secret.onnx")
        try FileManager.default.createDirectory(at: artifacts, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        try Data([1, 2, 3]).write(to: artifacts.appendingPathComponent("model.onnx"))
        try Data([9]).write(to: outside)
        try FileManager.default.createSymbolicLink(at: artifacts.appendingPathComponent("escape.onnx"), withDestinationURL: outside)

        #expect(try MLflowLocalArtifacts.read(["model.onnx"], in: artifacts.path, subject: "m", maxBytes: 10) == [1, 2, 3])
        let escape = #expect(throws: StoreError.self) { try MLflowLocalArtifacts.read(["escape.onnx"], in: artifacts.path, subject: "m", maxBytes: 10) }
        #expect(escape?.kind == .invalidName)
        let missing = #expect(throws: StoreError.self) { try MLflowLocalArtifacts.read(["nope.onnx"], in: artifacts.path, subject: "m", maxBytes: 10) }
        #expect(missing?.kind == .notFound)
        let large = #expect(throws: StoreError.self) { try MLflowLocalArtifacts.read(["model.onnx"], in: artifacts.path, subject: "m", maxBytes: 2) }
        #expect(large?.message.contains("limit of 2 bytes") == true)
    }
}
