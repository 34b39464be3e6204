import AugurService

/// Kubernetes manifests for a service: a Deployment (probes on `/livez` and `/readyz`, a
/// startup probe for the model load, non-root, read-only root filesystem, no capabilities,
/// a grace period covering the drain timeout), a Service, a HorizontalPodAutoscaler on CPU, a
/// PodDisruptionBudget and a kustomization; and for KServe a `ServingRuntime` (container
/// `kserve-container`, V2 and v1 protocols) with an `InferenceService` using it.
///
/// The container runs `augur serve` on the service folder baked into the image at
/// `/srv/augur` (KServe: the folder its storage initializer fills, `/mnt/models`).
public struct KubernetesManifests: Sendable {
    public struct Options: Sendable {
        public var image: String
        public var replicas = 2
        public var maxReplicas = 10
        public var cpuRequest = "250m"
        public var memoryRequest = "128Mi"
        public var memoryLimit = "512Mi"
        /// Where KServe's storage initializer fetches the service folder from.
        public var storageURI: String

        public init(image: String, storageURI: String) {
            self.image = image
            self.storageURI = storageURI
        }
    }

    public let configuration: ServiceConfiguration
    public let options: Options

    public init(configuration: ServiceConfiguration, options: Options) {
        self.configuration = configuration
        self.options = options
    }

    public var name: String { Self.name(of: configuration) }

    /// The service's name as a DNS-1035 label (the manifests' and the image's name).
    public static func name(of configuration: ServiceConfiguration) -> String {
        var label = String(configuration.name.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" })
        while label.contains("--") { label = label.replacingOccurrences(of: "--", with: "-") }
        label = String(label.drop { !$0.isLetter }.prefix(50))
        while label.hasSuffix("-") { label.removeLast() }
        return label.isEmpty ? "augur" : label
    }

    static let httpPort = 8080
    static let grpcPort = 8081
    static let preStopSeconds = 5

    /// File name → YAML text.
    public func files() throws -> [(path: String, text: String)] {
        [
            ("deployment.yaml", try YAMLText.document(deployment)),
            ("service.yaml", try YAMLText.document(service)),
            ("hpa.yaml", try YAMLText.document(autoscaler)),
            ("pdb.yaml", try YAMLText.document(disruptionBudget)),
            ("kustomization.yaml", try YAMLText.document(kustomization)),
            ("kserve/servingruntime.yaml", try YAMLText.document(servingRuntime)),
            ("kserve/inferenceservice.yaml", try YAMLText.document(inferenceService)),
        ]
    }

    // MARK: Core kinds

    var labels: JSONValue {
        .object(JSONObject([
            ("app.kubernetes.io/name", .string(name)), ("app.kubernetes.io/version", .string(configuration.version)),
            ("app.kubernetes.io/component", "model-server"), ("app.kubernetes.io/managed-by", "augur"),
        ]))
    }

    var selector: JSONValue { .object(JSONObject([("app.kubernetes.io/name", .string(name))])) }

    func metadata(_ name: String) -> JSONValue { .object(JSONObject([("name", .string(name)), ("labels", labels)])) }

    /// `augur serve FOLDER` on every address of the pod, on 8080 (and gRPC on 8081 when the
    /// configuration turns it on).
    func arguments(folder: [String]) -> JSONValue {
        var args = ["serve"] + folder + ["--host", "0.0.0.0", "--port", String(Self.httpPort)]
        if configuration.grpcPort != nil { args += ["--grpc-port", String(Self.grpcPort)] }
        return .array(args.map { .string($0) })
    }

    var ports: JSONValue {
        var ports: [JSONValue] = [.object(JSONObject([("name", "http"), ("containerPort", .integer(Self.httpPort)), ("protocol", "TCP")]))]
        if configuration.grpcPort != nil {
            ports.append(.object(JSONObject([("name", "grpc"), ("containerPort", .integer(Self.grpcPort)), ("protocol", "TCP")])))
        }
        return .array(ports)
    }

    var resources: JSONValue {
        .object(JSONObject([
            ("requests", .object(JSONObject([("cpu", .string(options.cpuRequest)), ("memory", .string(options.memoryRequest))]))),
            ("limits", .object(JSONObject([("memory", .string(options.memoryLimit))]))),
        ]))
    }

    static var containerSecurity: JSONValue {
        .object(JSONObject([
            ("allowPrivilegeEscalation", false), ("readOnlyRootFilesystem", true), ("runAsNonRoot", true),
            ("runAsUser", .integer(65532)), ("runAsGroup", .integer(65532)),
            ("capabilities", .object(JSONObject([("drop", ["ALL"])]))),
            ("seccompProfile", .object(JSONObject([("type", "RuntimeDefault")]))),
        ]))
    }

    static func probe(_ path: String, period: Int, failures: Int) -> JSONValue {
        .object(JSONObject([
            ("httpGet", .object(JSONObject([("path", .string(path)), ("port", "http")]))),
            ("periodSeconds", .integer(period)), ("failureThreshold", .integer(failures)),
        ]))
    }

    var container: JSONValue {
        .object(JSONObject([
            ("name", "augur"), ("image", .string(options.image)), ("imagePullPolicy", "IfNotPresent"),
            ("args", arguments(folder: ["/srv/augur"])), ("ports", ports), ("resources", resources),
            ("securityContext", Self.containerSecurity),
            // Up to 2 minutes for the models to load; then readiness and liveness take over.
            ("startupProbe", Self.probe("/readyz", period: 1, failures: 120)),
            ("readinessProbe", Self.probe("/readyz", period: 5, failures: 2)),
            ("livenessProbe", Self.probe("/livez", period: 10, failures: 3)),
            // Endpoints stop sending before SIGTERM starts the drain.
            ("lifecycle", .object(JSONObject([("preStop", .object(JSONObject([("sleep", .object(JSONObject([("seconds", .integer(Self.preStopSeconds))])))])))]))),
            ("volumeMounts", .array([.object(JSONObject([("name", "tmp"), ("mountPath", "/tmp")]))])),
        ]))
    }

    /// The pre-stop pause, the drain timeout and 5 s to exit.
    var gracePeriod: Int { Self.preStopSeconds + Int(configuration.connections.drainTimeout.rounded(.up)) + 5 }

    var deployment: JSONValue {
        .object(JSONObject([
            ("apiVersion", "apps/v1"), ("kind", "Deployment"), ("metadata", metadata(name)),
            ("spec", .object(JSONObject([
                ("replicas", .integer(options.replicas)),
                ("selector", .object(JSONObject([("matchLabels", selector)]))),
                ("strategy", .object(JSONObject([("type", "RollingUpdate"),
                                                 ("rollingUpdate", .object(JSONObject([("maxUnavailable", .integer(0)), ("maxSurge", .integer(1))])))]))),
                ("template", .object(JSONObject([
                    ("metadata", .object(JSONObject([("labels", labels)]))),
                    ("spec", .object(JSONObject([
                        ("terminationGracePeriodSeconds", .integer(gracePeriod)),
                        ("automountServiceAccountToken", false),
                        ("securityContext", .object(JSONObject([("runAsNonRoot", true), ("runAsUser", .integer(65532)), ("fsGroup", .integer(65532)),
                                                                ("seccompProfile", .object(JSONObject([("type", "RuntimeDefault")])))]))),
                        ("containers", .array([container])),
                        ("volumes", .array([.object(JSONObject([("name", "tmp"), ("emptyDir", .object(JSONObject([("sizeLimit", "64Mi")])))]))])),
                    ]))),
                ]))),
            ]))),
        ]))
    }

    var service: JSONValue {
        var ports: [JSONValue] = [.object(JSONObject([("name", "http"), ("port", .integer(80)), ("targetPort", "http"), ("protocol", "TCP")]))]
        if configuration.grpcPort != nil {
            ports.append(.object(JSONObject([("name", "grpc"), ("port", .integer(Self.grpcPort)), ("targetPort", "grpc"), ("protocol", "TCP")])))
        }
        return .object(JSONObject([
            ("apiVersion", "v1"), ("kind", "Service"), ("metadata", metadata(name)),
            ("spec", .object(JSONObject([("type", "ClusterIP"), ("selector", selector), ("ports", .array(ports))]))),
        ]))
    }

    var autoscaler: JSONValue {
        .object(JSONObject([
            ("apiVersion", "autoscaling/v2"), ("kind", "HorizontalPodAutoscaler"), ("metadata", metadata(name)),
            ("spec", .object(JSONObject([
                ("scaleTargetRef", .object(JSONObject([("apiVersion", "apps/v1"), ("kind", "Deployment"), ("name", .string(name))]))),
                ("minReplicas", .integer(options.replicas)), ("maxReplicas", .integer(max(options.replicas, options.maxReplicas))),
                ("metrics", .array([.object(JSONObject([
                    ("type", "Resource"),
                    ("resource", .object(JSONObject([("name", "cpu"),
                                                     ("target", .object(JSONObject([("type", "Utilization"), ("averageUtilization", .integer(70))])))]))),
                ]))])),
                ("behavior", .object(JSONObject([("scaleDown", .object(JSONObject([("stabilizationWindowSeconds", .integer(300))])))]))),
            ]))),
        ]))
    }

    var disruptionBudget: JSONValue {
        .object(JSONObject([
            ("apiVersion", "policy/v1"), ("kind", "PodDisruptionBudget"), ("metadata", metadata(name)),
            ("spec", .object(JSONObject([("maxUnavailable", .integer(1)), ("selector", .object(JSONObject([("matchLabels", selector)])))]))),
        ]))
    }

    var kustomization: JSONValue {
        .object(JSONObject([
            ("apiVersion", "kustomize.config.k8s.io/v1beta1"), ("kind", "Kustomization"),
            ("resources", ["deployment.yaml", "service.yaml", "hpa.yaml", "pdb.yaml"]),
        ]))
    }

    // MARK: KServe

    var servingRuntime: JSONValue {
        let container = JSONObject([
            ("name", "kserve-container"), ("image", .string(options.image)),
            ("args", arguments(folder: ["--model-dir", "/mnt/models"])),
            ("ports", .array([.object(JSONObject([("containerPort", .integer(Self.httpPort)), ("protocol", "TCP")]))])),
            ("resources", resources), ("securityContext", Self.containerSecurity),
            // KServe's readiness is the V2 one; the port by number (the container names none).
            ("readinessProbe", .object(JSONObject([
                ("httpGet", .object(JSONObject([("path", "/v2/health/ready"), ("port", .integer(Self.httpPort))]))),
                ("periodSeconds", .integer(5)), ("failureThreshold", .integer(2)),
            ]))),
        ])
        return .object(JSONObject([
            ("apiVersion", "serving.kserve.io/v1alpha1"), ("kind", "ServingRuntime"), ("metadata", metadata("augur")),
            ("spec", .object(JSONObject([
                ("supportedModelFormats", .array([
                    .object(JSONObject([("name", "augur"), ("version", "1"), ("autoSelect", true)])),
                    .object(JSONObject([("name", "onnx"), ("version", "1"), ("autoSelect", false)])),
                ])),
                ("protocolVersions", ["v2", "v1"]),
                ("containers", .array([.object(container)])),
            ]))),
        ]))
    }

    var inferenceService: JSONValue {
        .object(JSONObject([
            ("apiVersion", "serving.kserve.io/v1beta1"), ("kind", "InferenceService"), ("metadata", metadata(name)),
            ("spec", .object(JSONObject([
                ("predictor", .object(JSONObject([
                    ("minReplicas", .integer(options.replicas)), ("maxReplicas", .integer(max(options.replicas, options.maxReplicas))),
                    ("model", .object(JSONObject([
                        ("modelFormat", .object(JSONObject([("name", "augur")]))), ("runtime", "augur"), ("protocolVersion", "v2"),
                        ("storageUri", .string(options.storageURI)),
                    ]))),
                ]))),
            ]))),
        ]))
    }
}
