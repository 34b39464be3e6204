import Foundation

/// Reads `server.auth` (API keys from a file or an environment variable) and `server.cors`.
///
/// Keys are read when the configuration loads, so `augur check` and `augur serve` refuse a
/// missing file, an unset variable or an empty set; messages name the line of the key file,
/// never a key.
struct SecurityParser {
    static let authKeys = ["api_keys_file", "api_keys_env"]
    static let corsKeys = ["allow_origins", "allow_methods", "allow_headers", "max_age"]
    static let methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]

    /// Relative key files are found from here (the configuration's folder).
    let folder: String
    var environment: [String: String] = ProcessInfo.processInfo.environment

    func auth(_ node: ConfigNode, reader: inout ConfigReader) -> APIKeys? {
        guard let entries = reader.mapping(node) else { return nil }
        reader.checkKeys(entries, allowed: Self.authKeys)
        let sources = entries.filter { Self.authKeys.contains($0.key) }
        guard sources.count == 1, let source = sources.first else {
            reader.error(node, .conflictingKeys, "give exactly one of api_keys_file (a file of keys, one per line) or api_keys_env (an environment variable holding them).")
            return nil
        }
        guard let name = reader.string(source.value) else { return nil }
        let text: String
        let origin: String
        if source.key == "api_keys_file" {
            let path = name.hasPrefix("/") ? name : (folder as NSString).appendingPathComponent(name)
            guard let contents = try? String(contentsOfFile: path, encoding: .utf8) else {
                reader.error(source.value, .unreadable, "cannot read the key file '\(path)'.")
                return nil
            }
            (text, origin) = (contents, "the key file '\(name)'")
        } else {
            guard let value = environment[name] else {
                reader.error(source.value, .unreadable, "the environment variable '\(name)' is not set; it must hold the API keys, one per line.")
                return nil
            }
            (text, origin) = (value, "the environment variable '\(name)'")
        }
        var keys: [String] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let key = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if key.isEmpty || key.hasPrefix("#") { continue }
            guard key.utf8.count >= Self.minimumKeyLength, key.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7f }) else {
                reader.error(source.value, .invalidValue, "line \(index + 1) of \(origin) is not a usable key; a key is at least \(Self.minimumKeyLength) printable ASCII characters without spaces.")
                continue
            }
            keys.append(key)
        }
        guard !keys.isEmpty else {
            reader.error(source.value, .invalidValue, "\(origin) holds no keys; write one key per line ('#' starts a comment).")
            return nil
        }
        return APIKeys(keys)
    }

    static let minimumKeyLength = ServiceDefaults.minimumAPIKeyLength

    func cors(_ node: ConfigNode, reader: inout ConfigReader) -> CORSConfiguration? {
        guard let entries = reader.mapping(node) else { return nil }
        reader.checkKeys(entries, allowed: Self.corsKeys)
        var cors = CORSConfiguration(allowOrigins: [])
        var sawOrigins = false
        let errorsBefore = reader.errors.count
        for entry in entries {
            switch entry.key {
            case "allow_origins":
                sawOrigins = true
                cors.allowOrigins = strings(entry.value, reader: &reader) { origin in
                    origin == "*" || Self.isOrigin(origin) ? nil
                        : "'\(origin)' is not an origin; write scheme://host[:port] with no path or trailing '/', or '*' for any."
                }
            case "allow_methods":
                cors.allowMethods = strings(entry.value, reader: &reader) { method in
                    method == "*" || Self.methods.contains(method.uppercased()) ? nil
                        : "'\(method)' is not a method; expected '*' or some of \(Self.methods.joined(separator: ", "))."
                }.map { $0.uppercased() }
            case "allow_headers":
                cors.allowHeaders = strings(entry.value, reader: &reader) { header in
                    header == "*" || Self.isToken(header) ? nil : "'\(header)' is not a header name."
                }
            case "max_age":
                cors.maxAge = reader.int(entry.value, in: 0...86_400) ?? cors.maxAge
            default: break
            }
        }
        // An empty or missing list; a list whose origins were all refused is reported already.
        if !sawOrigins || (cors.allowOrigins.isEmpty && reader.errors.count == errorsBefore) {
            reader.error(node, .missingKey, "allow_origins needs at least one origin (such as https://app.example.com, or '*').")
            return nil
        }
        return reader.errors.count == errorsBefore ? cors : nil
    }

    /// A list of strings, each checked by `problem` (nil: fine).
    private func strings(_ node: ConfigNode, reader: inout ConfigReader, _ problem: (String) -> String?) -> [String] {
        guard let items = reader.sequence(node) else { return [] }
        var values: [String] = []
        for item in items {
            guard let text = reader.string(item) else { continue }
            if let message = problem(text) { reader.error(item, .invalidValue, message) } else { values.append(text) }
        }
        return values
    }

    static func isOrigin(_ text: String) -> Bool {
        guard let url = URLComponents(string: text), let scheme = url.scheme, ["http", "https"].contains(scheme),
              let host = url.host, !host.isEmpty else { return false }
        return url.path.isEmpty && url.query == nil && url.fragment == nil && url.user == nil
    }

    static func isToken(_ text: String) -> Bool {
        !text.isEmpty && text.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_".unicodeScalars.contains($0)) }
    }
}
