import Foundation
import Testing
@testable import AugurDeploy

/// The Lambda package's ZIP writer: the CRC every reader checks, the layout `unzip` and
/// Python's zipfile read (scripts/lambda/check.py extracts a real package), and determinism.
@Suite struct ZipArchiveTests {
    @Test func crc32IsIEEE() {
        #expect(ZipArchive.crc32(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(ZipArchive.crc32([]) == 0)
    }

    @Test func sameEntriesSameBytesAndTheRecordsAddUp() throws {
        var archive = ZipArchive()
        archive.add(.init(path: "bootstrap", bytes: Array("#!/bin/sh\n".utf8), mode: 0o755))
        archive.add(.init(path: "service/augur.yaml", bytes: Array("routes: {}\n".utf8)))
        let bytes = try archive.bytes()
        #expect(try archive.bytes() == bytes)
        // End of central directory: two entries, and the central directory where it says.
        let end = bytes.count - 22
        #expect(Array(bytes[end..<end + 4]) == [0x50, 0x4B, 0x05, 0x06])
        #expect(bytes[end + 10] == 2)
        let centralOffset = Int(bytes[end + 16]) | Int(bytes[end + 17]) << 8 | Int(bytes[end + 18]) << 16 | Int(bytes[end + 19]) << 24
        #expect(Array(bytes[centralOffset..<centralOffset + 4]) == [0x50, 0x4B, 0x01, 0x02])
        // The first central record carries bootstrap's mode in the external attributes' high half.
        let attributes = bytes[centralOffset + 38..<centralOffset + 42].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        #expect(attributes >> 16 == 0o100755)
    }

    @Test func largeEntriesAreDeflatedAndFoldersMarked() throws {
        var archive = ZipArchive()
        let text = Array(String(repeating: "feature,", count: 4096).utf8)
        archive.add(.init(path: "service/model.onnx", bytes: text))
        archive.add(.init(directory: "service/.augur"))
        let bytes = try archive.bytes()
        func u16(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
        func u32(_ at: Int) -> Int { u16(at) | u16(at + 2) << 16 }
        #expect(u16(8) == 8)                        // deflated
        #expect(u32(18) < text.count / 10 && u32(22) == text.count)
        #expect(u32(14) == Int(ZipArchive.crc32(text)))
        let end = bytes.count - 22
        let central = u32(end + 16)
        let second = central + 46 + u16(central + 28)
        #expect(String(decoding: bytes[(second + 46)..<(second + 46 + u16(second + 28))], as: UTF8.self) == "service/.augur/")
        #expect(u32(second + 38) >> 16 == 0o040755 && u32(second + 38) & 0x10 != 0)
    }
}
