import AugurService
import AugurStore
import Foundation

/// A container image `FROM scratch` written by Augur itself, as `ko` and `jib` do: one gzip
/// layer holding the augur binary (and, for a dynamic binary, the shared libraries it loads at
/// the paths it loads them from), the service under `/srv/augur`, a writable `/tmp`, and an
/// `/etc/passwd` naming the non-root user 65532 it runs as; an image configuration whose
/// entrypoint (`augur`) and command (`serve … --host 0.0.0.0 --port 8080`, or `lambda …`)
/// serve the bundle, with `AUGUR_HOME` at its packed store, OCI labels and a history entry. Reproducible: one fixed time (`SOURCE_DATE_EPOCH`, else 1970), entries sorted, owners
/// numeric, so the same inputs give the same digest.
///
/// `archive()` is the OCI image layout (`oci-layout`, `index.json`, `blobs/sha256/…`) as one
/// tar, which `podman load`, `umoci`, `skopeo` and Docker 25+ read; it also holds the
/// `manifest.json` of `docker save`, so older Docker engines load it too.
public struct OCIImage: Sendable {
    public enum Mode: Sendable { case serve, lambda }

    public struct Options: Sendable {
        /// `name:tag`, the name a loaded image gets.
        public var reference: String
        public var architecture: ExecutableFile.Architecture
        public var mode: Mode = .serve
        /// Seconds since 1970 for every timestamp.
        public var created: Int = 0
        public var labels: [String: String] = [:]

        public init(reference: String, architecture: ExecutableFile.Architecture) {
            self.reference = reference
            self.architecture = architecture
        }
    }

    public struct Blob: Sendable {
        public let mediaType: String
        public let bytes: [UInt8]
        public let digest: String

        init(_ mediaType: String, _ bytes: [UInt8]) {
            self.mediaType = mediaType
            self.bytes = bytes
            digest = "sha256:" + Digests.sha256(bytes)
        }

        var descriptor: JSONValue {
            .object(JSONObject([("mediaType", .string(mediaType)), ("digest", .string(digest)), ("size", .integer(bytes.count))]))
        }
    }

    public static let port = 8080
    public static let user = 65532
    public static let serviceFolder = "/srv/augur"
    public static let binaryPath = "/usr/local/bin/augur"
    public static let manifestType = "application/vnd.oci.image.manifest.v1+json"

    public let options: Options
    public let layer: Blob
    public let config: Blob
    public let manifest: Blob
    /// sha256 of the uncompressed layer (`rootfs.diff_ids`).
    public let diffID: String
    /// `augur`, and its arguments: the Kubernetes manifests' `args` replace `command`.
    public let entrypoint: [String]
    public let command: [String]
    public let env: [String]
    public let exposedPorts: [String]
    let root: [TarArchive.Entry]

    public init(bundle: ServiceBundle, executable: ExecutableFile, libraries: [(path: String, bytes: [UInt8])],
                configuration: ServiceConfiguration, options: Options) throws {
        self.options = options
        entrypoint = [Self.binaryPath]
        command = options.mode == .serve
            ? ["serve", "\(Self.serviceFolder)/augur.yaml", "--host", "0.0.0.0", "--port", String(Self.port)]
            : ["lambda", "\(Self.serviceFolder)/augur.yaml"]

        root = Self.rootFiles(bundle: bundle, executable: executable, libraries: libraries)
        var layerTar = TarArchive(modificationTime: options.created)
        root.forEach { layerTar.add($0) }
        let tar = try layerTar.bytes()
        diffID = "sha256:" + Digests.sha256(tar)
        layer = Blob("application/vnd.oci.image.layer.v1.tar+gzip", try Gzip.compress(tar))

        let time = Self.timestamp(options.created)
        var ports = [(String(Self.port) + "/tcp", JSONValue.object(JSONObject()))]
        if options.mode == .serve, let grpc = configuration.grpcPort { ports.append(("\(grpc)/tcp", .object(JSONObject()))) }
        let labels = JSONObject(options.labels.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.string($0.value)) })
        let env = ["PATH=/usr/local/bin", "HOME=/tmp", "AUGUR_HOME=\(Self.serviceFolder)/\(ServiceBundle.homeFolder)"]
        self.env = env
        self.exposedPorts = options.mode == .serve ? ports.map(\.0) : []
        var containerConfig = JSONObject([
            ("User", .string("\(Self.user):\(Self.user)")),
            ("Env", .array(env.map { .string($0) })),
            ("Entrypoint", .array(entrypoint.map { .string($0) })),
            ("Cmd", .array(command.map { .string($0) })),
            ("WorkingDir", .string(Self.serviceFolder)),
            ("Labels", .object(labels)),
            ("StopSignal", "SIGTERM"),
        ])
        if options.mode == .serve { containerConfig.append("ExposedPorts", .object(JSONObject(ports))) }
        let configJSON: JSONValue = .object(JSONObject([
            ("created", .string(time)),
            ("architecture", .string(options.architecture.rawValue)),
            ("os", "linux"),
            ("config", .object(containerConfig)),
            ("rootfs", .object(JSONObject([("type", "layers"), ("diff_ids", .array([.string(diffID)]))]))),
            ("history", .array([.object(JSONObject([
                ("created", .string(time)),
                ("created_by", .string("augur build (Augur \(AugurVersion.current))")),
                ("comment", .string("the augur binary, \(configuration.path.split(separator: "/").last.map(String.init) ?? "augur.yaml") and its models")),
            ]))])),
        ]))
        config = Blob("application/vnd.oci.image.config.v1+json", configJSON.serialized())
        manifest = Blob(Self.manifestType, JSONValue.object(JSONObject([
            ("schemaVersion", .integer(2)),
            ("mediaType", .string(Self.manifestType)),
            ("config", config.descriptor),
            ("layers", .array([layer.descriptor])),
        ])).serialized())
    }

    /// The image's digest: its manifest's.
    public var digest: String { manifest.digest }

    /// The tag part of `reference` (after the last `:` past the last `/`).
    public var tag: String {
        let reference = options.reference
        let lastSlash = reference.lastIndex(of: "/") ?? reference.startIndex
        if let colon = reference[lastSlash...].lastIndex(of: ":") { return String(reference[reference.index(after: colon)...]) }
        return "latest"
    }

    /// The OCI image layout as a tar (plus Docker's `manifest.json`).
    public func archive() throws -> [UInt8] {
        let index: JSONValue = .object(JSONObject([
            ("schemaVersion", .integer(2)),
            ("mediaType", "application/vnd.oci.image.index.v1+json"),
            ("manifests", .array([.object(JSONObject([
                ("mediaType", .string(manifest.mediaType)), ("digest", .string(manifest.digest)), ("size", .integer(manifest.bytes.count)),
                ("platform", .object(JSONObject([("architecture", .string(options.architecture.rawValue)), ("os", "linux")]))),
                ("annotations", .object(JSONObject([
                    ("io.containerd.image.name", .string(options.reference)),
                    ("org.opencontainers.image.ref.name", .string(tag)),
                ]))),
            ]))])),
        ]))
        let dockerManifest: JSONValue = .array([.object(JSONObject([
            ("Config", .string(Self.blobPath(config))),
            ("RepoTags", .array([.string(options.reference)])),
            ("Layers", .array([.string(Self.blobPath(layer))])),
        ]))])
        var tar = TarArchive(modificationTime: options.created)
        tar.add(.init(path: "blobs", kind: .directory, mode: 0o755))
        tar.add(.init(path: "blobs/sha256", kind: .directory, mode: 0o755))
        for blob in [config, layer, manifest].sorted(by: { $0.digest < $1.digest }) {
            tar.add(.init(path: Self.blobPath(blob), kind: .file(blob.bytes), mode: 0o644))
        }
        tar.add(.init(path: "index.json", kind: .file(index.serialized()), mode: 0o644))
        tar.add(.init(path: "manifest.json", kind: .file(dockerManifest.serialized()), mode: 0o644))
        tar.add(.init(path: "oci-layout", kind: .file(Array(#"{"imageLayoutVersion":"1.0.0"}"#.utf8)), mode: 0o644))
        return try tar.bytes()
    }

    static func blobPath(_ blob: Blob) -> String { "blobs/sha256/" + blob.digest.dropFirst("sha256:".count) }

    /// The root file system: every folder listed before what it holds, sorted.
    static func rootFiles(bundle: ServiceBundle, executable: ExecutableFile, libraries: [(path: String, bytes: [UInt8])]) -> [TarArchive.Entry] {
        var files: [String: TarArchive.Entry] = [:]
        func add(_ path: String, _ kind: TarArchive.Kind, mode: UInt32, owner: UInt32 = 0) {
            let relative = String(path.drop(while: { $0 == "/" }))
            var parent = ""
            for part in relative.split(separator: "/").dropLast() {
                parent += parent.isEmpty ? String(part) : "/\(part)"
                if files[parent] == nil { files[parent] = .init(path: parent, kind: .directory, mode: 0o755) }
            }
            files[relative] = .init(path: relative, kind: kind, mode: mode, owner: owner)
        }
        add("etc/passwd", .file(Array("root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:\(user):\(user):nonroot:/tmp:/sbin/nologin\n".utf8)), mode: 0o644)
        add("etc/group", .file(Array("root:x:0:\nnonroot:x:\(user):\n".utf8)), mode: 0o644)
        // A static glibc resolves host names from /etc/hosts and DNS with no NSS modules loaded.
        add("etc/nsswitch.conf", .file(Array("hosts: files dns\n".utf8)), mode: 0o644)
        add("tmp", .directory, mode: 0o1777)
        add(binaryPath, .file(executable.bytes), mode: 0o755)
        for library in libraries { add(library.path, .file(library.bytes), mode: 0o755) }
        for file in bundle.files {
            add("\(serviceFolder)/\(file.path)", file.isDirectory ? .directory : .file(file.bytes), mode: file.isDirectory ? 0o755 : 0o644)
        }
        return files.sorted { $0.key < $1.key }.map(\.value)
    }

    /// `--dockerfile DIR`: the same image as a Docker build context, for those who build with
    /// Docker or buildah: `rootfs/` (the layer's files) and a `Dockerfile` copying it
    /// `FROM scratch` with the same user, environment, labels, ports and entrypoint.
    public func writeDockerContext(into folder: URL) throws {
        let rootfs = folder.appendingPathComponent("rootfs")
        if FileManager.default.fileExists(atPath: rootfs.path) { try FileManager.default.removeItem(at: rootfs) }
        try FileManager.default.createDirectory(at: rootfs, withIntermediateDirectories: true)
        for entry in root {
            let url = rootfs.appendingPathComponent(entry.path)
            switch entry.kind {
            case .directory: try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
            case .file(let bytes): try Data(bytes).write(to: url)
            }
            try FileManager.default.setAttributes([.posixPermissions: Int(entry.mode)], ofItemAtPath: url.path)
        }
        func quoted(_ text: String) -> String { JSONValue.string(text).serializedString }
        var lines = [
            "# Written by `augur build --dockerfile`: the image `augur build -o` writes, built FROM scratch.",
            "FROM scratch",
            "COPY rootfs/ /",
            "USER \(Self.user):\(Self.user)",
            "ENV " + env.map { line in let parts = line.split(separator: "=", maxSplits: 1); return "\(parts[0])=\(quoted(String(parts[1])))" }.joined(separator: " "),
            "WORKDIR \(Self.serviceFolder)",
        ]
        if !exposedPorts.isEmpty { lines.append("EXPOSE " + exposedPorts.joined(separator: " ")) }
        for (key, value) in options.labels.sorted(by: { $0.key < $1.key }) { lines.append("LABEL \(quoted(key))=\(quoted(value))") }
        lines.append("STOPSIGNAL SIGTERM")
        lines.append("ENTRYPOINT [" + entrypoint.map(quoted).joined(separator: ", ") + "]")
        lines.append("CMD [" + command.map(quoted).joined(separator: ", ") + "]")
        try (lines.joined(separator: "\n") + "\n").write(to: folder.appendingPathComponent("Dockerfile"), atomically: true, encoding: .utf8)
    }

    static func timestamp(_ seconds: Int) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
    }
}
