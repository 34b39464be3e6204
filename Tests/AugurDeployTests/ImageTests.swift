import Foundation
import Testing
@testable import AugurDeploy

/// The image writer's parts: ustar headers as tar readers check them, gzip that zlib reads
/// back, the ELF facts `augur build` decides by, registry references and credentials.
/// scripts/image/check.py runs whole images under podman, umoci and a real registry.
@Suite struct ImageTests {
    @Test func tarHeadersCarryModeOwnerSizeAndAValidChecksum() throws {
        var tar = TarArchive(modificationTime: 1_700_000_000)
        tar.add(.init(path: "tmp", kind: .directory, mode: 0o1777))
        tar.add(.init(path: "srv/augur/augur.yaml", kind: .file(Array("routes: {}\n".utf8)), mode: 0o644, owner: 65532))
        let bytes = try tar.bytes()
        #expect(bytes.count == 512 + 512 + 512 + 1024)
        #expect(try tar.bytes() == bytes)
        func field(_ header: Int, _ offset: Int, _ width: Int) -> String {
            String(decoding: bytes[header + offset..<header + offset + width].prefix { $0 != 0 }, as: UTF8.self)
        }
        #expect(field(0, 0, 100) == "tmp/")
        #expect(field(0, 100, 8) == "0001777")
        #expect(bytes[156] == UInt8(ascii: "5"))
        #expect(field(512, 0, 100) == "srv/augur/augur.yaml")
        #expect(field(512, 108, 8) == "0177774")
        #expect(Int(field(512, 124, 12), radix: 8) == 11)
        #expect(Int(field(512, 136, 12), radix: 8) == 1_700_000_000)
        #expect(field(512, 257, 6) == "ustar")
        // The checksum: the header's bytes summed with the checksum field read as spaces.
        var header = Array(bytes[512..<1024])
        let stored = Int(field(512, 148, 7), radix: 8)
        for i in 148..<156 { header[i] = UInt8(ascii: " ") }
        #expect(stored == header.reduce(0) { $0 + Int($1) })
    }

    @Test func longPathsUseThePrefixFieldAndTooLongOnesAreRefused() throws {
        let folder = String(repeating: "d", count: 120)
        var tar = TarArchive()
        tar.add(.init(path: "\(folder)/model.onnx", kind: .file([1]), mode: 0o644))
        let bytes = try tar.bytes()
        #expect(String(decoding: bytes[0..<10], as: UTF8.self) == "model.onnx")
        #expect(String(decoding: bytes[345..<465], as: UTF8.self) == folder)
        var tooLong = TarArchive()
        tooLong.add(.init(path: String(repeating: "x", count: 300), kind: .file([]), mode: 0o644))
        #expect(throws: TarArchive.Problem.self) { try tooLong.bytes() }
    }

    @Test func gzipHasAFixedHeaderAndItsTrailerNamesTheInput() throws {
        let input = Array(String(repeating: "augur ", count: 10_000).utf8)
        let gz = try Gzip.compress(input)
        #expect(Array(gz.prefix(4)) == [0x1F, 0x8B, 8, 0])
        #expect(Array(gz[4..<8]) == [0, 0, 0, 0]) // no modification time
        #expect(gz.count < input.count / 20)
        #expect(try Gzip.compress(input) == gz)
        // The trailer: CRC-32 and length of the input.
        let trailer = gz.suffix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        #expect(UInt32(truncatingIfNeeded: trailer) == ZipArchive.crc32(input))
        #expect(Int(trailer >> 32) == input.count)
    }

    @Test func elfHeadersGiveTheArchitectureAndTheLoader() throws {
        let this = try ExecutableFile(path: "/proc/self/exe")
        #expect(this.architecture == ExecutableFile.hostArchitecture)
        #expect(this.interpreter?.hasPrefix("/lib") == true)
        #expect(throws: ExecutableFile.Problem.self) { try ExecutableFile(path: "x", bytes: Array("#!/bin/sh\n".utf8) + [UInt8](repeating: 0, count: 64)) }
        var header = [UInt8](repeating: 0, count: 64)
        header[0..<6] = [0x7F, 0x45, 0x4C, 0x46, 2, 1]
        header[18] = 40 // ARM (32-bit): refused
        #expect(throws: ExecutableFile.Problem.self) { try ExecutableFile(path: "arm", bytes: header) }
        header[18] = 183
        header[32] = 200 // program headers past the end
        header[54] = 56
        header[56] = 1
        #expect(throws: ExecutableFile.Problem.self) { try ExecutableFile(path: "cut", bytes: header) }
    }

    @Test func registryReferences() throws {
        let local = try RegistryPush.Destination(parsing: "127.0.0.1:5000/team/loan", defaultTag: "1.0.0")
        #expect(local.registry == "127.0.0.1:5000" && local.repository == "team/loan" && local.tag == "1.0.0" && local.isLoopback)
        let ecr = try RegistryPush.Destination(parsing: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/loan:v2", defaultTag: "x")
        #expect(ecr.registry == "123456789012.dkr.ecr.eu-west-1.amazonaws.com" && ecr.repository == "loan" && ecr.tag == "v2" && !ecr.isLoopback)
        let hub = try RegistryPush.Destination(parsing: "loan", defaultTag: "1")
        #expect(hub.registry == "registry-1.docker.io" && hub.repository == "library/loan")
        for bad in ["", "Loan/X", "localhost:5000/loan@sha256:00", "https://ghcr.io/x/y", "ghcr.io/x/y:-bad", "ghcr.io//y"] {
            #expect(throws: RegistryPush.Problem.self, "\(bad)") { try RegistryPush.Destination(parsing: bad, defaultTag: "1") }
        }
    }

    @Test func credentialsFromTheEnvironmentThenTheAuthFiles() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("augur-auth-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let auth = Data("ci:s3cret".utf8).base64EncodedString()
        try Data(#"{"auths": {"127.0.0.1:5000": {"auth": "\#(auth)"}}, "credsStore": "desktop"}"#.utf8).write(to: folder.appendingPathComponent("config.json"))
        let found = RegistryPush.Credentials.lookup(registry: "127.0.0.1:5000", environment: ["DOCKER_CONFIG": folder.path, "HOME": "/nonexistent"])
        #expect(found?.username == "ci" && found?.password == "s3cret")
        #expect(RegistryPush.Credentials.lookup(registry: "ghcr.io", environment: ["DOCKER_CONFIG": folder.path, "HOME": "/nonexistent"]) == nil)
        let env = RegistryPush.Credentials.lookup(registry: "127.0.0.1:5000", environment: [
            "DOCKER_CONFIG": folder.path, "AUGUR_REGISTRY_USERNAME": "AWS", "AUGUR_REGISTRY_PASSWORD": "token"])
        #expect(env?.username == "AWS" && env?.basic == "Basic " + Data("AWS:token".utf8).base64EncodedString())
        #expect(RegistryPush.parameters(of: #" realm="https://auth.example/token",service="registry.example",scope="repository:a:pull""#)
            == ["realm": "https://auth.example/token", "service": "registry.example", "scope": "repository:a:pull"])
    }
}
