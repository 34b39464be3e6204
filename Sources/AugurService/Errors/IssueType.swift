/// The catalogue of `type` codes an issue can carry: every one Augur writes, in one place.
/// `type` (with `loc`) is API; the README's error table is checked against `statuses`
/// (ErrorCatalogueTests), and the golden error files must hold every code a request can reach.
public enum IssueType: String, CaseIterable, Sendable, CustomStringConvertible {
    // The request as a whole.
    case jsonInvalid = "json_invalid"
    case corsRejected = "cors_rejected"
    case unauthorized
    case forbidden
    case notFound = "not_found"
    case methodNotAllowed = "method_not_allowed"
    case notAcceptable = "not_acceptable"
    case requestTimeout = "request_timeout"
    case payloadTooLarge = "payload_too_large"
    case unsupportedMediaType = "unsupported_media_type"
    case tooManyConnections = "too_many_connections"
    case overloaded
    case httpError = "http_error"
    case inferenceFailed = "inference_failed"
    case explanationUnavailable = "explanation_unavailable"
    case internalError = "internal_error"

    // The values (422), named as pydantic names them where pydantic has the same check.
    case missing
    case floatType = "float_type"
    case intType = "int_type"
    case intFromFloat = "int_from_float"
    case boolType = "bool_type"
    case stringType = "string_type"
    case `enum`
    case greaterThan = "greater_than"
    case greaterThanEqual = "greater_than_equal"
    case lessThan = "less_than"
    case lessThanEqual = "less_than_equal"
    case stringTooShort = "string_too_short"
    case stringTooLong = "string_too_long"
    case stringPatternMismatch = "string_pattern_mismatch"
    case extraForbidden = "extra_forbidden"
    case modelAttributesType = "model_attributes_type"
    case tooLong = "too_long"
    case floatParsing = "float_parsing"
    case intParsing = "int_parsing"
    case boolParsing = "bool_parsing"
    case valueError = "value_error"
    case ruleFailed = "rule_failed"
    case featureInvalid = "feature_invalid"

    // Never in the `{"detail"}` shape: MLflow's `/invocations` (`bad_request`) and KServe v1
    // (`v1_format`) render theirs in their protocol's shape, and `augur predict` prints its own.
    case badRequest = "bad_request"
    case csvInvalid = "csv_invalid"
    case v1Format = "v1_format"

    /// The HTTP statuses an answer with this code has; empty for `http_error` (the HTTP
    /// layer's own status) and for the codes never answered in the `{"detail"}` shape.
    public var statuses: [Int] {
        switch self {
        case .jsonInvalid, .corsRejected: [400]
        case .unauthorized: [401]
        case .forbidden: [403]
        case .notFound: [404]
        case .methodNotAllowed: [405]
        case .notAcceptable: [406]
        case .requestTimeout: [408, 503]
        case .payloadTooLarge: [413]
        case .unsupportedMediaType: [415]
        case .tooManyConnections, .overloaded: [503]
        case .inferenceFailed, .internalError: [500]
        case .explanationUnavailable: [404]
        case .httpError, .badRequest, .csvInvalid, .v1Format: []
        case .missing, .floatType, .intType, .intFromFloat, .boolType, .stringType, .enum, .greaterThan, .greaterThanEqual,
             .lessThan, .lessThanEqual, .stringTooShort, .stringTooLong, .stringPatternMismatch, .extraForbidden,
             .modelAttributesType, .tooLong, .floatParsing, .intParsing, .boolParsing, .valueError, .ruleFailed,
             .featureInvalid:
            [422]
        }
    }

    /// Whether answers carry this code in the `{"detail"}` shape (the README's table).
    public var isOwnShape: Bool { ![.badRequest, .csvInvalid, .v1Format].contains(self) }

    public var description: String { rawValue }
}
