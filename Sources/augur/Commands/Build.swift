import ArgumentParser
import AugurDeploy
import AugurService
import Foundation

/// `augur build`: deployment artefacts for a configuration: a container image (`-o IMAGE.tar`,
/// `--push REF`, `--dockerfile DIR`), an AWS Lambda function package or container image
/// (`--lambda -o function.zip|IMAGE.tar`, a SAM template by `--sam`), and Kubernetes and KServe
/// manifests (`--k8s DIR`).
struct Build: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write deployment artefacts: a container image (-o IMAGE.tar, --push REF, --dockerfile DIR), an AWS Lambda package (--lambda -o ZIP|TAR [--sam FILE]), Kubernetes and KServe manifests (--k8s DIR).",
        discussion: """
            The image is written by Augur itself (no Docker engine): FROM scratch, the augur binary, augur.yaml and every model it names (store references resolved now and their digests checked), user 65532, serving on 0.0.0.0:8080. The same inputs give the same image digest (timestamps from SOURCE_DATE_EPOCH, else 1970).
            """)

    @Argument(help: "Configuration file, or a folder holding augur.yaml.") var config: String?
    @Option(name: .shortAndLong, help: "Write this file: an OCI image archive (.tar), or with --lambda a function package (.zip) or a Lambda container image (.tar).")
    var output: String?
    @Option(help: "Push the image to a registry (REGISTRY/REPOSITORY[:TAG]) over the OCI distribution API; credentials from AUGUR_REGISTRY_USERNAME/AUGUR_REGISTRY_PASSWORD, podman's auth.json or Docker's config.json.")
    var push: String?
    @Flag(help: "Speak plain HTTP to the --push registry (loopback registries always are).") var plainHttp = false
    @Option(help: "Write a Dockerfile and its build context (rootfs/) making the same image, into this folder.") var dockerfile: String?
    @Option(help: "The image's name and tag (default: augur-NAME:VERSION of the service).") var tag: String?
    @Option(help: "linux/amd64 or linux/arm64; must match the binary (default: the binary's).") var platform: String?
    @Option(help: "The augur binary to pack (default: this one). A dynamic binary is packed with the shared libraries it loads.")
    var binary: String?
    @Option(help: "The org.opencontainers.image.source label: where the service's source lives.") var source: String?
    @Option(help: "Another image label, KEY=VALUE (repeatable).") var label: [String] = []
    @Option(help: "Model store folder for store references (default $AUGUR_HOME/models, else ~/.augur/models).") var store: String?

    @Flag(help: "Build for AWS Lambda (provided.al2023): a .zip function package, or a .tar container image running `augur lambda`.") var lambda = false
    @Option(help: "Also write a SAM template deploying the --lambda package behind an HTTP API.") var sam: String?
    @Flag(help: "In the SAM template, also a Function URL (IAM-authenticated).") var functionUrl = false
    @Option(help: "The function's memory in MB (SAM template).") var memory: Int = 512
    @Option(help: "The function's timeout in seconds (SAM template).") var timeout: Int = 10

    @Option(help: "Write Kubernetes manifests (Deployment, Service, HorizontalPodAutoscaler, PodDisruptionBudget, kustomization) and KServe's ServingRuntime and InferenceService into this folder.")
    var k8s: String?
    @Option(help: "The container image the manifests run (default: --tag, else augur-NAME:VERSION).") var image: String?
    @Option(help: "Where KServe's storage initializer fetches the configuration folder from (default: pvc://augur-models/NAME).")
    var storageUri: String?
    @Option(help: "Replicas (the autoscaler's minimum).") var replicas: Int = 2
    @Option(help: "The autoscaler's maximum.") var maxReplicas: Int = 10

    private var outputKind: String? { output.map { URL(fileURLWithPath: $0).pathExtension.lowercased() } }

    func validate() throws {
        guard (1...1000).contains(replicas), (1...1000).contains(maxReplicas), maxReplicas >= replicas else {
            throw ValidationError("--replicas and --max-replicas are 1 to 1000, the maximum at least the minimum.")
        }
        guard k8s != nil || output != nil || push != nil || dockerfile != nil else {
            throw ValidationError("Say what to build: -o IMAGE.tar, --push REF, --dockerfile DIR, --lambda -o function.zip, or --k8s DIR.")
        }
        if let kind = outputKind, kind != "tar", !(lambda && kind == "zip") {
            throw ValidationError("-o writes an image archive (.tar)\(lambda ? " or a function package (.zip)" : ""); '\(output!)' is neither.")
        }
        if lambda, output == nil { throw ValidationError("--lambda needs -o function.zip (a package) or -o IMAGE.tar (a container image).") }
        if lambda, push != nil || dockerfile != nil, outputKind == "zip" {
            throw ValidationError("--push and --dockerfile make images; with --lambda, write the image with -o IMAGE.tar.")
        }
        if sam != nil || functionUrl, !(lambda && outputKind == "zip") { throw ValidationError("--sam and --function-url go with --lambda -o function.zip.") }
        if let platform, !ExecutableFile.Architecture.allCases.map({ "linux/\($0.rawValue)" }).contains(platform) {
            throw ValidationError("--platform is linux/amd64 or linux/arm64 (the platforms Augur builds for).")
        }
        for item in label where !item.contains("=") || item.hasPrefix("=") { throw ValidationError("--label is KEY=VALUE; '\(item)' is not.") }
        guard (128...10240).contains(memory), (1...900).contains(timeout) else {
            throw ValidationError("--memory is 128 to 10240 MB and --timeout 1 to 900 seconds, as Lambda allows.")
        }
    }

    func run() async throws {
        let file = ConfigLocation.resolve(config)
        var configuration: ServiceConfiguration
        do { configuration = try ServiceConfiguration.load(contentsOf: file) } catch let errors as ConfigErrors {
            throw CommandFailure("Invalid configuration:\n\(errors)")
        }
        if let store { configuration.storeRoot = store }
        let name = KubernetesManifests.name(of: configuration)
        let reference = tag ?? Self.defaultReference(name: name, version: configuration.version)
        if let k8s { try writeManifests(configuration, name: name, image: image ?? reference, into: k8s) }
        guard output != nil || push != nil || dockerfile != nil else { return }

        let bundle = try await checkedBundle(configuration)
        let executable: ExecutableFile
        let libraries: [(path: String, bytes: [UInt8])]
        do {
            executable = try ExecutableFile(path: binary ?? "/proc/self/exe")
            if let platform, platform != "linux/\(executable.architecture.rawValue)" {
                throw CommandFailure("--platform \(platform) cannot be built from '\(binary ?? "this augur")', an \(executable.architecture.rawValue) binary; give --binary an augur built for \(platform).")
            }
            libraries = try executable.sharedLibraries()
        } catch let problem as ExecutableFile.Problem {
            throw CommandFailure("Cannot pack the augur binary: \(problem)")
        }
        if lambda, outputKind == "zip", let output {
            try writeLambdaPackage(bundle, executable: executable, libraries: libraries, name: name, to: output)
            return
        }
        var options = OCIImage.Options(reference: reference, architecture: executable.architecture)
        options.mode = lambda ? .lambda : .serve
        options.created = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"].flatMap(Int.init) ?? 0
        options.labels = labels(configuration, bundle: bundle, created: options.created)
        let image: OCIImage
        do { image = try OCIImage(bundle: bundle, executable: executable, libraries: libraries, configuration: configuration, options: options) } catch {
            throw CommandFailure("Cannot build the image: \(error)")
        }
        if let output {
            let bytes = try image.archive()
            try Data(bytes).write(to: URL(fileURLWithPath: output))
            print("wrote \(output): \(reference) \(image.digest) (\(Self.size(bytes.count)); layer \(Self.size(image.layer.bytes.count)) compressed, \(libraries.isEmpty ? "static binary" : "\(libraries.count) shared libraries"))")
        }
        if let dockerfile {
            try image.writeDockerContext(into: URL(fileURLWithPath: dockerfile))
            print("wrote \(dockerfile)/Dockerfile and \(dockerfile)/rootfs/")
        }
        if let push { try await pushImage(image, to: push) }
    }

    /// `augur-NAME:VERSION`, the version made a valid tag.
    static func defaultReference(name: String, version: String) -> String {
        let tag = String(version.map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "_" || $0 == "-" ? $0 : "-" }.prefix(128))
        return "augur-\(name):\(tag.first.map { $0.isLetter || $0.isNumber || $0 == "_" } == true ? tag : "v" + tag)"
    }

    static func size(_ bytes: Int) -> String { String(format: "%.1f MiB", Double(bytes) / 1_048_576) }

    private func labels(_ configuration: ServiceConfiguration, bundle: ServiceBundle, created: Int) -> [String: String] {
        var labels = [
            "org.opencontainers.image.title": configuration.title.isEmpty ? configuration.name : configuration.title,
            "org.opencontainers.image.version": configuration.version,
            "io.augur.version": AugurVersion.current,
        ]
        if !configuration.description.isEmpty { labels["org.opencontainers.image.description"] = configuration.description }
        if let source { labels["org.opencontainers.image.source"] = source }
        for (model, sha256) in bundle.modelDigests { labels["io.augur.model.\(model).sha256"] = sha256 }
        for item in label {
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            labels[String(parts[0])] = String(parts[1])
        }
        return labels
    }

    /// The service's files, then loaded from a scratch copy, so a file the configuration names
    /// but the bundle lacks is a build error, not a start-up error in the container or function.
    private func checkedBundle(_ configuration: ServiceConfiguration) async throws -> ServiceBundle {
        let bundle: ServiceBundle
        do { bundle = try await ServiceBundle(configuration: configuration) } catch let problem as ServiceBundle.Problem {
            throw CommandFailure("Cannot pack '\(configuration.path)': \(problem)")
        }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("augur-build-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        try bundle.write(into: scratch)
        do {
            _ = try await ConfigLocation.service(scratch.appendingPathComponent("augur.yaml").path,
                                                 store: scratch.appendingPathComponent(ServiceBundle.storeFolder).path)
        } catch let errors as ConfigErrors {
            throw CommandFailure("The packed service does not load (a file it names is not packed?):\n\(errors)")
        }
        return bundle
    }

    private func writeManifests(_ configuration: ServiceConfiguration, name: String, image: String, into folder: String) throws {
        var options = KubernetesManifests.Options(image: image, storageURI: storageUri ?? "pvc://augur-models/\(name)")
        options.replicas = replicas
        options.maxReplicas = maxReplicas
        for (path, text) in try KubernetesManifests(configuration: configuration, options: options).files() {
            let url = URL(fileURLWithPath: folder).appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
            print("wrote \(url.path)")
        }
    }

    private func writeLambdaPackage(_ bundle: ServiceBundle, executable: ExecutableFile, libraries: [(path: String, bytes: [UInt8])],
                                    name: String, to output: String) throws {
        var archive = ZipArchive()
        LambdaPackage.entries(bundle: bundle, executable: executable, libraries: libraries).forEach { archive.add($0) }
        let bytes = try archive.bytes()
        try Data(bytes).write(to: URL(fileURLWithPath: output))
        let models = bundle.modelDigests.count
        print("wrote \(output) (\(Self.size(bytes.count)): bootstrap, augur\(libraries.isEmpty ? "" : ", lib/ with \(libraries.count) shared libraries"), service/ with \(models) model\(models == 1 ? "" : "s"))")
        if let sam {
            let codeURI = URL(fileURLWithPath: output).lastPathComponent
            try LambdaPackage.samTemplate(name: name, codeURI: codeURI, memory: memory, timeout: timeout, architecture: executable.architecture.lambdaName,
                                          functionURL: functionUrl).write(toFile: sam, atomically: true, encoding: .utf8)
            print("wrote \(sam)")
        }
    }

    private func pushImage(_ image: OCIImage, to reference: String) async throws {
        let destination: RegistryPush.Destination
        do { destination = try RegistryPush.Destination(parsing: reference, defaultTag: image.tag) } catch {
            throw CommandFailure("\(error)")
        }
        let client = RegistryPush.makeClient()
        var pusher = RegistryPush(destination: destination, credentials: RegistryPush.Credentials.lookup(registry: destination.registry),
                                  plainHTTP: plainHttp, client: client)
        let result: Result<(uploaded: [String], skipped: [String]), Error>
        do { result = .success(try await pusher.push(image)) } catch { result = .failure(error) }
        try? await client.shutdown()
        switch result {
        case .success(let counts):
            print("pushed \(destination)@\(image.digest) (\(counts.uploaded.count) blob\(counts.uploaded.count == 1 ? "" : "s") uploaded, \(counts.skipped.count) already there)")
        case .failure(let problem as RegistryPush.Problem):
            throw CommandFailure("Cannot push to \(destination): \(problem)")
        case .failure(let error):
            throw error
        }
    }
}
