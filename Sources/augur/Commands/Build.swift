import ArgumentParser
import AugurDeploy
import AugurService
import Foundation

/// `augur build`: deployment artefacts for a configuration: Kubernetes and KServe manifests
/// (`--k8s DIR`) and an AWS Lambda function package (`--lambda -o function.zip`, with a SAM
/// template by `--sam`).
struct Build: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write deployment artefacts: Kubernetes and KServe manifests (--k8s DIR), an AWS Lambda package (--lambda -o ZIP [--sam FILE]).")

    @Argument(help: "Configuration file, or a folder holding augur.yaml.") var config: String?
    @Option(help: "Write Kubernetes manifests (Deployment, Service, HorizontalPodAutoscaler, PodDisruptionBudget, kustomization) and KServe's ServingRuntime and InferenceService into this folder.")
    var k8s: String?
    @Option(help: "The container image: augur with the configuration and its models at /srv/augur (default: augur-NAME:VERSION of the service).")
    var image: String?
    @Option(help: "Where KServe's storage initializer fetches the configuration folder from (default: pvc://augur-models/NAME).")
    var storageUri: String?
    @Option(help: "Replicas (the autoscaler's minimum).") var replicas: Int = 2
    @Option(help: "The autoscaler's maximum.") var maxReplicas: Int = 10

    @Flag(help: "Write an AWS Lambda function package (provided.al2023): bootstrap, augur and the service folder.") var lambda = false
    @Option(name: .shortAndLong, help: "The package file (with --lambda).") var output: String?
    @Option(help: "The augur binary to pack (default: this one). It must run on Amazon Linux 2023.") var binary: String?
    @Option(help: "Also write a SAM template deploying the package behind an HTTP API.") var sam: String?
    @Flag(help: "In the SAM template, also a Function URL (IAM-authenticated).") var functionUrl = false
    @Option(help: "The function's memory in MB (SAM template).") var memory: Int = 512
    @Option(help: "The function's timeout in seconds (SAM template).") var timeout: Int = 10

    func validate() throws {
        guard (1...1000).contains(replicas), (1...1000).contains(maxReplicas), maxReplicas >= replicas else {
            throw ValidationError("--replicas and --max-replicas are 1 to 1000, the maximum at least the minimum.")
        }
        guard k8s != nil || lambda else { throw ValidationError("Say what to build: --k8s DIR, or --lambda -o FILE.") }
        if lambda, output == nil { throw ValidationError("--lambda needs -o FILE, the package to write.") }
        if !lambda, output != nil || binary != nil || sam != nil || functionUrl {
            throw ValidationError("-o, --binary, --sam and --function-url go with --lambda.")
        }
        guard (128...10240).contains(memory), (1...900).contains(timeout) else {
            throw ValidationError("--memory is 128 to 10240 MB and --timeout 1 to 900 seconds, as Lambda allows.")
        }
    }

    func run() async throws {
        let file = ConfigLocation.resolve(config)
        let configuration: ServiceConfiguration
        do { configuration = try ServiceConfiguration.load(contentsOf: file) } catch let errors as ConfigErrors {
            throw CommandFailure("Invalid configuration:\n\(errors)")
        }
        let name = KubernetesManifests.name(of: configuration)
        if let k8s { try writeManifests(configuration, name: name, into: k8s) }
        if lambda, let output { try await writeLambda(configuration, name: name, to: output) }
    }

    private func writeManifests(_ configuration: ServiceConfiguration, name: String, into folder: String) throws {
        var options = KubernetesManifests.Options(image: image ?? "augur-\(name):\(configuration.version)",
                                                  storageURI: storageUri ?? "pvc://augur-models/\(name)")
        options.replicas = replicas
        options.maxReplicas = maxReplicas
        for (path, text) in try KubernetesManifests(configuration: configuration, options: options).files() {
            let url = URL(fileURLWithPath: folder).appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
            print("wrote \(url.path)")
        }
    }

    /// Packs, then loads the packed service from a scratch copy, so a file the configuration
    /// names but the package lacks is a build error, not a Lambda init error.
    private func writeLambda(_ configuration: ServiceConfiguration, name: String, to output: String) async throws {
        let binaryPath = binary ?? "/proc/self/exe"
        guard let binaryBytes = FileManager.default.contents(atPath: binaryPath) else {
            throw CommandFailure("Cannot read the augur binary '\(binaryPath)'.")
        }
        let entries: [ZipArchive.Entry]
        do { entries = try LambdaPackage.entries(configuration: configuration, binary: [UInt8](binaryBytes)) } catch let problem as LambdaPackage.Problem {
            throw CommandFailure("Cannot pack '\(configuration.path)': \(problem)")
        }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("augur-lambda-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        for entry in entries where entry.path.hasPrefix("service/") {
            let url = scratch.appendingPathComponent(entry.path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(entry.bytes).write(to: url)
        }
        do {
            _ = try await ConfigLocation.service(scratch.appendingPathComponent("service/augur.yaml").path)
        } catch let errors as ConfigErrors {
            throw CommandFailure("The packed service does not load (a file it names is not packed?):\n\(errors)")
        }
        var archive = ZipArchive()
        entries.forEach { archive.add($0) }
        let bytes = try archive.bytes()
        try Data(bytes).write(to: URL(fileURLWithPath: output))
        print("wrote \(output) (\(bytes.count / 1024) KiB: bootstrap, augur, service/ with \(entries.count - 3) model file\(entries.count == 4 ? "" : "s"))")
        if let sam {
            let codeURI = URL(fileURLWithPath: output).lastPathComponent
            try LambdaPackage.samTemplate(name: name, codeURI: codeURI, memory: memory, timeout: timeout, architecture: "x86_64",
                                          functionURL: functionUrl).write(toFile: sam, atomically: true, encoding: .utf8)
            print("wrote \(sam)")
        }
    }
}
