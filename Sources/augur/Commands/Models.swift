import ArgumentParser
import AugurONNX
import AugurService
import AugurStore
import Foundation

/// `augur models …`: the local model store.
struct Models: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage the local model store: versions, aliases, integrity.",
        discussion: "The store is $AUGUR_HOME/models (default ~/.augur/models), or --store DIR. Versions are immutable; 'latest' is the newest; aliases move.",
        subcommands: [ImportModel.self, ListModels.self, ShowModel.self, AliasModel.self, DeleteModel.self, ExportModel.self, VerifyModels.self])
}

struct StoreOption: ParsableArguments {
    @Option(help: "Model store folder (default $AUGUR_HOME/models, else ~/.augur/models).") var store: String?

    func open() throws -> ModelStore {
        try ModelStore(root: store ?? ModelStore.defaultRoot())
    }
}

/// `KEY=VALUE` options (`--label 1=approved`, `--meta auc=0.91`).
func keyValues(_ items: [String], option: String) throws -> [String: String] {
    var result: [String: String] = [:]
    for item in items {
        guard let eq = item.firstIndex(of: "="), eq != item.startIndex else {
            throw ValidationError("\(option) expects KEY=VALUE, got '\(item)'.")
        }
        result[String(item[..<eq])] = String(item[item.index(after: eq)...])
    }
    return result
}

struct ImportModel: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "import", abstract: "Add an ONNX model to the store as a new version.")

    @Argument(help: "The .onnx file.") var model: String
    @Option(help: "Model name.") var name: String
    @Option(help: "Version (default: the next integer).") var version: String?
    @Option(help: "Alias to point at the new version (repeatable).") var alias: [String] = []
    @Option(help: "Class label text, CODE=TEXT (repeatable).") var label: [String] = []
    @Option(help: "Free metadata, KEY=VALUE (repeatable): feature names, encodings, metrics.") var meta: [String] = []
    @Option(help: "Training data CSV: per-feature statistics for drift checks; in the model's input columns, also kept for explanations.") var reference: String?
    @OptionGroup var storeOption: StoreOption

    func run() throws {
        let labels = try keyValues(label, option: "--label")
        let metadata = try keyValues(meta, option: "--meta")
        let path = URL(fileURLWithPath: model).standardizedFileURL.path
        let bytes: [UInt8]
        do { bytes = try StoreFiles.readModelFile(path, limit: ONNXImporter().maxFileSize) } catch {
            throw CommandFailure("cannot read '\(model)': \(error)")
        }
        let loaded: ONNXModel
        do { loaded = try ONNXImporter().load(bytes: Data(bytes)) } catch {
            throw CommandFailure("'\(model)' is not a model Augur can serve, so it was not imported: \(error)")
        }
        var request = ModelImport(name: name, version: version, bytes: bytes)
        request.aliases = alias
        request.labels = labels
        request.metadata = metadata
        request.source = path
        request.signature = Self.signature(loaded.signature)
        var notes: [String] = []
        if let reference {
            let data: Data
            do { data = try Data(contentsOf: URL(fileURLWithPath: reference)) } catch {
                throw CommandFailure("cannot read the reference data '\(reference)': \(error.localizedDescription)")
            }
            do {
                request.reference = try TrainingStatistics.compute(csv: data, source: URL(fileURLWithPath: reference).lastPathComponent)
            } catch {
                throw CommandFailure("cannot summarise the reference data '\(reference)': \(error)")
            }
            // Kept for explanations when it is in the model's input columns (node covers, means).
            if data.count > ModelStore.maxReferenceRowsBytes {
                notes.append("the reference CSV is over \(ModelStore.maxReferenceRowsBytes >> 20) MiB, so only its statistics are kept; give a sample for explanations")
            } else {
                do {
                    _ = try ReferenceRows(csv: data, source: URL(fileURLWithPath: reference).lastPathComponent, model: loaded)
                    request.referenceRows = [UInt8](data)
                } catch {
                    notes.append("only its statistics are kept, not the rows explanations need: \(error)")
                }
            }
        }
        let record = try storeOption.open().importModel(request)
        var line = "Imported \(record.tag) (\(record.size) bytes, sha256 \(record.sha256.prefix(12)))"
        if !alias.isEmpty { line += ", aliases: \(alias.joined(separator: ", "))" }
        if let stats = request.reference { line += ", reference: \(stats.rows) rows × \(stats.features.count) features" }
        if request.referenceRows != nil { line += " (kept for explanations)" }
        print(line)
        for note in notes { print("note: \(note)") }
    }

    static func signature(_ s: ModelSignature) -> SignatureRecord {
        SignatureRecord(inputs: s.inputs.map { .init(name: $0.name, type: "\($0.type)") },
                        outputs: s.outputs.map { .init(name: $0.name, type: "\($0.type)") },
                        opsets: Dictionary(uniqueKeysWithValues: s.opsets.map { ($0.key.isEmpty ? "ai.onnx" : $0.key, $0.value) }),
                        producer: "\(s.producerName) \(s.producerVersion)".trimmingTrailingSpace)
    }
}

struct ListModels: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List models, versions and aliases.")
    @Argument(help: "Only this model.") var name: String?
    @OptionGroup var storeOption: StoreOption

    func run() throws {
        let store = try storeOption.open()
        let names = try name.map { [$0] } ?? store.names()
        if names.isEmpty { print("The store at \(store.root) is empty; add a model with `augur models import MODEL.onnx --name NAME`.") }
        var rows = [["MODEL", "VERSION", "ALIASES", "SIZE", "SHA256", "IMPORTED"]]
        for name in names {
            let aliases = try store.aliases(of: name)
            let versions = try store.versions(of: name)
            for (i, record) in versions.enumerated().reversed() {
                var tags = aliases.filter { $0.value == record.version }.keys.sorted()
                if i == versions.count - 1 { tags.insert("latest", at: 0) }
                rows.append([name, record.version, tags.joined(separator: ","), "\(record.size)", String(record.sha256.prefix(12)), record.importedAt])
            }
        }
        if rows.count > 1 { print(table(rows), terminator: "") }
    }
}

/// Columns padded to their widest cell.
func table(_ rows: [[String]]) -> String {
    let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
    return rows.map { row in
        row.enumerated().map { $0.offset == row.count - 1 ? $0.element : $0.element.padding(toLength: widths[$0.offset] + 2, withPad: " ", startingAt: 0) }
            .joined().trimmingTrailingSpace
    }.joined(separator: "\n") + "\n"
}

struct ShowModel: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one version: digest, signature, labels, metadata, reference statistics.")
    @Argument(help: "NAME, NAME:VERSION or NAME@ALIAS.") var reference: String
    @OptionGroup var storeOption: StoreOption

    func run() throws {
        let store = try storeOption.open()
        let record = try store.resolve(try ModelReference(parsing: reference))
        let aliases = try store.aliases(of: record.name).filter { $0.value == record.version }.keys.sorted()
        var lines = ["\(record.tag)", "  sha256:    \(record.sha256)", "  size:      \(record.size) bytes", "  imported:  \(record.importedAt)"]
        if let source = record.source { lines.append("  source:    \(source)") }
        if !aliases.isEmpty { lines.append("  aliases:   \(aliases.joined(separator: ", "))") }
        if let s = record.signature {
            lines.append("  producer:  \(s.producer)")
            lines.append("  inputs:    " + s.inputs.map { "\($0.name): \($0.type)" }.joined(separator: ", "))
            lines.append("  outputs:   " + s.outputs.map { "\($0.name): \($0.type)" }.joined(separator: ", "))
        }
        if !record.labels.isEmpty { lines.append("  labels:    " + record.labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")) }
        for (key, value) in record.metadata.sorted(by: { $0.key < $1.key }) { lines.append("  meta \(key): \(value)") }
        if let stats = try store.reference(record) {
            lines.append("  reference: \(stats.source), \(stats.rows) rows")
            for f in stats.features {
                if f.kind == "numeric", let mean = f.mean, let std = f.std, let lo = f.min, let hi = f.max {
                    lines.append("    \(f.name): numeric, mean \(short(mean)), std \(short(std)), min \(short(lo)), max \(short(hi)), missing \(f.missing)")
                } else {
                    let top = (f.categories ?? []).prefix(5).map { "\($0.value) (\($0.count))" }.joined(separator: ", ")
                    lines.append("    \(f.name): categorical, \(f.distinct ?? 0) distinct, top \(top), missing \(f.missing)")
                }
            }
        }
        print(lines.joined(separator: "\n"))
    }

    private func short(_ x: Double) -> String { String(format: "%.6g", x) }
}

struct AliasModel: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "alias", abstract: "Point an alias at a version (or remove it with --remove).")
    @Argument(help: "NAME:VERSION (or NAME with --remove).") var target: String
    @Argument(help: "The alias, e.g. production or champion.") var alias: String
    @Flag(help: "Remove the alias instead.") var remove = false
    @OptionGroup var storeOption: StoreOption

    func run() throws {
        let store = try storeOption.open()
        let reference = try ModelReference(parsing: target)
        if remove {
            let version = try store.removeAlias(alias, name: reference.name)
            print("Removed \(reference.name)@\(alias) (was version \(version))")
            return
        }
        guard case .version(let version) = reference.selector else {
            throw ValidationError("Give the version the alias points at: NAME:VERSION, e.g. \(reference.name):3.")
        }
        try store.setAlias(alias, name: reference.name, version: version)
        print("\(reference.name)@\(alias) → \(version)")
    }
}

struct DeleteModel: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "delete", abstract: "Delete a version (refused while an alias points at it, unless --force).")
    @Argument(help: "NAME:VERSION.") var target: String
    @Flag(help: "Delete even if aliases point at it, removing those aliases.") var force = false
    @OptionGroup var storeOption: StoreOption

    func run() throws {
        let reference = try ModelReference(parsing: target)
        guard case .version(let version) = reference.selector else {
            throw ValidationError("Name the version to delete: NAME:VERSION, e.g. \(reference.name):3.")
        }
        let removed = try storeOption.open().delete(name: reference.name, version: version, force: force)
        print("Deleted \(reference.name):\(version)" + (removed.isEmpty ? "" : " and alias\(removed.count == 1 ? "" : "es") \(removed.joined(separator: ", "))"))
    }
}

struct ExportModel: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "export", abstract: "Copy a version's files (model.onnx, version.json, reference.json) into a folder.")
    @Argument(help: "NAME, NAME:VERSION or NAME@ALIAS.") var reference: String
    @Argument(help: "Destination folder (created if missing; existing files are not overwritten).") var directory: String
    @OptionGroup var storeOption: StoreOption

    func run() throws {
        let store = try storeOption.open()
        let record = try store.resolve(try ModelReference(parsing: reference))
        for file in try store.export(record, to: directory) { print(file) }
    }
}

struct VerifyModels: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "verify", abstract: "Re-check digests and that each version still loads; exits non-zero on any problem.")
    @Argument(help: "NAME or NAME:VERSION (default: every model).") var reference: String?
    @OptionGroup var storeOption: StoreOption

    func run() throws {
        let store = try storeOption.open()
        var records: [VersionRecord] = []
        var problems: [String] = []
        if let reference {
            let parsed = try ModelReference(parsing: reference)
            if case .latest = parsed.selector, !reference.contains("@") {
                records = try store.versions(of: parsed.name)
            } else {
                records = [try store.resolve(parsed)]
            }
        } else {
            for name in store.names() {
                do { records += try store.versions(of: name) } catch { problems.append("\(name): \(error)") }
            }
        }
        for name in Set(records.map(\.name)).sorted() {
            do {
                for (version, error) in try store.unreadableVersions(of: name) { problems.append("\(name):\(version): \(error)") }
                let versions = Set(try store.versions(of: name).map(\.version))
                for (alias, version) in try store.aliases(of: name) where !versions.contains(version) {
                    problems.append("\(name)@\(alias) points at version \(version), which is not in the store")
                }
            } catch { problems.append("\(name): \(error)") }
        }
        for record in records {
            do {
                let bytes = try store.modelBytes(record)
                _ = try ONNXImporter().load(bytes: Data(bytes))
                print("ok      \(record.tag)  sha256 \(record.sha256.prefix(12))")
            } catch {
                print("FAILED  \(record.tag): \(error)")
                problems.append("\(record.tag): \(error)")
            }
        }
        guard problems.isEmpty else {
            throw CommandFailure("\(problems.count) problem\(problems.count == 1 ? "" : "s") in the store at \(store.root):\n" + problems.map { "  \($0)" }.joined(separator: "\n"))
        }
        print("\(records.count) version\(records.count == 1 ? "" : "s") verified in \(store.root)")
    }
}
