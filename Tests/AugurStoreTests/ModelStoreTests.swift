import AugurStore
import Foundation
import Testing

/// A fresh store in a temporary folder, removed at the end.
final class TemporaryStore {
    let folder: String
    let store: ModelStore

    init() throws {
        folder = NSTemporaryDirectory() + "augur-store-\(UInt64.random(in: 0...UInt64.max))"
        store = try ModelStore(root: folder + "/models")
    }

    deinit { try? FileManager.default.removeItem(atPath: folder) }

    func add(_ name: String, version: String? = nil, bytes: [UInt8] = Array("model-\(UInt64.random(in: 0...UInt64.max))".utf8),
             aliases: [String] = []) throws -> VersionRecord {
        var request = ModelImport(name: name, version: version, bytes: bytes)
        request.aliases = aliases
        return try store.importModel(request)
    }
}

@Suite struct ModelStoreTests {
    @Test func versionsAreNumberedAndLatestIsTheNewest() throws {
        let t = try TemporaryStore()
        let first = try t.add("loan")
        let second = try t.add("loan")
        let named = try t.add("loan", version: "2026-01-rc")
        let fourth = try t.add("loan")
        #expect([first.version, second.version, named.version, fourth.version] == ["1", "2", "2026-01-rc", "3"])
        #expect(try t.store.resolve(ModelReference(parsing: "loan")).version == "3")
        #expect(try t.store.resolve(ModelReference(parsing: "loan:2026-01-rc")) == named)
        #expect(try t.store.versions(of: "loan").map(\.sequence) == [1, 2, 3, 4])
        #expect(t.store.names() == ["loan"])
    }

    @Test func recordKeepsDigestSizeAndMetadata() throws {
        let t = try TemporaryStore()
        let bytes = Array("an onnx file".utf8)
        var request = ModelImport(name: "loan", bytes: bytes)
        request.labels = ["1": "approved", "0": "denied"]
        request.metadata = ["features": "income,age", "auc": "0.91"]
        request.source = "/data/model.onnx"
        request.reference = ReferenceStatistics(source: "train.csv", rows: 3, features: [FeatureStatistics(name: "age", kind: "numeric", count: 3, missing: 0)])
        let record = try t.store.importModel(request)
        #expect(record.sha256 == Digests.sha256(bytes))
        #expect(record.size == bytes.count)
        #expect(record.importedAt.hasSuffix("Z") && record.importedAt.count == 20)
        let read = try t.store.record(name: "loan", version: "1")
        #expect(read == record)
        #expect(try t.store.modelBytes(read) == bytes)
        #expect(try t.store.reference(read)?.features.first?.name == "age")
    }

    @Test func versionsAreImmutable() throws {
        let t = try TemporaryStore()
        _ = try t.add("loan", version: "7")
        #expect(throws: StoreError(.conflict, "loan:7 already exists; versions are immutable. Import under another version, or omit --version to get the next number.")) {
            try t.add("loan", version: "7")
        }
        #expect(try t.add("loan").version == "8")
        #expect(throws: StoreError.self) { try t.add("loan", version: "latest") }
    }

    @Test func aliasesMoveAndProtectVersions() throws {
        let t = try TemporaryStore()
        _ = try t.add("loan", aliases: ["production"])
        _ = try t.add("loan")
        #expect(try t.store.resolve(ModelReference(parsing: "loan@production")).version == "1")
        try t.store.setAlias("production", name: "loan", version: "2")
        try t.store.setAlias("champion", name: "loan", version: "1")
        #expect(try t.store.aliases(of: "loan") == ["production": "2", "champion": "1"])
        #expect(throws: StoreError.self) { try t.store.setAlias("latest", name: "loan", version: "1") }
        #expect(throws: StoreError.self) { try t.store.setAlias("x", name: "loan", version: "9") }
        let refused = #expect(throws: StoreError.self) { try t.store.delete(name: "loan", version: "1") }
        #expect(refused?.kind == .conflict)
        #expect(refused?.message.contains("'champion'") == true)
        #expect(try t.store.delete(name: "loan", version: "1", force: true) == ["champion"])
        #expect(try t.store.aliases(of: "loan") == ["production": "2"])
        #expect(try t.store.versions(of: "loan").map(\.version) == ["2"])
        #expect(try t.store.removeAlias("production", name: "loan") == "2")
        try t.store.delete(name: "loan", version: "2")
        #expect(t.store.names().isEmpty)
        #expect(throws: StoreError.self) { try t.store.resolve(ModelReference(parsing: "loan")) }
    }

    @Test func unknownReferencesNameWhatExists() throws {
        let t = try TemporaryStore()
        _ = try t.add("loan", aliases: ["production"])
        let version = #expect(throws: StoreError.self) { try t.store.resolve(ModelReference(parsing: "loan:5")) }
        #expect(version?.message == "model 'loan' has no version '5' (versions: 1).")
        let alias = #expect(throws: StoreError.self) { try t.store.resolve(ModelReference(parsing: "loan@champion")) }
        #expect(alias?.message == "model 'loan' has no alias 'champion' (aliases: production).")
        let model = #expect(throws: StoreError.self) { try t.store.resolve(ModelReference(parsing: "house")) }
        #expect(model?.kind == .notFound)
        #expect(model?.message.contains("Models: loan.") == true)
    }

    @Test func aChangedFileFailsItsIntegrityCheck() throws {
        let t = try TemporaryStore()
        let record = try t.add("loan", bytes: Array("original".utf8))
        let path = "\(t.store.root)/loan/versions/1/model.onnx"
        try Data("tampered".utf8).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: StoreError.self) { try t.store.modelBytes(record) }
        #expect(error?.kind == .integrity)
        #expect(error?.message.contains("loan:1 failed its integrity check") == true)
    }

    @Test func symlinksAreNeverFollowed() throws {
        let t = try TemporaryStore()
        let record = try t.add("loan")
        let outside = t.folder + "/outside.onnx"
        try Data("secret".utf8).write(to: URL(fileURLWithPath: outside))
        let path = "\(t.store.root)/loan/versions/1/model.onnx"
        try FileManager.default.removeItem(atPath: path)
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: outside)
        #expect((#expect(throws: StoreError.self) { try t.store.modelBytes(record) })?.kind == .integrity)

        try FileManager.default.createDirectory(atPath: t.folder + "/elsewhere/versions/1", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: "\(t.store.root)/house", withDestinationPath: t.folder + "/elsewhere")
        #expect(!t.store.names().contains("house"))
        #expect((#expect(throws: StoreError.self) { try t.store.resolve(ModelReference(parsing: "house")) })?.kind == .integrity)
    }

    @Test func leftoverStagingIsCleanedAndNeverListed() throws {
        let t = try TemporaryStore()
        let orphan = "\(t.store.root)/.staging/version-999-1"
        try FileManager.default.createDirectory(atPath: orphan, withIntermediateDirectories: true)
        try Data("half".utf8).write(to: URL(fileURLWithPath: orphan + "/model.onnx"))
        #expect(t.store.names().isEmpty)
        _ = try t.add("loan")
        #expect(!FileManager.default.fileExists(atPath: orphan))
    }

    @Test func exportCopiesAVerifiedVersion() throws {
        let t = try TemporaryStore()
        let record = try t.add("loan", bytes: Array("weights".utf8))
        let files = try t.store.export(record, to: t.folder + "/out")
        #expect(files.map { URL(fileURLWithPath: $0).lastPathComponent } == ["model.onnx", "version.json"])
        #expect(try Data(contentsOf: URL(fileURLWithPath: t.folder + "/out/model.onnx")) == Data("weights".utf8))
        #expect((#expect(throws: StoreError.self) { try t.store.export(record, to: t.folder + "/out") })?.kind == .conflict)
    }

    @Test func concurrentImportsGetDistinctVersions() async throws {
        let t = try TemporaryStore()
        let store = t.store
        let versions = try await withThrowingTaskGroup(of: String.self) { group in
            for i in 0..<16 {
                group.addTask { try store.importModel(ModelImport(name: "loan", bytes: Array("m\(i)".utf8))).version }
            }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(Set(versions) == Set((1...16).map(String.init)))
        #expect(try store.versions(of: "loan").count == 16)
    }

    @Test func defaultRootFollowsAugurHome() {
        #expect(ModelStore.defaultRoot(environment: ["AUGUR_HOME": "/srv/augur", "HOME": "/root"]) == "/srv/augur/models")
        #expect(ModelStore.defaultRoot(environment: ["HOME": "/home/ana"]) == "/home/ana/.augur/models")
    }
}
