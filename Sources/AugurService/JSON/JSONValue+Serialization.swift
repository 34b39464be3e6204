/// Compact JSON text: keys in order, no whitespace, non-finite numbers as `null`.
extension JSONValue {
    /// The UTF-8 bytes of the compact serialisation.
    public func serialized() -> [UInt8] {
        withSerializedBytes { Array($0) }
    }

    /// The compact serialisation as a String.
    public var serializedString: String {
        withSerializedBytes { String(decoding: $0, as: UTF8.self) }
    }

    /// Calls `body` with the bytes of the compact serialisation (valid only during the call),
    /// so a caller can copy them once into its own buffer.
    public func withSerializedBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        var out = JSONOutput(capacity: 256)
        JSONWriter.write(self, into: &out)
        return try body(out.bytes)
    }
}

/// A growable byte buffer for JSON text: appends go straight to raw memory (no Array
/// uniqueness checks per byte). Freed when it goes out of scope.
public struct JSONOutput: ~Copyable {
    @usableFromInline var base: UnsafeMutablePointer<UInt8>
    @usableFromInline var used = 0
    @usableFromInline var capacity: Int

    /// Bytes written so far.
    public var count: Int { used }

    public init(capacity: Int) {
        self.capacity = max(capacity, 16)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    public var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: used) }

    /// Room for `n` more bytes.
    @inlinable @inline(__always)
    public mutating func reserve(_ n: Int) {
        if capacity - used < n { grow(used + n) }
    }

    @usableFromInline @inline(never)
    mutating func grow(_ needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.update(from: base, count: used)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    @inlinable @inline(__always)
    public mutating func append(_ byte: UInt8) {
        reserve(1)
        base[used] = byte
        used += 1
    }

    @inlinable @inline(__always)
    public mutating func append(_ text: StaticString) {
        let n = text.utf8CodeUnitCount
        reserve(n)
        (base + used).update(from: text.utf8Start, count: n)
        used += n
    }

    public mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let start = bytes.baseAddress else { return }
        reserve(bytes.count)
        (base + used).update(from: start, count: bytes.count)
        used += bytes.count
    }

    public mutating func append(_ bytes: [UInt8]) {
        let n = bytes.count
        guard n > 0 else { return }
        write(upTo: n) { dst in
            bytes.withUnsafeBufferPointer { dst.update(from: $0.baseAddress!, count: n) }
            return n
        }
    }

    /// Lets `body` write up to `maximum` bytes at the end; it returns how many it wrote.
    @inlinable @inline(__always)
    public mutating func write(upTo maximum: Int, _ body: (UnsafeMutablePointer<UInt8>) -> Int) {
        reserve(maximum)
        used += body(base + used)
    }
}

/// Appends JSON text to a byte buffer.
public enum JSONWriter {
    public static func write(_ value: JSONValue, into out: inout JSONOutput) {
        switch value {
        case .null: out.append("null")
        case .bool(let b): out.append(b ? "true" : "false")
        case .number(let n): write(n, into: &out)
        case .string(let s): write(s, into: &out)
        case .array(let array):
            out.append(UInt8(ascii: "["))
            var first = true
            for element in array {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                write(element, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let object):
            writeObject(object, into: &out)
        }
    }

    public static func writeObject(_ object: JSONObject, into out: inout JSONOutput) {
        out.append(UInt8(ascii: "{"))
        writeMembers(of: object, into: &out)
        out.append(UInt8(ascii: "}"))
    }

    /// The members of `object`, comma-separated, without the braces.
    public static func writeMembers(of object: JSONObject, into out: inout JSONOutput) {
        var first = true
        for member in object.members {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            write(member.key, into: &out)
            out.append(UInt8(ascii: ":"))
            write(member.value, into: &out)
        }
    }

    public static func write(_ number: JSONNumber, into out: inout JSONOutput) {
        if let int = number.int64 {
            appendInteger(int, to: &out)
        } else if !number.double.isFinite {
            out.append("null")
        } else {
            var text = number.description
            let count = text.utf8.count
            text.withUTF8 { bytes in
                out.write(upTo: count) { dst in
                    dst.update(from: bytes.baseAddress!, count: bytes.count)
                    return bytes.count
                }
            }
        }
    }

    public static func appendInteger(_ value: Int64, to out: inout JSONOutput) {
        // At most 19 digits and a sign.
        out.write(upTo: 20) { dst in
            var magnitude = value.magnitude
            var digits = 0
            var probe = magnitude
            repeat {
                digits += 1
                probe /= 10
            } while probe > 0
            var end = digits
            if value < 0 {
                dst[0] = UInt8(ascii: "-")
                end += 1
            }
            var i = end
            repeat {
                i -= 1
                dst[i] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            return end
        }
    }

    public static func write(_ string: String, into out: inout JSONOutput) {
        var string = string
        // Worst case: every byte a \u00XX escape, plus the quotes.
        let maximum = string.utf8.count * 6 + 2
        string.withUTF8 { bytes in
            out.write(upTo: maximum) { dst in
                var n = 0
                dst[n] = UInt8(ascii: "\""); n += 1
                var runStart = 0
                for i in 0..<bytes.count {
                    let byte = bytes[i]
                    guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                    if i > runStart {
                        (dst + n).update(from: bytes.baseAddress! + runStart, count: i - runStart)
                        n += i - runStart
                    }
                    n += escape(byte, into: dst + n)
                    runStart = i + 1
                }
                if bytes.count > runStart {
                    (dst + n).update(from: bytes.baseAddress! + runStart, count: bytes.count - runStart)
                    n += bytes.count - runStart
                }
                dst[n] = UInt8(ascii: "\""); n += 1
                return n
            }
        }
    }

    /// Writes the escape of `byte` (a quote, backslash or control character); returns its length.
    private static func escape(_ byte: UInt8, into dst: UnsafeMutablePointer<UInt8>) -> Int {
        func two(_ second: UInt8) -> Int {
            dst[0] = UInt8(ascii: "\\")
            dst[1] = second
            return 2
        }
        switch byte {
        case UInt8(ascii: "\""): return two(UInt8(ascii: "\""))
        case UInt8(ascii: "\\"): return two(UInt8(ascii: "\\"))
        case 0x0A: return two(UInt8(ascii: "n"))
        case 0x0D: return two(UInt8(ascii: "r"))
        case 0x09: return two(UInt8(ascii: "t"))
        case 0x08: return two(UInt8(ascii: "b"))
        case 0x0C: return two(UInt8(ascii: "f"))
        default:
            dst[0] = UInt8(ascii: "\\")
            dst[1] = UInt8(ascii: "u")
            dst[2] = UInt8(ascii: "0")
            dst[3] = UInt8(ascii: "0")
            dst[4] = hexDigit(byte >> 4)
            dst[5] = hexDigit(byte & 0xF)
            return 6
        }
    }

    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }
}
