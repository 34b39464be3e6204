import AugurEngine
import Foundation
import Testing
@testable import AugurService

/// The fast decoder (`PredictionPipeline.fastRows`, the usual single-object body read straight
/// from its bytes) gives exactly the rows, or hands over to the general decoder that gives
/// exactly the errors, that parsing then `decode(body:)` gives: on hand-picked bodies and on
/// seeded random bodies for every example route and every kind of output.
@Suite struct FastDecoderTests {
    /// Hand-picked bodies for the loan route (the fast path's own cases and its edges).
    static let loanBodies: [String] = [
        // Taken by the fast path.
        #"{"ApplicantIncome": 5849, "LoanAmount": 128, "Credit_History": 1, "Property_Area": "Urban"}"#,
        #"{"ApplicantIncome":5849,"CoapplicantIncome":0,"LoanAmount":128,"Credit_History":1,"Property_Area":"Urban"}"#,
        " \n\t{ \"Property_Area\" : \"Rural\" , \"Credit_History\" : 0 , \"LoanAmount\" : 66.5e0 , \"ApplicantIncome\" : 3000.25 } \r\n",
        #"{"ApplicantIncome": 1e3, "LoanAmount": 1, "Credit_History": 1.0, "Property_Area": "Semiurban", "Name": "Ann Lee"}"#,
        #"{"ApplicantIncome": 4000, "LoanAmount": 100, "Credit_History": 1, "Property_Area": "Urban", "Name": null}"#,
        #"{"ApplicantIncome": 4000, "LoanAmount": 100, "Credit_History": 1, "Property_Area": "Urban", "CoapplicantIncome": -0}"#,
        #"{"ApplicantIncome": 0.000001, "LoanAmount": 1e-7, "Credit_History": 0, "Property_Area": "Urban", "CoapplicantIncome": 123456789012345678901234567890}"#,
        // Values the fast path reads but the general path must judge.
        #"{"ApplicantIncome": -1, "LoanAmount": 128, "Credit_History": 1, "Property_Area": "Urban"}"#,
        #"{"ApplicantIncome": 5849, "LoanAmount": 0, "Credit_History": 1, "Property_Area": "Urban"}"#,
        #"{"ApplicantIncome": 5849, "LoanAmount": 128, "Credit_History": 2, "Property_Area": "Urban"}"#,
        #"{"ApplicantIncome": 5849, "LoanAmount": 128, "Credit_History": 1, "Property_Area": "urban"}"#,
        #"{"ApplicantIncome": "5849", "LoanAmount": 128, "Credit_History": 1, "Property_Area": "Urban"}"#,
        #"{"ApplicantIncome": true, "LoanAmount": 128, "Credit_History": 1, "Property_Area": "Urban"}"#,
        #"{"ApplicantIncome": null, "LoanAmount": 128, "Credit_History": 1, "Property_Area": "Urban"}"#,
        #"{"ApplicantIncome": 10, "LoanAmount": 128, "Credit_History": 1, "Property_Area": "Urban"}"#,
        #"{"ApplicantIncome": 5849, "LoanAmount": 128, "Credit_History": 1, "Property_Area": "Urban", "Name": ""}"#,
        #"{"ApplicantIncome": 5849, "LoanAmount": 128, "Credit_History": 1, "Property_Area": "Urban", "Name": "R2D2"}"#,
        #"{"ApplicantIncome": 1e400, "LoanAmount": 128, "Credit_History": 1, "Property_Area": "Urban"}"#,
        #"{"ApplicantIncome": NaN, "LoanAmount": 128, "Credit_History": 1, "Property_Area": "Urban"}"#,
        #"{"ApplicantIncome": 01, "LoanAmount": 128, "Credit_History": 1, "Property_Area": "Urban"}"#,
        // Shapes the fast path leaves to the general path.
        #"{"LoanAmount": 128, "Credit_History": 1, "Property_Area": "Urban"}"#,
        #"{"ApplicantIncome": 5849, "LoanAmount": 128, "Credit_History": 1, "Property_Area": "Urban", "Extra": 1}"#,
        #"{"ApplicantIncome": 5849, "ApplicantIncome": 5849, "LoanAmount": 128, "Credit_History": 1, "Property_Area": "Urban"}"#,
        #"{"Applicant\u0049ncome": 5849, "LoanAmount": 128, "Credit_History": 1, "Property_Area": "Urban"}"#,
        #"{"ApplicantIncome": [5849], "LoanAmount": 128, "Credit_History": 1, "Property_Area": "Urban"}"#,
        #"{"ApplicantIncome": {"v": 5849}, "LoanAmount": 128, "Credit_History": 1, "Property_Area": "Urban"}"#,
        #"{"ApplicantIncome": 5849, "LoanAmount": 128, "Credit_History": 1, "Property_Area": "Urb\u0061n"}"#,
        #"{"ApplicantIncome": 5849, "LoanAmount": 128, "Credit_History": 1, "Property_Area": "Urban",}"#,
        #"{"ApplicantIncome": 5849, "LoanAmount": 128, "Credit_History": 1, "Property_Area": "Urban"} x"#,
        #"{"ApplicantIncome": 5849, "LoanAmount": 128, "Credit_History": 1, "Property_Area": "Urban""#,
        #"{"ApplicantIncome": 5849 "LoanAmount": 128}"#,
        #"{"ApplicantIncome" 5849}"#,
        #"{ApplicantIncome: 5849}"#,
        #"{"instances": [{"ApplicantIncome": 5849, "LoanAmount": 128, "Credit_History": 1, "Property_Area": "Urban"}]}"#,
        #"[{"ApplicantIncome": 5849, "LoanAmount": 128, "Credit_History": 1, "Property_Area": "Urban"}]"#,
        "{}", "[]", "", " ", "null", "1", "\"x\"", "{", "}", "{\"\"}", "{\"\": 1}",
        "{\"Property_Area\": \"Urb\u{00E4}n\"}", "\u{FEFF}{}",
    ]

    /// Every route of every example, and routes for the other output kinds (threshold,
    /// labels, ZipMap off, string labels, multi-output regression, rounding with a unit).
    static func routes() async throws -> [Route] {
        let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("examples")
        var routes: [Route] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: examples.path).sorted() {
            let folder = examples.appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: folder.appendingPathComponent("augur.yaml").path) else { continue }
            routes += try await Service.load(configuration: try ServiceConfiguration.load(contentsOf: folder.path)).routes
        }
        let iris = "{sepal_length: {type: float, min: 0, max: 10}, sepal_width: {type: float}, petal_length: {type: float, exclusive_min: 0}, petal_width: {type: float, nullable: true}}"
        let cases: [(yaml: String, models: [String: String])] = [
            (loanYAML.replacingOccurrences(of: "probabilities: true", with: "probabilities: false\n      threshold: 0.8"),
             ["model.onnx": "rf_classifier_binary_loan"]),
            ("routes: {iris: {model: m.onnx, parameters: \(iris), output: {labels: {0: setosa, 1: other, 2: other}}}}",
             ["m.onnx": "rf_classifier_multiclass"]),
            ("routes: {iris: {model: m.onnx, parameters: \(iris), output: {labels: {2: virginica, 0: setosa, 1: versicolor}}}}",
             ["m.onnx": "rf_classifier_multiclass_nozipmap"]),
            ("routes: {iris: {model: m.onnx, parameters: \(iris)}}", ["m.onnx": "logistic_regression_multiclass_nozipmap"]),
            ("routes: {iris: {model: m.onnx, parameters: \(iris), output: {probabilities: false}}}", ["m.onnx": "rf_classifier_string_labels"]),
            ("routes: {two: {model: m.onnx, parameters: {a: {type: float}, b: {type: int, min: -5}, c: {type: float}, d: {type: bool}, e: {type: float, default: 2.5}}, output: {round: 3}}}",
             ["m.onnx": "rf_regressor_multioutput"]),
            ("routes: {disease: {model: m.onnx, parameters: {\((0..<10).map { "x\($0): {type: float}" }.joined(separator: ", "))}, output: {round: 2, unit: points}}}",
             ["m.onnx": "linear_regression_float"]),
        ]
        for (yaml, models) in cases { routes += try await TempService(yaml: yaml, models: models).service().routes }
        return routes
    }

    func general(_ route: Route, _ bytes: [UInt8], _ parser: JSONParser) -> Result<ParameterRows, RequestError> {
        do throws(RequestError) { return .success(try route.pipeline.decode(body: parser.parse(bytes))) } catch { return .failure(error) }
    }

    func viaBytes(_ route: Route, _ bytes: [UInt8], _ parser: JSONParser) -> Result<ParameterRows, RequestError> {
        bytes.withUnsafeBytes { raw in
            do throws(RequestError) { return .success(try route.pipeline.decode(json: raw, parser: parser)) } catch { return .failure(error) }
        }
    }

    /// Both decoders agree, and so do the answers predicted from them; true when the fast
    /// decoder took the body.
    @discardableResult
    func check(_ route: Route, _ body: [UInt8], parser: JSONParser = JSONParser()) -> Bool {
        let fast = body.withUnsafeBufferPointer { route.pipeline.fastRows($0, maxDepth: parser.maxDepth) }
        let expected = general(route, body, parser)
        let actual = viaBytes(route, body, parser)
        #expect(actual == expected, "\(route.name): \(String(decoding: body, as: UTF8.self))")
        if let fast { #expect(Result.success(fast) == expected, "\(route.name): \(String(decoding: body, as: UTF8.self))") }
        if case .success(let a) = actual, case .success(let e) = expected {
            #expect((try? Route.ownJSON(route.pipeline.predict(a))) == (try? Route.ownJSON(route.pipeline.predict(e))))
        }
        return fast != nil
    }

    @Test func handPickedLoanBodies() async throws {
        let route = try #require(try await TempService(yaml: loanYAML, models: ["model.onnx": "rf_classifier_binary_loan"]).service().route(named: "loan_status"))
        let taken = Self.loanBodies.filter { check(route, Array($0.utf8)) }
        // The first seven are the fast path's (and an escape in a value is read by it too).
        #expect(Array(taken.prefix(7)) == Array(Self.loanBodies.prefix(7)))
        #expect(taken.count == 8)
        let bytes = Array(Self.loanBodies[0].utf8)
        let rows = bytes.withUnsafeBufferPointer { route.pipeline.fastRows($0, maxDepth: 8) }
        #expect(rows?.storage == [.number(5849), .number(0), .number(128), .number(1), .string("Urban"), .missing])
    }

    @Test func invalidUTF8AndShallowDepth() async throws {
        let route = try #require(try await TempService(yaml: loanYAML, models: ["model.onnx": "rf_classifier_binary_loan"]).service().route(named: "loan_status"))
        let bodies: [[UInt8]] = [
            Array(#"{"Property_Area": ""#.utf8) + [0xFF, 0xFE] + Array(#""}"#.utf8),
            Array(#"{"Property_Are"#.utf8) + [0xC3, 0xA9] + Array(#"": 1}"#.utf8),
            Array(Self.loanBodies[0].utf8),
        ]
        for parser in [JSONParser(), JSONParser(maxDepth: 1)] {
            for bytes in bodies { check(route, bytes, parser: parser) }
        }
    }

    /// 300 seeded bodies per route: valid rows, rows with a broken value, missing or unknown
    /// keys, repeated keys, escapes, odd number spellings and whitespace, and batches.
    @Test func seededBodiesOnEveryRoute() async throws {
        let routes = try await Self.routes()
        #expect(routes.count >= 12)
        for (r, route) in routes.enumerated() {
            var random = SplitMix64(seed: 0xA9_0000 + UInt64(r))
            var taken = 0
            for _ in 0..<300 {
                if check(route, Array(BodyGenerator(route.parameters).body(&random).utf8)) { taken += 1 }
            }
            // The generator's valid single rows are common enough that the fast path is exercised.
            #expect(taken >= 30, "\(route.name): fast path took \(taken) of 300")
        }
    }
}

/// Random JSON request bodies for a route's parameters, mostly valid, with mutations.
struct BodyGenerator {
    let parameters: [Parameter]

    init(_ parameters: [Parameter]) { self.parameters = parameters }

    func body(_ random: inout SplitMix64) -> String {
        switch Int.random(in: 0..<10, using: &random) {
        case 0: return "[" + (0..<Int.random(in: 0...3, using: &random)).map { _ in row(&random, broken: false) }.joined(separator: ",") + "]"
        case 1: return #"{"instances": ["# + row(&random, broken: false) + "]}"
        case 2, 3: return row(&random, broken: true)
        default: return row(&random, broken: false)
        }
    }

    func row(_ random: inout SplitMix64, broken: Bool) -> String {
        var members: [(String, String)] = []
        for parameter in parameters {
            if !parameter.required, Bool.random(using: &random) { continue }
            members.append((Self.quote(parameter.name), value(parameter, &random)))
        }
        if broken, !members.isEmpty {
            let i = Int.random(in: 0..<members.count, using: &random)
            switch Int.random(in: 0..<7, using: &random) {
            case 0: members.remove(at: i)
            case 1: members[i].1 = ["\"text\"", "true", "null", "[1]", "{}", "-1e9", "1e999", "0.5"].randomElement(using: &random)!
            case 2: members.append(("\"unknown_field\"", "1"))
            case 3: members.append(members[i])
            case 4: members[i].0 = members[i].0.replacingOccurrences(of: "\"", with: "").map { "\\u00" + String(format: "%02x", $0.asciiValue ?? 63) }.joined().wrappedInQuotes
            case 5: members[i].1 += ","
            default: members[i].1 = "\"\\u0041\""
            }
        }
        members.shuffle(using: &random)
        let space = [" ", "", "\n", " \t "].randomElement(using: &random)!
        return "{" + space + members.map { "\($0.0)\(space):\(space)\($0.1)" }.joined(separator: "," + space) + space + "}"
    }

    func value(_ p: Parameter, _ random: inout SplitMix64) -> String {
        if p.nullable, Int.random(in: 0..<8, using: &random) == 0 { return "null" }
        if Int.random(in: 0..<4, using: &random) == 0, let example = p.example ?? p.defaultValue { return example.serializedString }
        switch p.type {
        case .enum: return (p.options.randomElement(using: &random) ?? .null).serializedString
        case .bool: return Bool.random(using: &random) ? "true" : "false"
        case .str:
            let length = Int.random(in: (p.minLength ?? 0)...max(p.minLength ?? 0, min(p.maxLength ?? 12, 12)), using: &random)
            return Self.quote(String((0..<length).map { _ in "abcdefgh XY-é".randomElement(using: &random)! }))
        case .int, .float:
            var lo = p.minimum ?? p.exclusiveMinimum.map { $0 + 1 } ?? -1000
            var hi = p.maximum ?? p.exclusiveMaximum.map { $0 - 1 } ?? 1000
            if lo > hi { swap(&lo, &hi) }
            let x = Double.random(in: lo...max(lo, hi), using: &random)
            if p.type == .int { return String(Int64(x.rounded(.up).clamped(lo, hi))) + (Bool.random(using: &random) ? "" : ".0") }
            switch Int.random(in: 0..<4, using: &random) {
            case 0: return String(format: "%.3e", x)
            case 1: return String(Int64(x.rounded(.towardZero)))
            default: return String(x)
            }
        }
    }

    static func quote(_ s: String) -> String { JSONValue.string(s).serializedString }
}

extension Double {
    fileprivate func clamped(_ lo: Double, _ hi: Double) -> Double { Swift.min(Swift.max(self, lo), hi) }
}

extension String {
    fileprivate var wrappedInQuotes: String { "\"" + self + "\"" }
}
