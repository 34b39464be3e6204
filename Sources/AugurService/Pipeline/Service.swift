/// A loaded configuration: every model imported and every route built and checked against it.
public final class Service: Sendable {
    public let configuration: ServiceConfiguration
    /// In file order.
    public let routes: [Route]
    private let routeIndex: [String: Int]

    /// Loads every model and builds every route; throws `ConfigErrors` naming file, line and key.
    public init(configuration: ServiceConfiguration) throws {
        self.configuration = configuration
        routes = []
        routeIndex = [:]
        throw ConfigErrors([ConfigError(file: configuration.path, line: nil, keyPath: "", message: "services are not implemented yet.")])
    }

    public func route(named name: String) -> Route? {
        routeIndex[name].map { routes[$0] }
    }
}
