import Foundation

/// The ONNX file of one model version, as downloaded.
public struct MLflowArtifact: Sendable {
    public let bytes: [UInt8]
    /// The file's name in the version's artifacts (`model.onnx`).
    public let fileName: String
    /// Where it was read: the artifact-proxy URL or the local path.
    public let location: String
    /// The version's artifact directory as MLflow named it (`mlflow-artifacts:/1/models/m-…/artifacts`).
    public let artifactURI: String
}

extension MLflowClient {
    /// Downloads the ONNX file of `version`: asks the server where its artifacts are
    /// (`model-versions/get-download-uri`), reads their `MLmodel` file, and fetches the file its
    /// `onnx` flavor names. Through the artifact proxy, the byte count is checked against the
    /// proxy's listing (`.integrity` when they differ). A version without an onnx flavor is
    /// refused (`.notFound`), as is one whose status is not `READY` (`.remote`); no other file
    /// (pickles included) is ever read.
    public func downloadONNX(_ version: MLflowModelVersion) async throws(StoreError) -> MLflowArtifact {
        let reference = version.reference
        guard version.isReady else {
            throw StoreError(.remote, "'\(reference)' has the status \(version.status) on the MLflow server '\(server)', not READY; wait until its registration finishes, or select another version.")
        }
        let uriAnswer: MLflowDownloadURIAnswer = try await getJSON(
            "model-versions/get-download-uri", [("name", version.name), ("version", version.version)], subject: "'\(reference)'")
        let artifactURI = uriAnswer.artifact_uri
        let location: MLflowArtifactLocation
        do {
            location = try MLflowArtifactLocation.mapping(artifactURI, tracking: serverURL)
        } catch {
            throw StoreError(.remote, "Cannot download '\(reference)': its artifacts \(error.message).")
        }

        let modelFileSubject = "the MLmodel file of '\(reference)'"
        let modelFileBytes = try await read(["MLmodel"], at: location, subject: modelFileSubject, timeout: timeout, maxBytes: Self.maxMetadataBytes)
        let modelFile: MLflowModelFile
        do {
            modelFile = try MLflowModelFile(yaml: String(decoding: modelFileBytes, as: UTF8.self))
        } catch {
            guard case .malformed(let problem) = error else { throw StoreError(.remote, "\(modelFileSubject) is unreadable.") }
            throw StoreError(.remote, "\(modelFileSubject) at '\(location.location(of: ["MLmodel"]))' cannot be read: \(problem); the version's artifacts look damaged.")
        }
        guard let data = modelFile.onnxData else {
            let flavors = modelFile.flavors.isEmpty ? "none" : modelFile.flavors.joined(separator: ", ")
            if modelFile.flavors.contains("onnx") {
                throw StoreError(.remote, "'\(reference)' has an onnx flavor without a 'data' file in its MLmodel file; log the model again with mlflow.onnx.log_model.")
            }
            throw StoreError(.notFound, "'\(reference)' is not an ONNX model (its MLmodel flavors: \(flavors)); Augur serves ONNX models only: convert the model (skl2onnx, onnxmltools) and log it with mlflow.onnx.log_model.")
        }
        guard let file = MLflowArtifactLocation.relativeComponents(data) else {
            throw StoreError(.invalidName, "The MLmodel file of '\(reference)' names the ONNX file '\(data)', which is not a plain relative path inside the version's artifacts.")
        }
        let bytes = try await read(file, at: location, subject: "the ONNX file '\(data)' of '\(reference)'", timeout: downloadTimeout, maxBytes: maxModelBytes)
        try await verifySize(bytes.count, of: file, at: location, reference: reference)
        return MLflowArtifact(bytes: bytes, fileName: file[file.count - 1], location: location.location(of: file), artifactURI: artifactURI)
    }

    /// Reads `file` (relative components) of an artifact directory, over the proxy or from disk.
    private func read(_ file: [String], at location: MLflowArtifactLocation, subject: String, timeout: Duration, maxBytes: Int) async throws(StoreError) -> [UInt8] {
        switch location {
        case .proxy(_, _, let sameHost):
            let url = location.location(of: file)
            let answer = try await get(url, subject: subject, authorized: sameHost, timeout: timeout, maxBytes: maxBytes)
            guard answer.status == 200 else {
                throw failure(answer, url: url, subject: subject,
                              notFoundHint: "the version's artifacts were deleted or never uploaded; log the model again")
            }
            return answer.body
        case .local(let directory):
            return try MLflowLocalArtifacts.read(file, in: directory, subject: subject, maxBytes: maxBytes)
        }
    }

    /// Compares the downloaded size with the artifact proxy's listing of the file's directory
    /// (one small request; local files were just sized by the file system).
    private func verifySize(_ count: Int, of file: [String], at location: MLflowArtifactLocation, reference: MLflowReference) async throws(StoreError) {
        guard case .proxy(let base, let path, let sameHost) = location else { return }
        let directory = MLflowArtifactLocation.proxy(base: base, path: path + file.dropLast(), sameHostAsTracking: sameHost)
        guard let url = directory.listingURL else { return }
        let subject = "the artifact listing of '\(reference)'"
        let answer = try await get(url, subject: subject, authorized: sameHost, timeout: timeout, maxBytes: Self.maxMetadataBytes)
        guard answer.status == 200 else { throw failure(answer, url: url, subject: subject) }
        let listing = try? JSONDecoder().decode(MLflowArtifactListing.self, from: Data(answer.body))
        let name = file[file.count - 1]
        let entry = listing?.files?.first { $0.path == name || $0.path.hasSuffix("/" + name) }
        guard let expected = entry?.file_size?.value else { return }
        guard expected == Int64(count) else {
            throw StoreError(.integrity, "The ONNX file of '\(reference)' arrived with \(count) bytes but the MLflow server '\(server)' lists it with \(expected) (\(url)); download again.")
        }
    }
}
