import Testing
@testable import AugurService

@Suite struct ExpressionTests {
    /// a, b: numbers; s: string; flag: bool; area: enum Urban/Semiurban/Rural; code: enum 0/1.
    private var scope: ExpressionScope {
        var scope = ExpressionScope()
        scope.add("a", index: 0, type: .number)
        scope.add("b", index: 1, type: .number)
        scope.add("s", index: 2, type: .string)
        scope.add("flag", index: 3, type: .bool)
        scope.add("area", index: 4, type: .string, options: [.string("Urban"), .string("Semiurban"), .string("Rural")])
        scope.add("code", index: 5, type: .number, options: [.number(0), .number(1)])
        return scope
    }

    private let row = ParameterRow([.number(6), .number(4), .string("hi"), .bool(true), .string("Rural"), .number(1)])

    private func number(_ text: String, _ row: ParameterRow? = nil) throws -> Double {
        let expression = try Expression(text, scope: scope)
        guard case .number(let f) = expression.compiled else { throw ExpressionError(message: "not a number", column: 0) }
        return f(row ?? self.row)
    }

    private func bool(_ text: String) throws -> Bool {
        guard case .bool(let f) = try Expression(text, scope: scope).compiled else { throw ExpressionError(message: "not a bool", column: 0) }
        return f(row)
    }

    private func error(_ text: String) -> String? {
        do {
            _ = try Expression(text, scope: scope)
            return nil
        } catch {
            return error.description
        }
    }

    @Test func arithmeticAndPrecedence() throws {
        #expect(try number("a + b * 2") == 14)
        #expect(try number("(a + b) * 2") == 20)
        #expect(try number("-2 ** 2") == -4)
        #expect(try number("2 ** 3 ** 2") == 512)
        #expect(try number("2 ** -1") == 0.5)
        #expect(try number("a - -b") == 10)
        #expect(try number("-7 % 3") == 2)
        #expect(try number("7 % -3") == -2)
        #expect(try number("a / b") == 1.5)
        #expect(try number("1e3 + .5") == 1000.5)
    }

    @Test func numpyLikeEdgeCases() throws {
        #expect(try number("a / 0") == .infinity)
        #expect(try number("0 / 0").isNaN)
        #expect(try number("log(-1)").isNaN)
        #expect(try number("log(0)") == -.infinity)
        #expect(try number("a % 0").isNaN)
        #expect(try number("min(a, 0 / 0)").isNaN)
    }

    @Test func functions() throws {
        #expect(try number("sqrt(16) + abs(-2) + floor(1.7) + ceil(1.2)") == 9)
        #expect(abs(try number("exp(log(a))") - 6) < 1e-12)
        #expect(try number("round(2.5)") == 2)
        #expect(try number("round(3.5)") == 4)
        #expect(try number("round(3.14159, 2)") == 3.14)
        #expect(try number("min(a, b, 5)") == 4)
        #expect(try number("max(a, b)") == 6)
        #expect(try number("clip(a, 0, 5)") == 5)
        #expect(try number("if(a > b, 1, 2)") == 1)
        #expect(try number("map(area, {Rural: 0, Semiurban: 1, Urban: 2})") == 0)
        #expect(try number("map(area, {'Urban': 2}, -1)") == -1)
        #expect(try number("map(code, {0: 10, 1: 20})") == 20)
        #expect(try number("map(s, {x: 1})").isNaN)
    }

    @Test func logic() throws {
        #expect(try bool("a > b and not (b > a)"))
        #expect(try bool("flag or a < 0"))
        #expect(try bool("s == 'hi'"))
        #expect(try bool("s + \"!\" == 'hi!'"))
        #expect(try bool("area != \"Urban\""))
        #expect(try bool("true and flag"))
    }

    @Test func missingNumbersAreNaN() throws {
        let missing = ParameterRow([.missing, .number(1), .missing, .missing, .missing, .missing])
        #expect(try number("a + b", missing).isNaN)
    }

    @Test func reportsErrorsWithColumns() {
        #expect(error("a + c") == "unknown name 'c' (parameters: a, b, s, flag, area, code) (column 5)")
        #expect(error("aa + b") == "unknown name 'aa'; did you mean 'a'? (column 1)")
        #expect(error("lg(a)") == "unknown function 'lg'; did you mean 'log'? (column 1)")
        #expect(error("a +") == "expected a value, found the end of the expression (column 4)")
        #expect(error("a + s") == "'+' cannot combine a number and a string (column 3)")
        #expect(error("log(a, b)") == "log() takes 1 argument, not 2 (column 1)")
        #expect(error("map(area, {Urban: 1})") == "map() does not cover options 'Semiurban', 'Rural' of 'area'; map every option or give a default as the third argument (column 11)")
        #expect(error("a < b < 3") == "comparisons cannot be chained; combine them with 'and' (column 7)")
        #expect(error("not a") == "'not' needs a boolean, not a number (column 1)")
        #expect(error("if(a, 1, 2)") == "the condition of if() must be a boolean (column 1)")
        #expect(error("a $ b") == "unexpected character '$' (column 3)")
        #expect(error("'abc") == "unterminated string (column 1)")
        #expect(error("(a") == "expected ')', found the end of the expression (column 3)")
        #expect(error("{a: 1}") != nil)
        #expect(error("map(area, {Urban: 1, Urban: 2})") != nil)
    }

    @Test func deepNestingIsAnErrorNotACrash() {
        let deep = String(repeating: "(", count: 10_000) + "a" + String(repeating: ")", count: 10_000)
        #expect(error(deep) != nil)
        #expect(error(String(repeating: "-", count: 10_000) + "a") != nil)
        #expect(error(String(repeating: "not ", count: 10_000) + "flag") != nil)
    }

    @Test func namesInOrder() throws {
        let e = try Expression("b * 1000 <= 100 * (a + b)", scope: scope)
        #expect(e.parameterNames == ["b", "a"])
        #expect(e.parameterIndices == [1, 0])
    }
}
