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

    /// Loads the configuration and every model, turning config errors into a clean failure.
    static func loadService(_ path: String, adjust: (inout ServiceConfiguration) -> Void = { _ in }) throws -> Service {
        do {
            var configuration = try ServiceConfiguration.load(contentsOf: path)
            adjust(&configuration)
            return try Service(configuration: configuration)
        } catch let errors as ConfigErrors {
            throw CommandFailure("Invalid configuration:\n\(errors)")
        }
    }
}
