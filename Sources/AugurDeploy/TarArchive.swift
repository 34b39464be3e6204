/// A POSIX ustar archive written whole: an image layer. Deterministic: entries in the order
/// given (callers sort them), one fixed modification time, numeric owners only (no user or
/// group names), so the same inputs give the same bytes.
public struct TarArchive: Sendable {
    public enum Kind: Sendable { case file([UInt8]), directory }

    public struct Entry: Sendable {
        /// Relative to the root, without a leading `/`; directories without a trailing one.
        public let path: String
        public let kind: Kind
        public let mode: UInt32
        public let owner: UInt32

        public init(path: String, kind: Kind, mode: UInt32, owner: UInt32 = 0) {
            self.path = path
            self.kind = kind
            self.mode = mode
            self.owner = owner
        }
    }

    public struct Problem: Error, CustomStringConvertible {
        public let description: String
    }

    public private(set) var entries: [Entry] = []
    /// Seconds since 1970 written as every entry's modification time.
    public let modificationTime: Int

    public init(modificationTime: Int = 0) { self.modificationTime = modificationTime }

    public mutating func add(_ entry: Entry) { entries.append(entry) }

    public func bytes() throws -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(entries.reduce(1024) { total, entry in
            if case .file(let bytes) = entry.kind { return total + 512 + (bytes.count + 511) / 512 * 512 }
            return total + 512
        })
        for entry in entries {
            var header = [UInt8](repeating: 0, count: 512)
            let name = Array((entry.kind.isDirectory ? entry.path + "/" : entry.path).utf8)
            // ustar: up to 100 bytes of name, and a 155-byte prefix split at a '/'.
            if name.count <= 100 {
                header.replaceSubrange(0..<name.count, with: name)
            } else if let split = name.indices.last(where: { name[$0] == UInt8(ascii: "/") && $0 <= 155 && name.count - $0 - 1 <= 100 }), split > 0 {
                header.replaceSubrange(0..<(name.count - split - 1), with: name[(split + 1)...])
                header.replaceSubrange(345..<(345 + split), with: name[..<split])
            } else {
                throw Problem(description: "'\(entry.path)' is too long for a ustar archive (at most 255 bytes, split at a '/').")
            }
            var size = 0
            if case .file(let bytes) = entry.kind { size = bytes.count }
            guard size < 0o77777777777 else { throw Problem(description: "'\(entry.path)' is 8 GiB or more; ustar cannot hold it.") }
            Self.octal(&header, 100, 8, Int(entry.mode))
            Self.octal(&header, 108, 8, Int(entry.owner))
            Self.octal(&header, 116, 8, Int(entry.owner))
            Self.octal(&header, 124, 12, size)
            Self.octal(&header, 136, 12, modificationTime)
            header[156] = entry.kind.isDirectory ? UInt8(ascii: "5") : UInt8(ascii: "0")
            header.replaceSubrange(257..<263, with: Array("ustar\0".utf8))
            header.replaceSubrange(263..<265, with: Array("00".utf8))
            for i in 148..<156 { header[i] = UInt8(ascii: " ") }
            let checksum = header.reduce(0) { $0 + Int($1) }
            Self.octal(&header, 148, 7, checksum)
            out += header
            if case .file(let bytes) = entry.kind {
                out += bytes
                out += [UInt8](repeating: 0, count: (512 - bytes.count % 512) % 512)
            }
        }
        out += [UInt8](repeating: 0, count: 1024)
        return out
    }

    /// `value` in octal, zero-padded to `width - 1` digits and a NUL.
    private static func octal(_ header: inout [UInt8], _ offset: Int, _ width: Int, _ value: Int) {
        let digits = Array(String(value, radix: 8).utf8)
        let padded = [UInt8](repeating: UInt8(ascii: "0"), count: max(0, width - 1 - digits.count)) + digits
        header.replaceSubrange(offset..<(offset + width - 1), with: padded.suffix(width - 1))
        header[offset + width - 1] = 0
    }
}

extension TarArchive.Kind {
    var isDirectory: Bool { if case .directory = self { return true } else { return false } }
}
