/// C library number formatting and parsing, matching what onnxruntime's Cast uses.
enum CFormat {
    /// `printf("%.8g", value)`.
    static func g8(_ value: Double) -> String {
        var buffer = [CChar](repeating: 0, count: 64)
        let written = withVaList([value]) { args in
            buffer.withUnsafeMutableBufferPointer { vsnprintf($0.baseAddress, 64, "%.8g", args) }
        }
        guard written > 0 else { return "" }
        return String(decoding: buffer.prefix(Int(written)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// `std::stod`: a valid prefix after optional white space; an error when none or out of range.
    static func parseDouble(_ text: String) throws -> Double {
        try parse(text, "a number") { start, end in strtod(start, end) }
    }

    /// `std::stoll` in base 10.
    static func parseInteger(_ text: String) throws -> Int64 {
        try parse(text, "an integer") { start, end in Int64(strtoll(start, end, 10)) }
    }

    /// `std::stoull` in base 10 (a leading minus wraps, as in C).
    static func parseUnsigned(_ text: String) throws -> UInt64 {
        try parse(text, "an integer") { start, end in UInt64(strtoull(start, end, 10)) }
    }

    private static func parse<T>(_ text: String, _ kind: String,
                                 _ convert: (UnsafePointer<CChar>, UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> T) throws -> T {
        guard !text.utf8.contains(0) else {
            throw EngineError(.invalidValue, "cannot convert '\(text)' to \(kind).")
        }
        return try text.withCString { start in
            var end: UnsafeMutablePointer<CChar>? = nil
            errno = 0
            let value = convert(start, &end)
            guard let end, end != UnsafeMutablePointer(mutating: start) else {
                throw EngineError(.invalidValue, "cannot convert '\(text)' to \(kind).")
            }
            guard errno != ERANGE else {
                throw EngineError(.invalidValue, "'\(text)' is out of range for \(kind).")
            }
            return value
        }
    }
}
