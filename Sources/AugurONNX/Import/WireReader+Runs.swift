import Foundation

/// Repeated fields. ONNX (proto2) writes a list unpacked, one field per value with the same
/// tag, one after the other; a list is read here as a whole run: counted first, then read
/// into an array of exactly that size (a million-entry list is neither grown nor copied).
extension WireReader {
    /// Appends a repeated int64 field's value: a packed run, or this value and those of the
    /// fields right after it with the same one-byte `tag`, which the caller would otherwise
    /// read one by one.
    mutating func appendInt64s(to values: inout [Int64], tag: UInt8) throws(Stop) {
        guard wire == Wire.lengthDelimited else {
            try expect(Wire.varint)
            let count = runLength(tag) { p in
                while p < end, bytes[p] & 0x80 != 0 { p += 1 }
                p += 1
            }
            return Self.append(try readVarintRun(tag, count: count), to: &values)
        }
        var packed = try body()
        while !packed.atEnd { values.append(Int64(bitPattern: try packed.varint())) }
    }

    /// Appends a repeated float field's value, as `appendInt64s` does.
    mutating func appendFloats(to values: inout [Float], tag: UInt8) throws(Stop) {
        guard wire == Wire.lengthDelimited else {
            let count = runLength(tag) { $0 += 4 }
            return Self.append(try readRun(tag, count: count) { try $0.float() }, to: &values)
        }
        var packed = try body()
        guard (packed.end - packed.position) % 4 == 0 else { throw Stop() }
        values.reserveCapacity(values.count + (packed.end - packed.position) / 4)
        packed.wire = Wire.fixed32
        while !packed.atEnd { values.append(try packed.float()) }
    }

    /// Appends a repeated bytes field's value and those of the fields right after it with
    /// the same one-byte `tag`.
    mutating func appendData(to values: inout [Data], tag: UInt8) throws(Stop) {
        let count = runLength(tag) { p in
            var length = 0
            var shift = 0
            while p < end, shift < 63 {
                length |= Int(bytes[p] & 0x7f) << shift
                shift += 7
                p += 1
                if bytes[p - 1] & 0x80 == 0 { break }
            }
            p = length >= 0 && length <= end - p ? p + length : end
        }
        Self.append(try readRun(tag, count: count) { try $0.data() }, to: &values)
    }

    private static func append<T>(_ run: [T], to values: inout [T]) {
        if values.isEmpty { values = run } else { values += run }
    }

    /// How many values (at least one, the current) the run of fields with the one-byte `tag`
    /// starting at the current value holds, `skip` moving an offset over one value.
    /// Malformed bytes only make it wrong; reading the run checks every value and tag.
    private func runLength(_ tag: UInt8, skip: (inout Int) -> Void) -> Int {
        var p = position
        var count = 0
        while true {
            skip(&p)
            count += 1
            guard p < end, bytes[p] == tag else { return count }
            p += 1
        }
    }

    /// `readRun` for varints, written out: the loop that reads most of a big tree file.
    private mutating func readVarintRun(_ tag: UInt8, count: Int) throws(Stop) -> [Int64] {
        var p = position
        let bytes = bytes, end = end
        let values = [Int64](unsafeUninitializedCapacity: count) { buffer, initialized in
            for index in 0..<count {
                if index > 0 {
                    guard p < end, bytes[p] == tag else { return }
                    p += 1
                }
                // As `varint()`: at most ten bytes, bits beyond 64 dropped.
                var value: UInt64 = 0
                var shift: UInt64 = 0
                while true {
                    guard p < end, shift <= 63 else { return }
                    let byte = bytes[p]
                    p += 1
                    value |= UInt64(byte & 0x7f) &<< shift
                    if byte & 0x80 == 0 { break }
                    shift &+= 7
                }
                buffer[index] = Int64(bitPattern: value)
                initialized = index + 1
            }
        }
        guard values.count == count else { throw Stop() }
        position = p
        return values
    }

    /// Reads `count` values, the current one and those after the next `count - 1` tags,
    /// which must be `tag`.
    private mutating func readRun<T>(_ tag: UInt8, count: Int,
                                     _ read: (inout WireReader) throws -> T) throws(Stop) -> [T] {
        do {
            return try [T](unsafeUninitializedCapacity: count) { buffer, initialized in
                for index in 0..<count {
                    if index > 0 {
                        guard position < end, bytes[position] == tag else { throw Stop() }
                        position += 1
                    }
                    buffer.initializeElement(at: index, to: try read(&self))
                    initialized = index + 1
                }
            }
        } catch {
            throw Stop()
        }
    }
}
