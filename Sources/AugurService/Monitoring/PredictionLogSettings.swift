import Foundation

/// A route's prediction log (`log:` under the route): JSON Lines of the rows it predicted.
///
/// ```yaml
/// log:
///   path: logs/loan.jsonl        # relative to augur.yaml
///   sample: 0.1                  # the share of rows recorded (each row drawn on its own)
///   inputs: full                 # full | hash | drop, for every parameter not under fields:
///   fields: {ApplicantIncome: hash, Name: drop}
///   max_bytes: 104857600         # rotate at this size (default 100 MiB)
///   rotate_daily: true           # and at each UTC midnight (default false)
///   queue: 10000                 # records waiting to be written; more are dropped and counted
/// ```
public struct PredictionLogSettings: Sendable, Equatable {
    /// How a parameter's value is written.
    public enum Treatment: String, Sendable, Equatable {
        /// As the request gave it (after validation and defaults).
        case full
        /// `sha256:` + hex SHA-256 of the salt and the value: equal values stay equal, the value stays out.
        case hash
        /// Left out.
        case drop
    }

    /// Canonical absolute path of the current file.
    public var path: String
    public var sample = 1.0
    public var inputs = Treatment.full
    /// Per parameter, overriding `inputs`.
    public var fields: [String: Treatment] = [:]
    public var maxBytes = 100 << 20
    public var rotateDaily = false
    public var queue = 10_000
    /// The environment variable holding the salt of `hash` (`AUGUR_LOG_SALT` unless `salt_env:` says otherwise).
    public var saltVariable = "AUGUR_LOG_SALT"

    public init(path: String) {
        self.path = path
    }

    public func treatment(_ parameter: String) -> Treatment { fields[parameter] ?? inputs }

    static let keys = ["path", "sample", "inputs", "fields", "max_bytes", "rotate_daily", "queue", "salt_env"]

    /// Reads a route's `log:` mapping against its parameters; nil after recording errors.
    static func parse(_ node: ConfigNode, parameters: [String], folder: String, reader: inout ConfigReader) -> PredictionLogSettings? {
        guard let entries = reader.mapping(node) else { return nil }
        reader.checkKeys(entries, allowed: keys)
        let before = reader.errors.count
        guard let pathNode = entries.first(where: { $0.key == "path" })?.value else {
            reader.error(node, .missingKey, "missing 'path': the JSON Lines file predictions are written to.")
            return nil
        }
        guard let given = reader.string(pathNode) else { return nil }
        let absolute = given.hasPrefix("/") ? given : (folder as NSString).appendingPathComponent(given)
        var settings = PredictionLogSettings(path: URL(fileURLWithPath: absolute).standardizedFileURL.path)
        func treatment(_ node: ConfigNode) -> Treatment? {
            guard let text = reader.string(node) else { return nil }
            guard let value = Treatment(rawValue: text) else {
                reader.error(node, .invalidValue, "'\(text)' is not a field treatment; use full, hash or drop.")
                return nil
            }
            return value
        }
        for entry in entries {
            switch entry.key {
            case "sample": settings.sample = reader.double(entry.value, in: 0...1) ?? settings.sample
            case "inputs": settings.inputs = treatment(entry.value) ?? settings.inputs
            case "fields":
                guard let items = reader.mapping(entry.value) else { continue }
                for item in items {
                    guard parameters.contains(item.key) else {
                        let hint = Suggestion.closest(to: item.key, in: parameters).map { "; did you mean '\($0)'?" } ?? ""
                        reader.error(line: item.line, path: item.value.path, .unknownKey, "'\(item.key)' is not a parameter of this route\(hint).")
                        continue
                    }
                    if let value = treatment(item.value) { settings.fields[item.key] = value }
                }
            case "max_bytes": settings.maxBytes = reader.int(entry.value, in: 4096...(1 << 40)) ?? settings.maxBytes
            case "rotate_daily": settings.rotateDaily = reader.bool(entry.value) ?? settings.rotateDaily
            case "queue": settings.queue = reader.int(entry.value, in: 1...10_000_000) ?? settings.queue
            case "salt_env": settings.saltVariable = reader.string(entry.value) ?? settings.saltVariable
            default: break
            }
        }
        let directory = (settings.path as NSString).deletingLastPathComponent
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) || !isDirectory.boolValue {
            reader.error(pathNode, .invalidValue, "the folder '\(directory)' of the prediction log does not exist; create it first.")
        } else if access(directory, W_OK) != 0 {
            reader.error(pathNode, .invalidValue, "the folder '\(directory)' of the prediction log is not writable.")
        }
        return reader.errors.count == before ? settings : nil
    }
}
