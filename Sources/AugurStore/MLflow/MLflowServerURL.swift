import Foundation

/// A tracking server's address, `http[s]://HOST[:PORT][/PREFIX]`, split the way MLflow's client
/// builds REST and artifact-proxy URLs from it.
struct MLflowServerURL: Sendable, Hashable, CustomStringConvertible {
    let scheme: String
    /// `host[:port]`, as written (IPv6 hosts in brackets).
    let authority: String
    /// `""` or `/prefix` without a trailing slash (a server behind a path-routing proxy).
    let pathPrefix: String

    var base: String { "\(scheme)://\(authority)\(pathPrefix)" }
    var description: String { base }

    init(parsing text: String) throws(StoreError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        func refuse(_ problem: String) -> StoreError {
            StoreError(.invalidName, "'\(text)' is not a usable MLflow tracking URI: \(problem); expected 'http://HOST:PORT' or 'https://HOST[/PREFIX]' (MLFLOW_TRACKING_URI, or mlflow.tracking_uri in augur.yaml).")
        }
        guard let separator = trimmed.range(of: "://") else {
            throw refuse(trimmed.isEmpty ? "it is empty" : "Augur talks to tracking servers over HTTP only, not to 'file:', 'sqlite:' or 'databricks' stores")
        }
        let scheme = trimmed[..<separator.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else {
            throw refuse("the scheme '\(scheme)' is not http or https")
        }
        let rest = trimmed[separator.upperBound...]
        guard !rest.contains("?"), !rest.contains("#") else { throw refuse("it has a query or fragment") }
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        let authority = String(rest[..<slash])
        guard !authority.contains("@") else {
            throw refuse("it contains credentials; set MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD (or MLFLOW_TRACKING_TOKEN) instead")
        }
        guard !authority.isEmpty, !authority.hasPrefix(":"),
              authority.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) else {
            throw refuse("it has no valid host")
        }
        var prefix = String(rest[slash...])
        while prefix.hasSuffix("/") { prefix.removeLast() }
        guard prefix.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) else {
            throw refuse("its path has spaces or characters outside ASCII; percent-encode them")
        }
        self.scheme = scheme
        self.authority = authority
        self.pathPrefix = prefix
    }

    /// `base/api/2.0/mlflow/ENDPOINT?k=v&…` with every value percent-encoded.
    func restURL(_ endpoint: String, _ query: [(String, String)]) -> String {
        let pairs = query.map { "\($0.0)=\(Self.percentEncoded($0.1))" }.joined(separator: "&")
        return "\(base)/api/2.0/mlflow/\(endpoint)" + (pairs.isEmpty ? "" : "?\(pairs)")
    }

    /// `text` with every byte outside RFC 3986's unreserved set (`A–Z a–z 0–9 - . _ ~`)
    /// percent-encoded: safe in a path segment and in a query value (`+` becomes `%2B`, which
    /// MLflow would otherwise read as a space).
    static func percentEncoded(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.append(byte)
            default:
                out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
