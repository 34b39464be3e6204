import CZlib
import Foundation

/// A ZIP archive of deflated entries with Unix permissions, written whole: what a Lambda
/// function package needs. Deterministic: entries in the order given, a fixed
/// timestamp (1980-01-01), so the same inputs give the same bytes. No ZIP64: an entry or an
/// archive of 4 GiB or more is refused (Lambda's own limit is 250 MB unzipped).
public struct ZipArchive: Sendable {
    public struct Entry: Sendable {
        public let path: String
        public let bytes: [UInt8]
        /// Unix permission bits, such as 0o755 for `bootstrap`.
        public let mode: UInt16
        /// A folder: `path` ends in `/`, no bytes.
        public let isDirectory: Bool

        public init(path: String, bytes: [UInt8], mode: UInt16 = 0o644) {
            self.path = path
            self.bytes = bytes
            self.mode = mode
            isDirectory = false
        }

        public init(directory path: String) {
            self.path = path.hasSuffix("/") ? path : path + "/"
            bytes = []
            mode = 0o755
            isDirectory = true
        }
    }

    public struct TooLarge: Error, CustomStringConvertible {
        public let description: String
    }

    public private(set) var entries: [Entry] = []

    public init() {}

    public mutating func add(_ entry: Entry) { entries.append(entry) }

    public func bytes() throws -> [UInt8] {
        var out: [UInt8] = []
        var central: [UInt8] = []
        for entry in entries {
            let name = Array(entry.path.utf8)
            guard entry.bytes.count < Int(UInt32.max), out.count < Int(UInt32.max), name.count < Int(UInt16.max) else {
                throw TooLarge(description: "'\(entry.path)' does not fit a ZIP without ZIP64 (4 GiB).")
            }
            let crc = Self.crc32(entry.bytes)
            let offset = UInt32(out.count)
            // Deflated when it saves space (ZIP method 8), else stored (0).
            let deflated = entry.bytes.isEmpty ? [] : try Gzip.compress(entry.bytes, raw: true)
            let method: UInt16 = deflated.count < entry.bytes.count ? 8 : 0
            let data = method == 8 ? deflated : entry.bytes
            // Local file header.
            Self.put(&out, UInt32(0x0403_4B50))
            Self.put(&out, UInt16(20))            // version needed
            Self.put(&out, UInt16(0x0800))        // UTF-8 names
            Self.put(&out, method)
            Self.put(&out, UInt16(0))             // time 00:00
            Self.put(&out, UInt16(0x21))          // date 1980-01-01
            Self.put(&out, crc)
            Self.put(&out, UInt32(data.count))
            Self.put(&out, UInt32(entry.bytes.count))
            Self.put(&out, UInt16(name.count))
            Self.put(&out, UInt16(0))
            out += name
            out += data
            // Central directory record: made by Unix (3), version 2.0, mode in the high bits.
            Self.put(&central, UInt32(0x0201_4B50))
            Self.put(&central, UInt16(0x0314))
            Self.put(&central, UInt16(20))
            Self.put(&central, UInt16(0x0800))
            Self.put(&central, method)
            Self.put(&central, UInt16(0))
            Self.put(&central, UInt16(0x21))
            Self.put(&central, crc)
            Self.put(&central, UInt32(data.count))
            Self.put(&central, UInt32(entry.bytes.count))
            Self.put(&central, UInt16(name.count))
            Self.put(&central, UInt16(0))         // extra
            Self.put(&central, UInt16(0))         // comment
            Self.put(&central, UInt16(0))         // disk
            Self.put(&central, UInt16(0))         // internal attributes
            Self.put(&central, (UInt32((entry.isDirectory ? 0o040000 : 0o100000) | UInt32(entry.mode))) << 16 | (entry.isDirectory ? 0x10 : 0))
            Self.put(&central, offset)
            central += name
        }
        guard out.count + central.count < Int(UInt32.max), entries.count < Int(UInt16.max) else {
            throw TooLarge(description: "the archive does not fit a ZIP without ZIP64 (4 GiB, 65,535 entries).")
        }
        let centralOffset = UInt32(out.count)
        out += central
        Self.put(&out, UInt32(0x0605_4B50))
        Self.put(&out, UInt16(0))
        Self.put(&out, UInt16(0))
        Self.put(&out, UInt16(entries.count))
        Self.put(&out, UInt16(entries.count))
        Self.put(&out, UInt32(central.count))
        Self.put(&out, centralOffset)
        Self.put(&out, UInt16(0))
        return out
    }

    static func put<T: FixedWidthInteger>(_ out: inout [UInt8], _ value: T) {
        withUnsafeBytes(of: value.littleEndian) { out += $0 }
    }

    /// CRC-32 (IEEE), as ZIP and gzip use it (zlib's).
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBufferPointer { buffer in
            var crc: uLong = 0
            var offset = 0
            while offset < buffer.count {
                let slice = min(buffer.count - offset, 1 << 30)
                crc = CZlib.crc32(crc, buffer.baseAddress! + offset, uInt(slice))
                offset += slice
            }
            return UInt32(truncatingIfNeeded: crc)
        }
    }
}
