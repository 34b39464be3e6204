import CZlib

/// Deflate through the system zlib: gzip (RFC 1952), what an OCI image layer is, and raw
/// deflate (RFC 1951), what a ZIP entry holds. Deterministic for a given zlib: a gzip header
/// carries no file name and a zero modification time.
public enum Gzip {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// gzip, or with `raw` a bare deflate stream.
    public static func compress(_ input: [UInt8], level: Int32 = 6, raw: Bool = false) throws -> [UInt8] {
        var stream = z_stream()
        // windowBits 15 + 16: a gzip wrapper instead of zlib's; -15: no wrapper.
        guard deflateInit2_(&stream, level, Z_DEFLATED, raw ? -15 : 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw Failure(description: "zlib could not start a gzip stream.")
        }
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(input.count))) + 32)
        let status: Int32 = input.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress)
                stream.next_out = target.baseAddress
                var status = Z_OK
                // avail_in and avail_out are 32-bit: feed and drain in slices of at most 1 GiB.
                repeat {
                    let consumed = Int(stream.total_in)
                    let slice = min(source.count - consumed, 1 << 30)
                    stream.avail_in = uInt(slice)
                    stream.avail_out = uInt(min(target.count - Int(stream.total_out), 1 << 30))
                    status = deflate(&stream, consumed + slice == source.count ? Z_FINISH : Z_NO_FLUSH)
                } while status == Z_OK
                return status
            }
        }
        guard status == Z_STREAM_END else { throw Failure(description: "zlib could not compress (status \(status)).") }
        output.removeSubrange(Int(stream.total_out)...)
        return output
    }
}
