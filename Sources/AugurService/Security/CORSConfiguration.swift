/// Which browser origins may call the server (`server.cors`), and with which methods and
/// request headers; off unless configured.
public struct CORSConfiguration: Sendable, Equatable {
    /// Origins such as `https://app.example.com`, compared exactly; `*` allows any.
    public var allowOrigins: [String]
    /// Methods a preflight may ask for; `*` allows any.
    public var allowMethods: [String]
    /// Request headers a preflight may ask for (compared without case); `*` allows any.
    public var allowHeaders: [String]
    /// Seconds a browser may cache a preflight's answer.
    public var maxAge: Int

    public init(allowOrigins: [String], allowMethods: [String] = ServiceDefaults.corsAllowMethods,
                allowHeaders: [String] = ServiceDefaults.corsAllowHeaders, maxAge: Int = ServiceDefaults.corsMaxAge) {
        self.allowOrigins = allowOrigins
        self.allowMethods = allowMethods
        self.allowHeaders = allowHeaders
        self.maxAge = maxAge
    }

    public func allows(origin: String) -> Bool { allowOrigins.contains("*") || allowOrigins.contains(origin) }

    public func allows(method: String) -> Bool { allowMethods.contains("*") || allowMethods.contains(method.uppercased()) }

    /// Whether every header of a preflight's `Access-Control-Request-Headers` is allowed;
    /// the CORS-safelisted ones always are.
    public func allows(headers: [String]) -> Bool {
        if allowHeaders.contains("*") { return true }
        let allowed = Set((allowHeaders + Self.safelisted).map { $0.lowercased() })
        return headers.allSatisfy { allowed.contains($0.lowercased()) }
    }

    /// Request headers a browser may send without asking (the Fetch standard's safelist).
    public static let safelisted = ["Accept", "Accept-Language", "Content-Language", "Content-Type"]
}
