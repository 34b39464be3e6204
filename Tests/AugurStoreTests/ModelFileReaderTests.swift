import AugurStore
import Foundation
import Testing

/// The one reader of model files a user names: a symlink chosen by the user (a Kubernetes
/// ConfigMap mounts every file as one) is resolved once; inside the store none is followed.
@Suite struct ModelFileReaderTests {
    @Test func userNamedSymlinksResolveOnceAndTheLimitHolds() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("augur-reader-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let target = folder.appendingPathComponent("data-1234/model.onnx")
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data([1, 2, 3, 4]).write(to: target)
        let link = folder.appendingPathComponent("model.onnx")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: target)
        #expect(try StoreFiles.readModelFile(link.path, limit: 10) == [1, 2, 3, 4])
        #expect(throws: StoreError.self) { try StoreFiles.read(link.path) }
        #expect(throws: StoreError.self) { try StoreFiles.readModelFile(link.path, limit: 3) }
        #expect(throws: StoreError.self) { try StoreFiles.readModelFile(folder.appendingPathComponent("nothing").path, limit: 10) }
        #expect(throws: StoreError.self) { try StoreFiles.readModelFile(folder.path, limit: 10) }
    }
}
