#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import AugurService
import Logging

/// swift-log's handler for `augur serve`: each line formatted into one byte buffer and written
/// with one `write(2)`, as text or as one JSON object (`server.log_format`).
///
/// Cheap on purpose: the time is formatted by hand (no `DateFormatter`), metadata is written
/// straight into the line (no intermediate strings per field), and lines from several threads
/// never interleave (one write each, below `PIPE_BUF` for access lines).
///
/// Text: `2026-12-07T18:28:41.123Z info augur: POST /loan_status 200 0.41ms request_id=…`
/// JSON: `{"time":"2026-12-07T18:28:41.123Z","level":"info","logger":"augur","msg":"…","request_id":"…",…}`
public struct LineLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    public var metadataProvider: Logger.MetadataProvider?
    let label: String
    let format: LogFormat
    let descriptor: Int32

    /// A handler writing to standard error (`descriptor` 2) or standard output (1).
    public init(label: String, format: LogFormat, descriptor: Int32 = 1) {
        self.label = label
        self.format = format
        self.descriptor = descriptor
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(level: Logger.Level, message: Logger.Message, metadata explicit: Logger.Metadata?,
                    source: String, file: String, function: String, line: UInt) {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        let provided = metadataProvider?.get() ?? [:]
        switch format {
        case .text:
            Self.appendTime(&out)
            out.append(0x20)
            out.append(contentsOf: level.rawValue.utf8)
            out.append(0x20)
            out.append(contentsOf: label.utf8)
            out.append(contentsOf: ": ".utf8)
            out.append(contentsOf: message.description.utf8)
            if let fields = Self.fields(explicit), metadata.isEmpty, provided.isEmpty {
                for pair in fields.pairs {
                    out.append(0x20)
                    out.append(contentsOf: pair.key.utf8)
                    out.append(UInt8(ascii: "="))
                    out.append(contentsOf: pair.value.text.utf8)
                }
            } else {
                for (key, value) in Self.merged(metadata, provided, explicit) {
                    out.append(0x20)
                    out.append(contentsOf: key.utf8)
                    out.append(UInt8(ascii: "="))
                    Self.appendText(value, to: &out)
                }
            }
        case .json:
            out.append(contentsOf: #"{"time":""#.utf8)
            Self.appendTime(&out)
            out.append(contentsOf: #"","level":""#.utf8)
            out.append(contentsOf: level.rawValue.utf8)
            out.append(contentsOf: #"","logger":"#.utf8)
            Self.appendJSONString(label, to: &out)
            out.append(contentsOf: #","msg":"#.utf8)
            Self.appendJSONString(message.description, to: &out)
            if let fields = Self.fields(explicit), metadata.isEmpty, provided.isEmpty {
                for pair in fields.pairs {
                    out.append(UInt8(ascii: ","))
                    Self.appendJSONString(pair.key, to: &out)
                    out.append(UInt8(ascii: ":"))
                    if pair.value.isNumber { out.append(contentsOf: pair.value.text.utf8) } else { Self.appendJSONString(pair.value.text, to: &out) }
                }
            } else {
                for (key, value) in Self.merged(metadata, provided, explicit) {
                    out.append(UInt8(ascii: ","))
                    Self.appendJSONString(key, to: &out)
                    out.append(UInt8(ascii: ":"))
                    Self.appendJSON(value, to: &out)
                }
            }
            out.append(UInt8(ascii: "}"))
        }
        out.append(0x0A)
        out.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written > 0 {
                    offset += written
                } else if written < 0, errno == EINTR {
                    continue
                } else {
                    return  // a closed or full stream loses the line, never the process
                }
            }
        }
    }

    /// The call's fields when it passes a `LogFields` as its only metadata (the access log):
    /// written in their order, with no dictionary, sort or cast per field.
    static func fields(_ explicit: Logger.Metadata?) -> LogFields? {
        guard let explicit, explicit.count == 1, case .stringConvertible(let value)? = explicit[LogFields.key] else { return nil }
        return value as? LogFields
    }

    /// Handler metadata, then the provider's, then the call's, later keys winning, in a stable
    /// order: the call's keys as given, sorted only when several sources mix.
    static func merged(_ handler: Logger.Metadata, _ provided: Logger.Metadata,
                       _ explicit: Logger.Metadata?) -> [(String, Logger.Metadata.Value)] {
        if handler.isEmpty, provided.isEmpty { return (explicit ?? [:]).sorted { $0.key < $1.key } }
        var all = handler
        all.merge(provided) { $1 }
        if let explicit { all.merge(explicit) { $1 } }
        return all.sorted { $0.key < $1.key }
    }

    /// `YYYY-MM-DDTHH:MM:SS.mmmZ`, UTC, from the real-time clock.
    static func appendTime(_ out: inout [UInt8]) {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var seconds = now.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func digits(_ value: Int, _ count: Int) {
            var divisor = 1
            for _ in 1..<count { divisor *= 10 }
            var v = value
            while divisor > 0 {
                out.append(UInt8(ascii: "0") + UInt8(truncatingIfNeeded: (v / divisor) % 10))
                v %= divisor
                divisor /= 10
            }
        }
        digits(Int(parts.tm_year) + 1900, 4); out.append(UInt8(ascii: "-"))
        digits(Int(parts.tm_mon) + 1, 2); out.append(UInt8(ascii: "-"))
        digits(Int(parts.tm_mday), 2); out.append(UInt8(ascii: "T"))
        digits(Int(parts.tm_hour), 2); out.append(UInt8(ascii: ":"))
        digits(Int(parts.tm_min), 2); out.append(UInt8(ascii: ":"))
        digits(Int(parts.tm_sec), 2); out.append(UInt8(ascii: "."))
        digits(Int(now.tv_nsec) / 1_000_000, 3); out.append(UInt8(ascii: "Z"))
    }

    static func appendText(_ value: Logger.Metadata.Value, to out: inout [UInt8]) {
        switch value {
        case .string(let s): out.append(contentsOf: s.utf8)
        case .stringConvertible(let c): out.append(contentsOf: c.description.utf8)
        case .array, .dictionary: out.append(contentsOf: value.description.utf8)
        }
    }

    static func appendJSON(_ value: Logger.Metadata.Value, to out: inout [UInt8]) {
        switch value {
        case .string(let s): appendJSONString(s, to: &out)
        case .stringConvertible(let c):
            // Numbers stay numbers; anything else is a string. `LogNumber` first: the access
            // log's numbers, preformatted, without an existential cast.
            if let number = c as? LogNumber {
                out.append(contentsOf: number.text.utf8)
            } else if let number = c as? any BinaryInteger {
                out.append(contentsOf: "\(number)".utf8)
            } else if let number = c as? Double, number.isFinite {
                out.append(contentsOf: "\(number)".utf8)
            } else if let flag = c as? Bool {
                out.append(contentsOf: (flag ? "true" : "false").utf8)
            } else {
                appendJSONString(c.description, to: &out)
            }
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                appendJSON(item, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .dictionary(let entries):
            out.append(UInt8(ascii: "{"))
            for (i, entry) in entries.sorted(by: { $0.key < $1.key }).enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                appendJSONString(entry.key, to: &out)
                out.append(UInt8(ascii: ":"))
                appendJSON(entry.value, to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// A JSON string: quotes, backslashes and control characters escaped; invalid UTF-8 cannot
    /// occur (Swift strings are valid UTF-8).
    static func appendJSONString(_ string: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        // Most strings need no escape: copied in one go.
        if !string.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            out.append(contentsOf: string.utf8)
            out.append(UInt8(ascii: "\""))
            return
        }
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: #"\""#.utf8)
            case UInt8(ascii: "\\"): out.append(contentsOf: #"\\"#.utf8)
            case 0x0A: out.append(contentsOf: #"\n"#.utf8)
            case 0x0D: out.append(contentsOf: #"\r"#.utf8)
            case 0x09: out.append(contentsOf: #"\t"#.utf8)
            case 0..<0x20, 0x7F:
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                out.append(contentsOf: #"\u00"#.utf8)
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0xF)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

/// Fields of one log line in their order (the access log's), passed as the call's only
/// metadata under `LogFields.key`; numbers already formatted, written bare in JSON.
public struct LogFields: CustomStringConvertible, Sendable {
    public struct Value: Sendable {
        let text: String
        let isNumber: Bool
        public static func string(_ text: String) -> Value { Value(text: text, isNumber: false) }
        public static func number(_ value: Int) -> Value { Value(text: String(value), isNumber: true) }
        public static func number(text: String) -> Value { Value(text: text, isNumber: true) }
    }

    /// A key and its value (a struct, not a tuple: no tuple metadata to look up at run time).
    public struct Pair: Sendable {
        let key: String
        let value: Value
    }

    public static let key = "fields"
    public var pairs: [Pair] = []

    public init() { pairs.reserveCapacity(12) }

    public mutating func append(_ key: String, _ value: Value) { pairs.append(Pair(key: key, value: value)) }

    /// `key=value …`, for any other handler.
    public var description: String { pairs.map { "\($0.key)=\($0.value.text)" }.joined(separator: " ") }
}

/// A number already formatted for a log line: written bare in JSON lines (not quoted).
public struct LogNumber: CustomStringConvertible, Sendable {
    public let text: String
    public init(text: String) { self.text = text }
    public init(_ value: Int) { text = String(value) }
    public var description: String { text }
}
