/// A parsed `augur.yaml`: service metadata, server settings, models and routes.
///
/// `load(contentsOf:)` checks everything that can be checked without the models and reports
/// every problem at once (`ConfigErrors`); `Service.init` then checks routes against the models.
public struct ServiceConfiguration: Sendable {
    /// The configuration file, as given.
    public var path: String
    public var name: String
    public var title: String
    public var version: String
    public var description: String
    public var host: String
    public var port: Int
    public var maxBodyBytes: Int
    public var maxBatch: Int
    public var allowUnknownFields: Bool

    public init(path: String) {
        self.path = path
        name = ""
        title = ""
        version = ServiceDefaults.version
        description = ""
        host = ServiceDefaults.host
        port = ServiceDefaults.port
        maxBodyBytes = ServiceDefaults.maxBodyBytes
        maxBatch = ServiceDefaults.maxBatch
        allowUnknownFields = ServiceDefaults.allowUnknownFields
    }

    /// Reads and checks a configuration file; `path` may also be a folder holding `augur.yaml`.
    public static func load(contentsOf path: String) throws -> ServiceConfiguration {
        throw ConfigErrors([ConfigError(file: path, line: nil, keyPath: "", message: "configuration loading is not implemented yet.")])
    }
}
