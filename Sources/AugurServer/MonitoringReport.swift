import AugurService

/// `GET /monitoring`: every route's drift report (`DriftReport`), and why the others have none.
enum MonitoringReport {
    static func json(_ service: Service) -> JSONValue {
        var monitored: [JSONValue] = []
        var others: [JSONValue] = []
        for route in service.routes {
            if let monitor = route.monitor {
                monitored.append(monitor.report().json)
            } else {
                others.append(["route": .string(route.name), "reason": .string(reason(route, service))])
            }
        }
        return ["routes": .array(monitored), "unmonitored_routes": .array(others)]
    }

    static func reason(_ route: Route, _ service: Service) -> String {
        if !service.configuration.monitoring.enabled { return "monitoring is off (monitoring: false)" }
        if service.models.values.first(where: { $0.name == route.modelName && $0.version == route.modelVersion })?.statistics == nil {
            return "the model has no reference statistics: add reference: TRAIN.csv under models:, or import the version with augur models import --reference TRAIN.csv"
        }
        return "no parameter or model column of this route is named like a reference column"
    }
}
