import AugurService
import Foundation

/// Where a configuration file is: a file, or a folder holding `augur.yaml`.
enum ConfigLocation {
    static func resolve(_ argument: String?) -> String {
        let path = argument ?? ServiceDefaults.fileName
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            return URL(fileURLWithPath: path).appendingPathComponent(ServiceDefaults.fileName).path
        }
        return path
    }

    /// Loads the configuration and every model (files, the store, MLflow), turning config
    /// errors into a clean failure.
    static func loadService(_ path: String, store: String? = nil,
                            adjust: (inout ServiceConfiguration) -> Void = { _ in }) async throws -> Service {
        do {
            return try await service(path, store: store, adjust: adjust)
        } catch let errors as ConfigErrors {
            throw CommandFailure("Invalid configuration:\n\(errors)")
        }
    }

    /// The same, with configuration errors thrown as `ConfigErrors`.
    static func service(_ path: String, store: String? = nil,
                        adjust: (inout ServiceConfiguration) -> Void = { _ in }) async throws -> Service {
        var configuration = try ServiceConfiguration.load(contentsOf: path)
        if let store { configuration.storeRoot = store }
        adjust(&configuration)
        return try await Service.load(configuration: configuration, provider: ModelProvider(configuration: configuration))
    }
}
