import AsyncHTTPClient
import Foundation
import NIOCore

/// One HTTP answer, its body read up to a limit.
struct MLflowHTTPAnswer {
    let status: Int
    /// The `Location` header of a redirect.
    let location: String?
    let body: [UInt8]
}

extension MLflowClient {
    /// GETs a registry endpoint and decodes its JSON, or throws the `StoreError` its status says.
    func getJSON<Answer: Decodable>(_ endpoint: String, _ query: [(String, String)], subject: String) async throws(StoreError) -> Answer {
        let url = serverURL.restURL(endpoint, query)
        let answer = try await get(url, subject: subject, authorized: true, timeout: timeout, maxBytes: Self.maxMetadataBytes)
        guard answer.status == 200 else { throw failure(answer, url: url, subject: subject) }
        do {
            return try JSONDecoder().decode(Answer.self, from: Data(answer.body))
        } catch {
            throw StoreError(.remote, "The MLflow server '\(server)' sent an unexpected answer for \(subject) at '\(url)' (\(Self.snippet(answer.body))); is MLFLOW_TRACKING_URI an MLflow tracking server?")
        }
    }

    /// GETs `url`, reading at most `maxBytes` of body; transport failures become `.remote`
    /// errors naming the server and what to check.
    func get(_ url: String, subject: String, authorized: Bool, timeout: Duration, maxBytes: Int) async throws(StoreError) -> MLflowHTTPAnswer {
        var request = HTTPClientRequest(url: url)
        request.method = .GET
        request.headers.add(name: "Accept", value: "application/json, */*")
        request.headers.add(name: "User-Agent", value: "augur")
        if authorized, let credentials {
            request.headers.add(name: "Authorization", value: credentials.headerValue)
        }
        let deadline = NIODeadline.now() + TimeAmount(timeout)
        do {
            let response = try await httpClient.execute(request, deadline: deadline)
            if let length = response.headers.first(name: "Content-Length").flatMap(Int.init), length > maxBytes {
                throw MLflowTooLarge(size: length, limit: maxBytes)
            }
            var body: [UInt8] = []
            for try await chunk in response.body {
                guard body.count + chunk.readableBytes <= maxBytes else {
                    throw MLflowTooLarge(size: nil, limit: maxBytes)
                }
                body.append(contentsOf: chunk.readableBytesView)
            }
            return MLflowHTTPAnswer(status: Int(response.status.code), location: response.headers.first(name: "Location"), body: body)
        } catch let tooLarge as MLflowTooLarge {
            let size = tooLarge.size.map { "is \($0) bytes, more" } ?? "is larger"
            throw StoreError(.remote, "\(subject.prefix(1).uppercased() + subject.dropFirst()) at '\(url)' \(size) than the limit of \(tooLarge.limit) bytes; raise the limit (maxModelBytes) if the model is really that large.")
        } catch {
            throw StoreError(.remote, "Cannot reach the MLflow server '\(server)' for \(subject) (GET '\(url)'): \(Self.describe(error, timeout: timeout)); check MLFLOW_TRACKING_URI (or mlflow.tracking_uri in augur.yaml) and that the server is running.")
        }
    }

    /// The `StoreError` for a non-200 answer: `.notFound` for MLflow's RESOURCE_DOES_NOT_EXIST
    /// (and for the 400 INVALID_PARAMETER_VALUE "… alias … not found" MLflow answers for an
    /// unknown alias), `.remote` with a hint for everything else.
    func failure(_ answer: MLflowHTTPAnswer, url: String, subject: String,
                 notFoundHint: String = "check the model name, version or alias in its registry") -> StoreError {
        let error = try? JSONDecoder().decode(MLflowErrorAnswer.self, from: Data(answer.body))
        let code = error?.error_code ?? ""
        let message = error?.message ?? ""
        let detail = error == nil ? Self.snippet(answer.body) : "\(code.isEmpty ? "error" : code): \(message)"
        let status = answer.status
        if code == "RESOURCE_DOES_NOT_EXIST" || (code == "INVALID_PARAMETER_VALUE" && message.lowercased().contains("not found")) {
            return StoreError(.notFound, "\(subject) was not found on the MLflow server '\(server)' (\(detail)); \(notFoundHint).")
        }
        switch status {
        case 401, 403:
            return StoreError(.remote, "The MLflow server '\(server)' refused access to \(subject) (HTTP \(status) at '\(url)'); set MLFLOW_TRACKING_TOKEN, or MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD, for a user allowed to read it.")
        case 300..<400:
            let location = answer.location ?? "?"
            return StoreError(.remote, "The MLflow server '\(server)' redirected \(subject) (HTTP \(status) at '\(url)') to '\(location)'; Augur does not follow redirects: set the tracking URI to the final address.")
        case 404:
            return StoreError(.remote, "The MLflow server '\(server)' answered HTTP 404 for \(subject) at '\(url)' (\(detail)); check that MLFLOW_TRACKING_URI is an MLflow tracking server with its model registry, and the name and version.")
        default:
            return StoreError(.remote, "The MLflow server '\(server)' answered HTTP \(status) for \(subject) at '\(url)' (\(detail)); check the server's log.")
        }
    }

    /// A short, readable description of a transport error.
    static func describe(_ error: any Error, timeout: Duration) -> String {
        if error is CancellationError { return "the request was cancelled" }
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .writeTimeout: return "no answer within \(timeout)"
            case .connectTimeout, .getConnectionFromPoolTimeout: return "could not connect within \(timeout)"
            case .remoteConnectionClosed: return "the server closed the connection"
            default: break
            }
        }
        let text = String(describing: error)
        if text.localizedCaseInsensitiveContains("refused") { return "connection refused" }
        if text.localizedCaseInsensitiveContains("dns") || text.localizedCaseInsensitiveContains("resolve") {
            return "the host name does not resolve (\(text.prefix(200)))"
        }
        return String(text.prefix(300))
    }

    /// The first 200 characters of a body, for messages.
    static func snippet(_ body: [UInt8]) -> String {
        let text = String(decoding: body.prefix(200), as: UTF8.self)
            .replacingOccurrences(of: "\n", with: " ")
            .trimmingCharacters(in: .whitespaces)
        if text.isEmpty { return "empty body" }
        return body.count > 200 ? "'\(text)…'" : "'\(text)'"
    }
}

/// A body over its limit, caught inside `MLflowClient.get`.
private struct MLflowTooLarge: Error {
    let size: Int?
    let limit: Int
}
