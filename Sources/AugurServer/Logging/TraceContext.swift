import Synchronization

/// W3C Trace Context (https://www.w3.org/TR/trace-context/): the request's `traceparent`,
/// continued when valid, started when absent or invalid; answered with the server's own span
/// (`traceparent: 00-{trace-id}-{span-id}-{flags}`, and the caller's `tracestate` when the
/// trace was continued), and written in the access log.
struct TraceContext: Sendable, Equatable {
    /// 32 lowercase hex digits.
    let traceID: String
    /// The caller's span (16 hex digits), nil when this request started the trace.
    let parentID: String?
    /// This server's span for the request.
    let spanID: String
    /// 2 hex digits; bit 0 is "sampled", kept from the caller.
    let flags: String
    /// The caller's `tracestate`, echoed when the trace was continued and it is well formed.
    let state: String?

    var traceparent: String { "00-\(traceID)-\(spanID)-\(flags)" }

    /// From the request's headers: continued when `traceparent` is valid, else a new trace.
    init(traceparent: String?, tracestate: String?) {
        spanID = Self.newID(bytes: 8)
        if let traceparent, let parsed = Self.parse(traceparent) {
            (traceID, parentID, flags) = (parsed.trace, parsed.parent, parsed.flags)
            state = tracestate.flatMap(Self.acceptableState)
        } else {
            (traceID, parentID, flags, state) = (Self.newID(bytes: 16), nil, "00", nil)
        }
    }

    /// The context of a span a tracer started (`RequestTracing`): its own `traceparent`, the
    /// caller's span when the trace was continued; nil when the header is not valid.
    init?(span traceparent: String, parentID: String?, state: String?) {
        guard let parsed = Self.parse(traceparent) else { return nil }
        (traceID, spanID, flags) = (parsed.trace, parsed.parent, parsed.flags)
        self.parentID = parentID
        self.state = state.flatMap(Self.acceptableState)
    }

    /// `version-traceid-parentid-flags`: version 00 exactly 55 characters; a later version at
    /// least that, with `-` after the flags if longer; lowercase hex; version ff, an all-zero
    /// trace id or parent id are invalid.
    static func parse(_ header: String) -> (trace: String, parent: String, flags: String)? {
        let bytes = Array(header.utf8)
        guard bytes.count >= 55, bytes.count <= 512 else { return nil }
        func hex(_ range: Range<Int>) -> Bool {
            bytes[range].allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
        }
        guard hex(0..<2), hex(3..<35), hex(36..<52), hex(53..<55),
              bytes[2] == 0x2D, bytes[35] == 0x2D, bytes[52] == 0x2D else { return nil }
        let version = String(decoding: bytes[0..<2], as: UTF8.self)
        guard version != "ff", version == "00" ? bytes.count == 55 : (bytes.count == 55 || bytes[55] == 0x2D) else { return nil }
        let trace = String(decoding: bytes[3..<35], as: UTF8.self)
        let parent = String(decoding: bytes[36..<52], as: UTF8.self)
        guard trace.contains(where: { $0 != "0" }), parent.contains(where: { $0 != "0" }) else { return nil }
        return (trace, parent, String(decoding: bytes[53..<55], as: UTF8.self))
    }

    /// A `tracestate` of printable ASCII up to 512 bytes (the specification's size limit).
    static func acceptableState(_ state: String) -> String? {
        guard !state.isEmpty, state.utf8.count <= 512, state.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else { return nil }
        return state
    }

    /// Ids unique within the process and random-looking across processes: a counter mixed
    /// with SplitMix64's finaliser, from a seed drawn once from the system's generator.
    static func newID(bytes: Int) -> String {
        String(unsafeUninitializedCapacity: bytes * 2) { out in
            var remaining = bytes
            var at = 0
            while remaining > 0 {
                var z = seed &+ counter.wrappingAdd(0x9E37_79B9_7F4A_7C15, ordering: .relaxed).newValue
                z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
                z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
                z ^= z >> 31
                if z == 0 { z = 1 }
                for i in (0..<Swift.min(8, remaining)).reversed() {
                    let byte = UInt8(truncatingIfNeeded: z >> (UInt64(i) * 8))
                    out[at] = hexDigit(byte >> 4)
                    out[at + 1] = hexDigit(byte & 0xF)
                    at += 2
                }
                remaining -= 8
            }
            return bytes * 2
        }
    }

    @inline(__always)
    static func hexDigit(_ nibble: UInt8) -> UInt8 { nibble < 10 ? 48 + nibble : 87 + nibble }

    static let seed = UInt64.random(in: .min ... .max)
    static let counter = Atomic<UInt64>(0)
}
