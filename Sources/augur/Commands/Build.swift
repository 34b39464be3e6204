import ArgumentParser
import AugurDeploy
import AugurService
import Foundation

/// `augur build`: deployment artefacts for a configuration. Today the Kubernetes and KServe
/// manifests (`--k8s DIR`).
struct Build: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write deployment artefacts for a configuration: Kubernetes and KServe manifests (--k8s DIR).")

    @Argument(help: "Configuration file, or a folder holding augur.yaml.") var config: String?
    @Option(help: "Write Kubernetes manifests (Deployment, Service, HorizontalPodAutoscaler, PodDisruptionBudget, kustomization) and KServe's ServingRuntime and InferenceService into this folder.")
    var k8s: String
    @Option(help: "The container image: augur with the configuration and its models at /srv/augur (default: augur-NAME:VERSION of the service).")
    var image: String?
    @Option(help: "Where KServe's storage initializer fetches the configuration folder from (default: pvc://augur-models/NAME).")
    var storageUri: String?
    @Option(help: "Replicas (the autoscaler's minimum).") var replicas: Int = 2
    @Option(help: "The autoscaler's maximum.") var maxReplicas: Int = 10

    func validate() throws {
        guard (1...1000).contains(replicas), (1...1000).contains(maxReplicas), maxReplicas >= replicas else {
            throw ValidationError("--replicas and --max-replicas are 1 to 1000, the maximum at least the minimum.")
        }
    }

    func run() async throws {
        let file = ConfigLocation.resolve(config)
        let configuration: ServiceConfiguration
        do { configuration = try ServiceConfiguration.load(contentsOf: file) } catch let errors as ConfigErrors {
            throw CommandFailure("Invalid configuration:\n\(errors)")
        }
        var manifests = KubernetesManifests(configuration: configuration, options: .init(image: "", storageURI: ""))
        let name = manifests.name
        var options = KubernetesManifests.Options(image: image ?? "augur-\(name):\(configuration.version)",
                                                  storageURI: storageUri ?? "pvc://augur-models/\(name)")
        options.replicas = replicas
        options.maxReplicas = maxReplicas
        manifests = KubernetesManifests(configuration: configuration, options: options)
        let folder = URL(fileURLWithPath: k8s)
        for (path, text) in try manifests.files() {
            let url = folder.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
            print("wrote \(url.path)")
        }
    }
}
