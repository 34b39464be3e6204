import AugurServer
import Foundation
@testable import AugurService

extension Route {
    /// The route's own-JSON answer to a body, as `POST /{route}` writes it.
    func answer(body: JSONValue) throws -> JSONValue { try Self.ownJSON(predict(body: body)) }

    /// The route's own-JSON answer to a query, as `GET /{route}` writes it.
    func answer(query: [(String, String)]) throws -> JSONValue { try Self.ownJSON(predict(query: query)) }

    static func ownJSON(_ predictions: Predictions) throws -> JSONValue {
        try JSONParser().parse(OwnJSONEncoder().encode(predictions))
    }
}

/// A temporary folder holding an augur.yaml and copies of fixture models.
struct TempService {
    let folder: URL

    init(yaml: String, models: [String: String] = [:]) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("augur-service-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fixtures")
        for (file, fixture) in models {
            try FileManager.default.copyItem(at: fixtures.appendingPathComponent(fixture).appendingPathComponent("model.onnx"),
                                             to: folder.appendingPathComponent(file))
        }
        try yaml.write(to: folder.appendingPathComponent("augur.yaml"), atomically: true, encoding: .utf8)
    }

    /// The loan forest behind one route, with `server` (lines, indented here) as the `server:`
    /// section and `files` written beside augur.yaml.
    static func server(_ server: String, files: [String: String] = [:]) throws -> TempService {
        let service = try TempService(yaml: """
        server:
        \(server.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
        models:
          loan: model.onnx
        routes:
          loan: {model: loan}
        """, models: ["model.onnx": "rf_classifier_binary_loan"])
        for (name, text) in files { try text.write(to: service.folder.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        return service
    }

    var path: String { folder.appendingPathComponent("augur.yaml").path }

    func configuration() throws -> ServiceConfiguration { try ServiceConfiguration.load(contentsOf: folder.path) }

    func service() async throws -> Service { try await Service.load(configuration: configuration()) }

    /// The config errors' codes, in order.
    func configCodes() async -> [String] {
        do {
            _ = try await service()
            return []
        } catch let errors as ConfigErrors {
            return errors.errors.map(\.code.rawValue)
        } catch {
            return ["\(error)"]
        }
    }

    /// The config error lines, with the temp folder shortened to `augur.yaml`.
    func configErrors() async -> [String] {
        do {
            _ = try await service()
            return []
        } catch let errors as ConfigErrors {
            return errors.errors.map { $0.description.replacingOccurrences(of: path, with: "augur.yaml") }
        } catch {
            return ["\(error)"]
        }
    }
}

/// Parses JSON text for tests.
func json(_ text: String) throws -> JSONValue { try JSONParser().parse(text) }

/// The error body of a failing prediction, serialised; nil if it succeeds.
func errorBody<T>(_ body: () throws -> T) -> String? {
    do {
        _ = try body()
        return nil
    } catch let error as RequestError {
        return error.body.serializedString
    } catch {
        return "\(error)"
    }
}
