import AugurService
import AugurV2
import Foundation
import HTTPTypes
import Prometheus
import Synchronization

/// Every metric `GET /metrics` exports (Prometheus text format, swift-prometheus), defined
/// once per server with bounded label sets: the endpoint is a route name or one of a fixed
/// list of families, never a path or a request id.
///
/// - `augur_http_requests_total{endpoint, method, status}` and
///   `augur_http_request_duration_seconds{endpoint}` (a histogram from 50 µs to 10 s), counted
///   by `MetricsMiddleware` around everything else, and `augur_http_requests_in_flight`;
/// - `augur_http_errors_total{endpoint, type}`: each issue of the one error shape, by its
///   `type` (recorded where errors are rendered, `Response.error`);
/// - `augur_rows_predicted_total{route, model_name, model_version}` (own endpoint, KServe v1,
///   MLflow);
/// - from the registry at each scrape: `augur_model_info{model, name, version, sha256}` (1),
///   `augur_model_reloads_total{model}`, `augur_model_refusals_total{model}`;
/// - drift (`DriftMonitor`), per monitored route at each scrape: `augur_feature_drift{route,
///   feature, method}` (the score; NaN when the window has no value), `augur_feature_drift_detected{route,
///   feature}` (1 when judged drifted, else 0), `augur_drift_window_rows{route}`,
///   `augur_feature_out_of_range_total{route, feature}` and `augur_feature_unseen_total{route, feature}`;
/// - prediction logs: `augur_prediction_log_records_total{route}` (written) and
///   `augur_prediction_log_dropped_total{route}` (queue full or the file not writable);
/// - the process: `process_resident_memory_bytes`, `process_cpu_seconds_total`,
///   `process_open_fds`, `process_max_fds`, `process_start_time_seconds`.
final class ServerMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    let registryOfModels: ModelRegistry
    let inFlight: Gauge
    /// One per endpoint label, found by `endpoint(of:)`; `other` last.
    private let endpointTable: [(segment: [UInt8], metrics: EndpointMetrics)]
    let other: EndpointMetrics
    private let errors = Mutex<[String: Counter]>([:])
    private let rows = Mutex<[String: Counter]>([:])
    /// Per batching route: the rows of the run each request was in, and its wait in the queue.
    private let batches = Mutex<[String: (rows: ValueHistogram, wait: DurationHistogram)]>([:])
    static let batchRowBuckets: [Double] = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096]
    static let waitBuckets: [Duration] = [
        .microseconds(10), .microseconds(50), .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1),
        .microseconds(2500), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .seconds(1),
    ]
    private let models = Mutex<[String: (reloads: Int, refusals: Int, info: Gauge?, infoKey: String)]>([:])
    private let process: (memory: Gauge, cpu: Counter, fds: Gauge, maxFDs: Gauge, start: Gauge)
    private let drift = Mutex(DriftGauges())
    private let cpuSeen = Mutex<Double>(0)

    static let buckets: [Duration] = [
        .microseconds(50), .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .microseconds(2500),
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
        .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
    ]

    /// Endpoint labels of Augur's own paths (first segment → family).
    static let families: [String: String] = [
        "v2": "v2", "v1": "v1", "invocations": "mlflow", "ping": "mlflow", "health": "mlflow", "version": "mlflow",
        "ui": "ui", "docs": "docs", "openapi.json": "openapi", "healthz": "health", "livez": "health", "readyz": "health",
        "metrics": "metrics", "admin": "admin",
    ]

    static func descriptor(_ subsystem: String?, _ name: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "augur", subsystem: subsystem, metricName: name, unitName: unit, helpText: help)
    }

    init(registry models: ModelRegistry) {
        registryOfModels = models
        var labels: [(String, String)] = Self.families.map { ($0.key, $0.value) }
        for route in models.service.routes { labels.append((route.name, route.name)) }
        inFlight = registry.makeGauge(descriptor: Self.descriptor("http", "requests_in_flight", "", "Requests being answered now."))
        var byLabel: [String: EndpointMetrics] = [:]
        for label in Set(labels.map(\.1)).sorted() { byLabel[label] = EndpointMetrics(label: label, registry: registry) }
        endpointTable = labels.sorted { $0.0 < $1.0 }.compactMap { segment, label in byLabel[label].map { (Array(segment.utf8), $0) } }
        other = EndpointMetrics(label: "other", registry: registry)
        process = (
            registry.makeGauge(descriptor: MetricNameDescriptor(metricName: "process_resident_memory", unitName: "bytes", helpText: "Resident memory size in bytes.")),
            registry.makeCounter(descriptor: MetricNameDescriptor(metricName: "process_cpu_seconds", unitName: "total", helpText: "User and system CPU time spent in seconds.")),
            registry.makeGauge(descriptor: MetricNameDescriptor(metricName: "process_open_fds", unitName: "", helpText: "Number of open file descriptors.")),
            registry.makeGauge(descriptor: MetricNameDescriptor(metricName: "process_max_fds", unitName: "", helpText: "Maximum number of open file descriptors.")),
            registry.makeGauge(descriptor: MetricNameDescriptor(metricName: "process_start_time", unitName: "seconds", helpText: "Start time of the process since the Unix epoch in seconds."))
        )
        process.start.set(to: Self.processStartTime())
    }

    /// The metrics of a request target's endpoint: its first path segment compared byte for
    /// byte with the few known ones (no string built, no hashing on the request path).
    func endpoint(of target: String) -> EndpointMetrics {
        var target = target
        return target.withUTF8 { bytes in
            var start = 0
            if start < bytes.count, bytes[start] == UInt8(ascii: "/") { start += 1 }
            var end = start
            while end < bytes.count, bytes[end] != UInt8(ascii: "/"), bytes[end] != UInt8(ascii: "?") { end += 1 }
            let length = end - start
            for entry in endpointTable where entry.segment.count == length {
                var equal = true
                for i in 0..<length where entry.segment[i] != bytes[start + i] { equal = false; break }
                if equal { return entry.metrics }
            }
            return other
        }
    }

    func countErrors(endpoint: String, types: [String]) {
        for type in types {
            counter("\(endpoint) \(type)", in: errors) {
                registry.makeCounter(descriptor: Self.descriptor("http", "errors", "total", "Problems reported in the error shape, by endpoint and type."),
                                     labels: [("endpoint", endpoint), ("type", type)])
            }.increment()
        }
    }

    func countRows(_ route: Route, _ count: Int) {
        countRows(route: route.name, modelName: route.modelName, modelVersion: route.modelVersion, count)
    }

    /// A route's answer: its rows, and its batch when the route batches.
    func predicted(_ route: Route, _ predictions: Predictions) {
        countRows(route, predictions.count)
        if let batch = predictions.batch { observeBatch(route, rows: batch.rows, wait: batch.wait) }
    }

    /// Rows a V2 request predicted: a route's under its name, a model served raw under an
    /// empty route.
    func countRows(_ model: V2Catalog.Model, _ count: Int) {
        switch model {
        case .route(let route): countRows(route, count)
        case .raw(_, let loaded): countRows(route: "", modelName: loaded.name, modelVersion: loaded.version, count)
        }
    }

    /// A batched request: the rows of the run it was in and how long it waited (route names: a
    /// bounded label set).
    func observeBatch(_ route: Route, rows count: Int, wait: Duration) {
        let pair = batches.withLock { table in
            if let found = table[route.name] { return found }
            let made = (registry.makeValueHistogram(
                            descriptor: Self.descriptor("batch", "rows", "", "Rows of the batched run each request was in."),
                            labels: [("route", route.name)], buckets: Self.batchRowBuckets),
                        registry.makeDurationHistogram(
                            descriptor: Self.descriptor("batch", "queue_wait", "seconds", "Time each batched request waited for its run."),
                            labels: [("route", route.name)], buckets: Self.waitBuckets))
            table[route.name] = made
            return made
        }
        pair.rows.record(Double(count))
        pair.wait.recordNanoseconds(Int64(wait.components.seconds) * 1_000_000_000 + wait.components.attoseconds / 1_000_000_000)
    }

    /// Label values come from configured routes and loaded versions: a bounded set.
    private func countRows(route: String, modelName: String, modelVersion: String, _ count: Int) {
        guard count > 0 else { return }
        counter("\(route) \(modelName) \(modelVersion)", in: rows) {
            registry.makeCounter(descriptor: Self.descriptor(nil, "rows_predicted", "total", "Rows predicted, by route and the model version that answered."),
                                 labels: [("route", route), ("model_name", modelName), ("model_version", modelVersion)])
        }.increment(by: Int64(count))
    }

    private func counter(_ key: String, in table: borrowing Mutex<[String: Counter]>, make: () -> Counter) -> Counter {
        if let found = table.withLock({ $0[key] }) { return found }
        let made = make()
        table.withLock { $0[key] = made }
        return made
    }

    /// The text exposition, after refreshing what is read at scrape time.
    func scrape() -> [UInt8] {
        refreshModels()
        refreshDrift()
        refreshLogs()
        refreshProcess()
        return registry.emitToBuffer()
    }

    private func refreshModels() {
        for status in registryOfModels.statuses {
            let infoKey = "\(status.name) \(status.version) \(status.sha256)"
            models.withLock { table in
                var entry = table[status.entry] ?? (0, 0, nil, "")
                if entry.infoKey != infoKey {
                    if let old = entry.info { registry.unregisterGauge(old) }
                    let gauge = registry.makeGauge(
                        descriptor: Self.descriptor("model", "info", "", "The model version each entry serves (always 1)."),
                        labels: [("model", status.entry), ("name", status.name), ("version", status.version), ("sha256", status.sha256)])
                    gauge.set(to: 1.0)
                    entry.info = gauge
                    entry.infoKey = infoKey
                }
                let reloads = registry.makeCounter(descriptor: Self.descriptor("model", "reloads", "total", "New versions swapped in since start."),
                                                   labels: [("model", status.entry)])
                if status.reloads > entry.reloads { reloads.increment(by: Int64(status.reloads - entry.reloads)) }
                let refusals = registry.makeCounter(descriptor: Self.descriptor("model", "refusals", "total", "New versions refused since start (the old one kept serving)."),
                                                    labels: [("model", status.entry)])
                if status.refusals > entry.refusals { refusals.increment(by: Int64(status.refusals - entry.refusals)) }
                entry.reloads = status.reloads
                entry.refusals = status.refusals
                table[status.entry] = entry
            }
        }
    }

    /// The drift gauges of every monitored route; gauges of features no longer monitored are removed.
    private func refreshDrift() {
        let reports = registryOfModels.service.routes.compactMap { route in route.monitor.map { ($0, $0.report()) } }
        drift.withLock { state in
            var live = Set<String>()
            func gauge(_ key: String, _ make: () -> Gauge) -> Gauge {
                live.insert(key)
                if let found = state.gauges[key] { return found }
                let made = make()
                state.gauges[key] = made
                return made
            }
            for (monitor, report) in reports {
                let route = report.route
                gauge("w \(route)") {
                    registry.makeGauge(descriptor: Self.descriptor("drift", "window_rows", "", "Rows in each route's drift window."),
                                       labels: [("route", route)])
                }.set(to: Double(report.rows))
                for feature in report.features {
                    for score in feature.scores {
                        gauge("s \(route) \(feature.name) \(score.method.rawValue)") {
                            registry.makeGauge(descriptor: Self.descriptor("feature", "drift", "", "Drift score of a feature's live window against the training data, by method."),
                                               labels: [("route", route), ("feature", feature.name), ("method", score.method.rawValue)])
                        }.set(to: score.score ?? .nan)
                    }
                    gauge("d \(route) \(feature.name)") {
                        registry.makeGauge(descriptor: Self.descriptor("feature", "drift_detected", "", "1 when a feature's window is judged drifted, else 0."),
                                           labels: [("route", route), ("feature", feature.name)])
                    }.set(to: feature.drifted == true ? 1 : 0)
                    let key = "\(route) \(feature.name)"
                    let seen = state.seen[key].flatMap { $0.monitor == ObjectIdentifier(monitor) ? $0 : nil }
                    let outside = registry.makeCounter(descriptor: Self.descriptor("feature", "out_of_range", "total", "Live numbers outside the training data's range."),
                                                       labels: [("route", route), ("feature", feature.name)])
                    let unseen = registry.makeCounter(descriptor: Self.descriptor("feature", "unseen", "total", "Live categories the training data did not have."),
                                                      labels: [("route", route), ("feature", feature.name)])
                    if feature.outOfRange > (seen?.outOfRange ?? 0) { outside.increment(by: Int64(feature.outOfRange - (seen?.outOfRange ?? 0))) }
                    if feature.unseen > (seen?.unseen ?? 0) { unseen.increment(by: Int64(feature.unseen - (seen?.unseen ?? 0))) }
                    state.seen[key] = (ObjectIdentifier(monitor), feature.outOfRange, feature.unseen)
                }
            }
            for (key, stale) in state.gauges where !live.contains(key) {
                registry.unregisterGauge(stale)
                state.gauges[key] = nil
            }
        }
    }

    private func refreshLogs() {
        for route in registryOfModels.service.routes {
            guard let log = route.log else { continue }
            let (written, dropped) = log.counts
            let labels = [("route", route.name)]
            let records = registry.makeCounter(descriptor: Self.descriptor("prediction_log", "records", "total", "Prediction log records written."), labels: labels)
            let lost = registry.makeCounter(descriptor: Self.descriptor("prediction_log", "dropped", "total", "Prediction log records dropped (queue full, or the file could not be written)."),
                                            labels: labels)
            let key = "\(route.name) \(ObjectIdentifier(log))"
            drift.withLock { state in
                let seen = state.logs[key] ?? (0, 0)
                if written > seen.written { records.increment(by: Int64(written - seen.written)) }
                if dropped > seen.dropped { lost.increment(by: Int64(dropped - seen.dropped)) }
                state.logs[key] = (written, dropped)
            }
        }
    }

    private func refreshProcess() {
        var usage = rusage()
        if getrusage(RUSAGE_SELF.rawValue, &usage) == 0 {
            let cpu = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6 + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
            let delta = cpuSeen.withLock { seen in
                let delta = max(0, cpu - seen)
                seen = max(seen, cpu)
                return delta
            }
            if delta > 0 { process.cpu.increment(by: delta) }
        }
        if let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
           let pages = statm.split(separator: " ").dropFirst().first.flatMap({ Double($0) }) {
            process.memory.set(to: pages * Double(sysconf(Int32(_SC_PAGESIZE))))
        }
        if let fds = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") { process.fds.set(to: Double(fds.count)) }
        var limit = rlimit()
        if getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 { process.maxFDs.set(to: Double(limit.rlim_cur)) }
    }

    /// From /proc/self/stat's start time (clock ticks after boot) and the boot time.
    static func processStartTime() -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")"),
              let uptime = try? String(contentsOfFile: "/proc/uptime", encoding: .utf8),
              let up = uptime.split(separator: " ").first.flatMap({ Double($0) }) else { return Date().timeIntervalSince1970 }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // Field 22 of stat; fields here start at field 3 (state).
        guard fields.count > 19, let ticks = Double(fields[19]) else { return Date().timeIntervalSince1970 }
        let boot = Date().timeIntervalSince1970 - up
        return boot + ticks / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}

/// The drift gauges made so far (by a key of their labels), and the monitors' counters as last
/// exported (a new monitor after a reload starts counting from zero).
struct DriftGauges {
    var gauges: [String: Gauge] = [:]
    var seen: [String: (monitor: ObjectIdentifier, outOfRange: Int, unseen: Int)] = [:]
    var logs: [String: (written: Int, dropped: Int)] = [:]
}

/// One endpoint label's duration histogram and request counters (by method and status, made
/// on first use: statuses and the seven methods are bounded sets).
final class EndpointMetrics: Sendable {
    let label: String
    let duration: DurationHistogram
    private let registry: PrometheusCollectorRegistry
    private let requests = Mutex<[Int: Counter]>([:])

    static let methods: [HTTPRequest.Method] = [.get, .post, .put, .delete, .head, .options, .patch]

    init(label: String, registry: PrometheusCollectorRegistry) {
        self.label = label
        self.registry = registry
        duration = registry.makeDurationHistogram(
            descriptor: ServerMetrics.descriptor("http", "request_duration", "seconds", "Time from a request's head to its answer."),
            labels: [("endpoint", label)], buckets: ServerMetrics.buckets)
    }

    func count(_ method: HTTPRequest.Method, status: Int) {
        let index = Self.methods.firstIndex(of: method) ?? Self.methods.count
        let key = index << 16 | (status & 0xFFFF)
        if let counter = requests.withLock({ $0[key] }) { return counter.increment() }
        let name = index < Self.methods.count ? method.rawValue : "other"
        let counter = registry.makeCounter(descriptor: ServerMetrics.descriptor("http", "requests", "total", "Requests answered, by endpoint, method and status."),
                                           labels: [("endpoint", label), ("method", name), ("status", String(status))])
        requests.withLock { $0[key] = counter }
        counter.increment()
    }
}

/// The error types of the request being answered, collected where errors are rendered and
/// counted by `MetricsMiddleware` once the answer is known.
final class ErrorTypes: Sendable {
    private let types = Mutex<[String]>([])

    @TaskLocal static var current: ErrorTypes?

    func record(_ error: RequestError) { types.withLock { $0 += error.issues.map(\.type.rawValue) } }

    var all: [String] { types.withLock { $0 } }
}
