import Foundation
import SwiftProtobuf

/// A bounds-checked reader of the protobuf wire format over borrowed bytes, for
/// `ModelWireDecoder`. It accepts exactly what SwiftProtobuf's binary decoder accepts for the
/// fields it reads and stops (`Stop`) at anything else, so that the caller can fall back.
struct WireReader {
    /// The reader met something it does not take exactly as SwiftProtobuf would.
    struct Stop: Error {}

    /// Wire types (protobuf encoding).
    enum Wire {
        static let varint: UInt8 = 0, fixed64: UInt8 = 1, lengthDelimited: UInt8 = 2, fixed32: UInt8 = 5
    }

    let bytes: UnsafeRawBufferPointer
    /// The next byte to read, and the end of this reader's bytes (a message body).
    var position: Int
    let end: Int
    /// The wire type of the field whose tag was read last.
    var wire: UInt8 = 0

    init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
        position = 0
        end = bytes.count
    }

    private init(_ bytes: UnsafeRawBufferPointer, range: Range<Int>) {
        self.bytes = bytes
        position = range.lowerBound
        end = range.upperBound
    }

    var atEnd: Bool { position >= end }

    /// A varint as SwiftProtobuf reads it: at most ten bytes, bits beyond 64 dropped.
    @inline(__always)
    mutating func varint() throws(Stop) -> UInt64 {
        guard position < end else { throw Stop() }
        var byte = bytes[position]
        position += 1
        if byte & 0x80 == 0 { return UInt64(byte) }
        var value = UInt64(byte & 0x7f)
        var shift: UInt64 = 7
        while true {
            guard position < end, shift <= 63 else { throw Stop() }
            byte = bytes[position]
            position += 1
            value |= UInt64(byte & 0x7f) &<< shift
            if byte & 0x80 == 0 { return value }
            shift &+= 7
        }
    }

    /// The next field's number; sets `wire`. Field number 0, wire types 3, 4 (groups) and 6,
    /// 7 stop the reader.
    @inline(__always)
    mutating func field() throws(Stop) -> Int {
        let tag = try varint()
        guard tag < UInt64(UInt32.max), tag >> 3 != 0 else { throw Stop() }
        wire = UInt8(tag & 7)
        guard wire <= 2 || wire == 5 else { throw Stop() }
        return Int(tag >> 3)
    }

    /// Checks that the current field has wire type `expected`.
    @inline(__always)
    func expect(_ expected: UInt8) throws(Stop) {
        guard wire == expected else { throw Stop() }
    }

    /// The body of a length-delimited field, as a reader of its own.
    mutating func body() throws(Stop) -> WireReader {
        try expect(Wire.lengthDelimited)
        let length = try varint()
        guard length <= UInt64(end - position) else { throw Stop() }
        let start = position
        position += Int(length)
        return WireReader(bytes, range: start..<position)
    }

    /// Skips the current field's value (an unknown field).
    mutating func skip() throws(Stop) {
        switch wire {
        case Wire.varint: _ = try varint()
        case Wire.fixed64: try advance(8)
        case Wire.fixed32: try advance(4)
        default: _ = try body()
        }
    }

    private mutating func advance(_ count: Int) throws(Stop) {
        guard end - position >= count else { throw Stop() }
        position += count
    }

    mutating func int64() throws(Stop) -> Int64 {
        try expect(Wire.varint)
        return Int64(bitPattern: try varint())
    }

    mutating func float() throws(Stop) -> Float {
        try expect(Wire.fixed32)
        guard end - position >= 4 else { throw Stop() }
        let bits = UInt32(bytes[position]) | UInt32(bytes[position + 1]) << 8
            | UInt32(bytes[position + 2]) << 16 | UInt32(bytes[position + 3]) << 24
        position += 4
        return Float(bitPattern: bits)
    }

    /// A bytes field's value.
    mutating func data() throws(Stop) -> Data {
        let field = try body()
        guard let base = bytes.baseAddress else { return Data() }
        return Data(bytes: base + field.position, count: field.end - field.position)
    }

    /// A string field's value, validated as SwiftProtobuf does.
    mutating func string() throws(Stop) -> String {
        let field = try body()
        let units = UnsafeRawBufferPointer(rebasing: bytes[field.position..<field.end])
        if units.isEmpty { return String() }
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = units.makeIterator()
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid: continue
            case .error: throw Stop()
            case .emptyInput: return String(decoding: units, as: Unicode.UTF8.self)
            }
        }
    }

    /// A message field decoded by SwiftProtobuf at nesting `depth` (the model is depth 0), with
    /// the depth limit SwiftProtobuf would have left, merged into `message` as it merges
    /// repeated occurrences of a singular message field. Unknown fields are dropped, as the
    /// hand-written reader drops them.
    mutating func merge<M: SwiftProtobuf.Message>(into message: inout M, depth: Int) throws {
        let field = try body()
        var options = BinaryDecodingOptions()
        options.messageDepthLimit -= depth
        options.discardUnknownFields = true
        guard options.messageDepthLimit >= 0 else { throw Stop() }
        guard let base = bytes.baseAddress, field.end > field.position else {
            return try message.merge(serializedBytes: Data(), options: options)
        }
        // Borrowed for the call only; the message copies what it keeps.
        let borrowed = Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: base + field.position),
                            count: field.end - field.position, deallocator: .none)
        try message.merge(serializedBytes: borrowed, options: options)
    }

    /// A message field decoded by SwiftProtobuf (see `merge(into:depth:)`).
    mutating func message<M: SwiftProtobuf.Message>(depth: Int) throws -> M {
        var message = M()
        try merge(into: &message, depth: depth)
        return message
    }
}
