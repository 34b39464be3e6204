/// ONNX `StringNormalizer` (opset 10): removes the elements equal to a stop word, then lower-
/// or upper-cases the rest, on a `[C]` or `[1, C]` string tensor, as onnxruntime does.
///
/// Case mapping is Unicode's simple mapping, code point by code point, without context (no
/// final sigma), as glibc's `towlower`/`towupper` give it for UTF-8 locales: a code point whose
/// full mapping is several code points maps to its titlecase form when that is one code point
/// (Greek with ypogegrammeni), else stays as it is (ß → ß); İ lowers to i. onnxruntime's
/// UTF-8 locales all map alike; the "C" and "POSIX" locales change ASCII letters only.
public struct StringNormalizer: Operator {
    public enum CaseChange: String, Sendable { case lower = "LOWER", upper = "UPPER", none = "NONE" }

    public let caseChange: CaseChange
    public let caseSensitive: Bool
    /// The "C"/"POSIX" locale: ASCII letters only.
    public let asciiOnly: Bool
    /// Stop words as compared: converted once when matching is case-insensitive.
    let stopWords: Set<String>

    public init(caseChange: CaseChange, caseSensitive: Bool, stopWords: [String], asciiOnly: Bool = false) {
        self.caseChange = caseChange
        self.caseSensitive = caseSensitive
        self.asciiOnly = asciiOnly
        let compare: CaseChange = caseChange == .upper ? .upper : .lower
        self.stopWords = Set(caseSensitive ? stopWords : stopWords.map { Self.convert($0, compare, asciiOnly: asciiOnly) })
    }

    public func outputTypes(for inputs: [ValueType?]) throws -> [ValueType] {
        let x = try tensorType(inputs, 0)
        guard x.elementType == .string else { throw EngineError(.typeMismatch, "input 0 must be a string tensor, not \(x.elementType).") }
        if let shape = x.shape, !(shape.count == 1 || (shape.count == 2 && (shape[0] == nil || shape[0] == 1))) {
            throw EngineError(.typeMismatch, "input 0 must have shape [C] or [1, C], not \(shape.map { $0.map(String.init) ?? "?" }).")
        }
        return [.tensor(TensorType(.string, shape: x.shape.map { $0.count == 1 ? [nil] : [1, nil] }))]
    }

    public func run(_ inputs: [Value?]) throws -> [Value] {
        let x = try tensor(inputs, 0)
        guard case .string(let strings) = x.storage else { throw EngineError(.typeMismatch, "input 0 must be a string tensor.") }
        guard (x.shape.count == 1 && x.shape[0] > 0) || (x.shape.count == 2 && x.shape[0] == 1 && x.shape[1] > 0) else {
            throw EngineError(.shapeMismatch, "input 0 must have shape [C] or [1, C] with C ≥ 1, not \(x.shape).")
        }
        var kept: [String] = []
        kept.reserveCapacity(strings.count)
        let compare: CaseChange = caseChange == .upper ? .upper : .lower
        for string in strings {
            if !stopWords.isEmpty {
                let key = caseSensitive ? string : Self.convert(string, compare, asciiOnly: asciiOnly)
                if stopWords.contains(key) { continue }
            }
            kept.append(Self.convert(string, caseChange, asciiOnly: asciiOnly))
        }
        if kept.isEmpty { kept = [""] }
        let shape = x.shape.count == 1 ? [kept.count] : [1, kept.count]
        return [.tensor(try Tensor(shape: shape, storage: .string(kept)))]
    }

    /// Code point by code point, as onnxruntime's `towlower`/`towupper` on a UTF-8 locale.
    static func convert(_ string: String, _ change: CaseChange, asciiOnly: Bool = false) -> String {
        guard change != .none else { return string }
        var out = String.UnicodeScalarView()
        for scalar in string.unicodeScalars {
            if asciiOnly && !scalar.isASCII {
                out.append(scalar)
            } else {
                out.append(change == .lower ? lower(scalar) : upper(scalar))
            }
        }
        return String(out)
    }

    static func lower(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        if scalar.isASCII { return scalar.value >= 65 && scalar.value <= 90 ? Unicode.Scalar(scalar.value + 32)! : scalar }
        if let single = only(scalar.properties.lowercaseMapping) { return single }
        return scalar.value == 0x130 ? "i" : scalar
    }

    static func upper(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        if scalar.isASCII { return scalar.value >= 97 && scalar.value <= 122 ? Unicode.Scalar(scalar.value - 32)! : scalar }
        if let single = only(scalar.properties.uppercaseMapping) { return single }
        return only(scalar.properties.titlecaseMapping) ?? scalar
    }

    /// The mapping when it is exactly one code point.
    private static func only(_ mapping: String) -> Unicode.Scalar? {
        var scalars = mapping.unicodeScalars.makeIterator()
        guard let first = scalars.next(), scalars.next() == nil else { return nil }
        return first
    }
}
