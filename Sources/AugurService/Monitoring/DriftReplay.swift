import AugurStore

/// Drift computed offline from prediction logs (`augur drift`): the records' inputs replayed
/// through the same `DriftMonitor` the server runs, in consecutive windows of
/// `settings.windowRows` rows per route.
///
/// With a `service` (`--config`), a record's inputs are decoded by its route's pipeline, so
/// computed model columns are compared as the server compares them; records whose inputs no
/// longer pass (a hashed or dropped field) are skipped and counted. Without one, reference
/// columns are matched to the logged fields by name.
public struct DriftReplay {
    public let statistics: ReferenceStatistics
    public let settings: MonitoringSettings
    public let modelTag: String
    let service: Service?
    private var monitors: [String: (monitor: DriftMonitor, rows: Int, index: Int)] = [:]
    /// Finished windows, in the order they filled.
    public private(set) var windows: [(route: String, index: Int, report: DriftReport)] = []
    /// Records read, and records left out (not JSON, no inputs, unknown route, inputs that fail validation).
    public private(set) var records = 0
    public private(set) var skipped: [String: Int] = [:]

    public init(statistics: ReferenceStatistics, modelTag: String, settings: MonitoringSettings, service: Service? = nil) {
        self.statistics = statistics
        self.modelTag = modelTag
        var settings = settings
        settings.enabled = true
        settings.windowSeconds = nil
        settings.minRows = Swift.min(settings.minRows, settings.windowRows)
        self.settings = settings
        self.service = service
    }

    /// One log line (without its newline).
    public mutating func add(line: some Collection<UInt8>) {
        records += 1
        guard let record = try? JSONParser().parse(line), case .object(let object) = record else { return skip("not a JSON object (a line cut short?)") }
        guard case .object(let inputs)? = object["inputs"] else { return skip("no inputs") }
        let route = object["route"]?.string ?? ""
        let time = object["time"]?.string.flatMap(UTCTime.parse) ?? UTCTime.now()
        guard let (monitor, rows) = observe(route: route, inputs: inputs, at: time) else { return }
        var entry = monitors[route] ?? (monitor, 0, 0)
        entry.rows += rows
        if entry.rows >= entry.monitor.settings.windowRows {
            windows.append((route, entry.index, entry.monitor.report()))
            entry = (fresh(route, fields: inputs) ?? entry.monitor, 0, entry.index + 1)
        }
        monitors[route] = entry
    }

    /// The windows still filling, reported as they are (at the end of the logs).
    public mutating func finish() {
        for (route, entry) in monitors.sorted(by: { $0.key < $1.key }) where entry.rows > 0 {
            windows.append((route, entry.index, entry.monitor.report()))
            monitors[route] = nil
        }
    }

    private mutating func skip(_ reason: String) {
        skipped[reason, default: 0] += 1
    }

    private mutating func observe(route: String, inputs: JSONObject, at time: Double) -> (DriftMonitor, Int)? {
        let monitor = monitors[route]?.monitor ?? fresh(route, fields: inputs)
        guard let monitor else {
            skip(service == nil ? "no logged field is named like a reference column" : "route '\(route)' is not in the configuration, or none of its columns is in the reference")
            return nil
        }
        let rows: ParameterRows
        if let service {
            guard let pipeline = service.route(named: route)?.pipeline else { skip("route '\(route)' is not in the configuration"); return nil }
            do {
                rows = try pipeline.decode(body: .object(inputs))
            } catch {
                skip("inputs no longer valid for the route (hashed or dropped fields?)")
                return nil
            }
        } else {
            let names = monitor.parameters
            rows = ParameterRows(storage: names.map { name in
                switch inputs[name] {
                case .number(let n)?: .number(n.double)
                case .string(let s)?: .string(s)
                case .bool(let b)?: .bool(b)
                default: .missing
                }
            }, count: 1, isBatch: false)
        }
        monitor.observe(rows, at: time)
        return (monitor, rows.count)
    }

    /// A new monitor for a route: the route's own columns with a service, else the reference
    /// columns among the logged fields (hashed ones left out).
    private func fresh(_ route: String, fields: JSONObject) -> DriftMonitor? {
        if let service {
            guard let found = service.route(named: route) else { return nil }
            return DriftMonitor.make(route: route, parameters: found.parameters.map(\.name), features: found.pipeline.features,
                                     statistics: statistics, modelTag: modelTag, settings: settings, previous: nil)
        }
        // A field is compared when logged in the reference's kind: numbers for a numeric
        // column (a category's text there means the model column is computed: give --config).
        let names = statistics.features.filter { stats in
            switch fields[stats.name] {
            case nil: return false
            case .string(let text)?: return !text.hasPrefix("sha256:") && (stats.kind != "numeric" || Double(text) != nil)
            default: return true
            }
        }.map(\.name)
        return DriftMonitor.make(route: route, parameters: names, features: FeatureBuilder(inputs: []), statistics: statistics,
                                 modelTag: modelTag, settings: settings, previous: nil)
    }
}
