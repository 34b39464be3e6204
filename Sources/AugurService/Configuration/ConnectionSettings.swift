import Foundation

/// How `augur serve` treats connections (`server.*`): timeouts in seconds (0 turns one off),
/// the connection cap, the graceful drain, and TLS.
public struct ConnectionSettings: Sendable, Equatable {
    /// `server.header_timeout`: a request head must be complete this long after the connection
    /// opens (or after its first byte on a kept-alive connection); else 408 and close.
    public var headerTimeout = ServiceDefaults.headerTimeout
    /// `server.idle_timeout`: a kept-alive connection with no request is closed after this long.
    public var idleTimeout = ServiceDefaults.idleTimeout
    /// `server.body_timeout`: the longest pause between two reads of a request body; else 408 and close.
    public var bodyTimeout = ServiceDefaults.bodyTimeout
    /// `server.request_timeout`: from the request head to the end of the response; else 408
    /// (body still arriving) or 503 (still computing), and close.
    public var requestTimeout = ServiceDefaults.requestTimeout
    /// `server.max_connections`: connections over this many are answered 503 and closed.
    public var maxConnections = ServiceDefaults.maxConnections
    /// `server.drain_timeout`: on SIGTERM/SIGINT, how long requests in flight may take to finish.
    public var drainTimeout = ServiceDefaults.drainTimeout
    /// `server.tls`: serve HTTPS (and gRPC over TLS) with these PEM files; nil: plain HTTP.
    public var tls: TLSFiles?

    public init() {}
}

/// `server.tls`: a PEM certificate (chain) and its PEM private key, paths resolved against the
/// configuration's folder; the lines are kept to report a file the TLS library refuses.
public struct TLSFiles: Sendable, Equatable {
    public var certificate: String
    public var key: String
    /// Where each path was given: the configuration file and line, or a command-line flag.
    public var certificateSource: ConfigError
    public var keySource: ConfigError

    public init(certificate: String, key: String, certificateSource: ConfigError, keySource: ConfigError) {
        self.certificate = certificate
        self.key = key
        self.certificateSource = certificateSource
        self.keySource = keySource
    }

    /// Paths given on the command line (`--tls-certificate`, `--tls-key`), relative to the working directory.
    public init(certificate: String, key: String) {
        self.init(certificate: certificate, key: key,
                  certificateSource: ConfigError(file: "--tls-certificate", line: nil, keyPath: "", code: .unreadable, message: ""),
                  keySource: ConfigError(file: "--tls-key", line: nil, keyPath: "", code: .unreadable, message: ""))
    }

    /// A problem with the certificate (`key: false`) or the key file, where it was given.
    public func error(key isKey: Bool, _ code: ConfigError.Code, _ message: String) -> ConfigError {
        let source = isKey ? keySource : certificateSource
        return ConfigError(file: source.file, line: source.line, keyPath: source.keyPath, code: code, message: message)
    }

    /// Unreadable files, as configuration errors (the parser and the command line check this).
    public func unreadable() -> [ConfigError] {
        [(certificate, false), (key, true)].compactMap { path, isKey in
            FileManager.default.isReadableFile(atPath: path) ? nil : error(key: isKey, .unreadable, "cannot read '\(path)'; expected a readable PEM file.")
        }
    }
}

/// Reads the connection keys of `server:` (timeouts, `max_connections`, `tls`).
struct ConnectionParser {
    static let keys = ["header_timeout", "idle_timeout", "body_timeout", "request_timeout", "max_connections", "drain_timeout", "tls"]
    let folder: String

    func read(_ key: String, _ value: ConfigNode, into c: inout ConnectionSettings, reader: inout ConfigReader) {
        switch key {
        case "header_timeout": c.headerTimeout = reader.double(value, in: 0...86_400) ?? c.headerTimeout
        case "idle_timeout": c.idleTimeout = reader.double(value, in: 0...86_400) ?? c.idleTimeout
        case "body_timeout": c.bodyTimeout = reader.double(value, in: 0...86_400) ?? c.bodyTimeout
        case "request_timeout": c.requestTimeout = reader.double(value, in: 0...86_400) ?? c.requestTimeout
        case "drain_timeout": c.drainTimeout = reader.double(value, in: 0...86_400) ?? c.drainTimeout
        case "max_connections": c.maxConnections = reader.int(value, in: 1...1_000_000) ?? c.maxConnections
        case "tls": c.tls = tls(value, reader: &reader)
        default: break
        }
    }

    private func tls(_ node: ConfigNode, reader: inout ConfigReader) -> TLSFiles? {
        guard let entries = reader.mapping(node) else { return nil }
        reader.checkKeys(entries, allowed: ["certificate", "key"])
        var paths: [String: (String, ConfigError)] = [:]
        for entry in entries where ["certificate", "key"].contains(entry.key) {
            guard let text = reader.string(entry.value) else { continue }
            let path = text.hasPrefix("/") ? text : (folder as NSString).appendingPathComponent(text)
            paths[entry.key] = (path, ConfigError(file: reader.file, line: entry.value.line, keyPath: entry.value.path, code: .unreadable, message: ""))
        }
        for name in ["certificate", "key"] where paths[name] == nil && entries.allSatisfy({ $0.key != name }) {
            reader.error(node, .missingKey, "missing '\(name)': server.tls needs both a PEM certificate and its PEM key.")
        }
        guard let certificate = paths["certificate"], let key = paths["key"] else { return nil }
        let files = TLSFiles(certificate: certificate.0, key: key.0, certificateSource: certificate.1, keySource: key.1)
        for problem in files.unreadable() { reader.error(line: problem.line, path: problem.keyPath, problem.code, problem.message) }
        return files
    }
}
