"""A Python reference of augur.yaml expressions (issue 3 design), used by the examples' checks.

Grammar, loosest first:
    or  ·  and  ·  not  ·  == != < <= > >=  ·  + -  ·  * / %  ·  unary -  ·  ** (right)  ·  atoms
Atoms: numbers, 'strings' or "strings", true, false, parameter names, ( ... ), calls
    log exp sqrt abs floor ceil round min max clip(x, lo, hi) if(cond, a, b) map(x, {key: value, ...})
Values are numbers (Python float), strings and bools; a missing value (null) is NaN.
Arithmetic follows numpy: x / 0 is ±inf or NaN, log of a negative number is NaN.

compile_expression(text, types) -> (function(values) -> value, result type, names used in order, map keys)
"""

from __future__ import annotations

import math
import re

NUMBER, STRING, BOOL = "number", "string", "bool"

_TOKEN = re.compile(
    r"\s*(?:(?P<num>\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)"
    r"|(?P<str>'[^']*'|\"[^\"]*\")"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<op>\*\*|==|!=|<=|>=|[-+*/%<>(),{}:]))"
)


class ExpressionError(ValueError):
    pass


def tokenize(text: str):
    tokens, pos = [], 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise ExpressionError(f"unexpected character '{text[pos:].strip()[:1]}' at offset {pos}")
        kind = m.lastgroup
        tokens.append((kind, m.group(kind)))
        pos = m.end()
    tokens.append(("end", ""))
    return tokens


def _num(v):
    return math.nan if v is None else float(v)


def _div(a, b):
    if b == 0:
        return math.nan if a == 0 or math.isnan(a) else math.copysign(math.inf, a) * math.copysign(1, b)
    return a / b


def _mod(a, b):
    if b == 0 or math.isinf(a) or math.isnan(a) or math.isnan(b):
        return math.nan
    return a - b * math.floor(a / b)  # numpy.remainder: sign of the divisor


def _pow(a, b):
    try:
        r = a**b
        return math.nan if isinstance(r, complex) else float(r)
    except OverflowError:
        return math.inf
    except ZeroDivisionError:
        return math.inf


def _log(x):
    return math.nan if x < 0 or math.isnan(x) else (-math.inf if x == 0 else math.log(x))


def _exp(x):
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf


def _sqrt(x):
    return math.nan if x < 0 or math.isnan(x) else math.sqrt(x)


def _round(x):
    return x if math.isnan(x) or math.isinf(x) else float(round(x))


def _floor(x):
    return x if math.isnan(x) or math.isinf(x) else float(math.floor(x))


def _ceil(x):
    return x if math.isnan(x) or math.isinf(x) else float(math.ceil(x))


def _nanmin(a, b):
    return math.nan if math.isnan(a) or math.isnan(b) else min(a, b)


def _nanmax(a, b):
    return math.nan if math.isnan(a) or math.isnan(b) else max(a, b)


UNARY = {"log": _log, "exp": _exp, "sqrt": _sqrt, "abs": abs, "floor": _floor, "ceil": _ceil, "round": _round}


class _Parser:
    def __init__(self, text: str, types: dict):
        self.tokens = tokenize(text)
        self.i = 0
        self.types = types
        self.names: list[str] = []
        self.map_keys: list[list] = []

    def peek(self, value=None):
        kind, text = self.tokens[self.i]
        return text if value is None else (text == value and kind in ("op", "name"))

    def take(self, value=None):
        kind, text = self.tokens[self.i]
        if value is not None and text != value:
            raise ExpressionError(f"expected '{value}' but found '{text or 'end of expression'}'")
        self.i += 1
        return kind, text

    def parse(self):
        fn, t = self.or_()
        if self.tokens[self.i][0] != "end":
            raise ExpressionError(f"unexpected '{self.tokens[self.i][1]}'")
        return fn, t

    def _logical(self, word, sub, combine):
        fn, t = sub()
        while self.peek(word):
            self.take()
            rhs, rt = sub()
            if t != BOOL or rt != BOOL:
                raise ExpressionError(f"'{word}' needs bools")
            fn = combine(fn, rhs)
        return fn, t

    def or_(self):
        return self._logical("or", self.and_, lambda a, b: lambda v: a(v) or b(v))

    def and_(self):
        return self._logical("and", self.not_, lambda a, b: lambda v: a(v) and b(v))

    def not_(self):
        if self.peek("not"):
            self.take()
            fn, t = self.not_()
            if t != BOOL:
                raise ExpressionError("'not' needs a bool")
            return (lambda v: not fn(v)), BOOL
        return self.comparison()

    def comparison(self):
        fn, t = self.additive()
        ops = {"==": lambda a, b: a == b, "!=": lambda a, b: a != b, "<": lambda a, b: a < b,
               "<=": lambda a, b: a <= b, ">": lambda a, b: a > b, ">=": lambda a, b: a >= b}
        if self.tokens[self.i][0] == "op" and self.peek() in ops:
            op = ops[self.take()[1]]
            rhs, rt = self.additive()
            if t != rt or (t != NUMBER and op not in (ops["=="], ops["!="])):
                raise ExpressionError(f"cannot compare {t} with {rt}")
            return (lambda v: op(fn(v), rhs(v))), BOOL
        return fn, t

    def _arith(self, sub, table):
        fn, t = sub()
        while self.tokens[self.i][0] == "op" and self.peek() in table:
            op = table[self.take()[1]]
            rhs, rt = sub()
            if t != NUMBER or rt != NUMBER:
                raise ExpressionError("arithmetic needs numbers")
            fn = (lambda a, b, o: lambda v: o(a(v), b(v)))(fn, rhs, op)
        return fn, t

    def additive(self):
        return self._arith(self.multiplicative, {"+": lambda a, b: a + b, "-": lambda a, b: a - b})

    def multiplicative(self):
        return self._arith(self.unary, {"*": lambda a, b: a * b, "/": _div, "%": _mod})

    def unary(self):
        if self.tokens[self.i] == ("op", "-"):
            self.take()
            fn, t = self.unary()
            if t != NUMBER:
                raise ExpressionError("unary '-' needs a number")
            return (lambda v: -fn(v)), NUMBER
        return self.power()

    def power(self):
        fn, t = self.atom()
        if self.tokens[self.i] == ("op", "**"):
            self.take()
            rhs, rt = self.unary()
            if t != NUMBER or rt != NUMBER:
                raise ExpressionError("'**' needs numbers")
            return (lambda v: _pow(fn(v), rhs(v))), NUMBER
        return fn, t

    def atom(self):
        kind, text = self.take()
        if kind == "num":
            x = float(text)
            return (lambda v: x), NUMBER
        if kind == "str":
            s = text[1:-1]
            return (lambda v: s), STRING
        if text == "(":
            r = self.or_()
            self.take(")")
            return r
        if kind == "name":
            if text in ("true", "false"):
                b = text == "true"
                return (lambda v: b), BOOL
            if self.peek("("):
                return self.call(text)
            if text not in self.types:
                raise ExpressionError(f"unknown name '{text}'")
            if text not in self.names:
                self.names.append(text)
            t = self.types[text]
            if t == NUMBER:
                return (lambda v: _num(v[text])), t
            return (lambda v: v[text]), t
        raise ExpressionError(f"unexpected '{text or 'end of expression'}'")

    def args(self):
        self.take("(")
        out = []
        while True:
            out.append(self.or_())
            if self.peek(")"):
                self.take()
                return out
            self.take(",")

    def call(self, name):
        if name == "map":
            return self.map_call()
        args = self.args()
        types = [t for _, t in args]
        fns = [f for f, _ in args]
        if name in UNARY:
            self._arity(name, args, 1, [NUMBER])
            f, g = UNARY[name], fns[0]
            return (lambda v: f(g(v))), NUMBER
        if name in ("min", "max"):
            self._arity(name, args, 2, [NUMBER, NUMBER])
            f, (a, b) = (_nanmin if name == "min" else _nanmax), fns
            return (lambda v: f(a(v), b(v))), NUMBER
        if name == "clip":
            self._arity(name, args, 3, [NUMBER] * 3)
            x, lo, hi = fns
            return (lambda v: _nanmin(_nanmax(x(v), lo(v)), hi(v))), NUMBER
        if name == "if":
            if len(args) != 3 or types[0] != BOOL or types[1] != types[2]:
                raise ExpressionError("if(cond, a, b) needs a bool and two values of one type")
            c, a, b = fns
            return (lambda v: a(v) if c(v) else b(v)), types[1]
        raise ExpressionError(f"unknown function '{name}'")

    @staticmethod
    def _arity(name, args, n, types):
        if len(args) != n or [t for _, t in args] != types:
            raise ExpressionError(f"{name}() takes {n} number argument(s)")

    def map_call(self):
        self.take("(")
        x, xt = self.or_()
        self.take(",")
        self.take("{")
        table, vtype = {}, None
        while not self.peek("}"):
            kind, key = self.take()
            if kind == "str":
                key = key[1:-1]
            elif kind == "num":
                key = float(key)
            elif kind != "name":
                raise ExpressionError(f"bad map key '{key}'")
            self.take(":")
            vf, vt = self.or_()
            if vtype not in (None, vt):
                raise ExpressionError("map values must share one type")
            vtype = vt
            table[key] = vf({})
            if not self.peek("}"):
                self.take(",")
        self.take("}")
        self.take(")")
        self.map_keys.append(list(table))
        missing = math.nan if vtype == NUMBER else None
        return (lambda v: table.get(x(v), missing)), vtype


def compile_expression(text: str, types: dict):
    """(function(values) -> value, result type, parameter names in order of first use, map key lists)."""
    p = _Parser(str(text), types)
    fn, t = p.parse()
    return fn, t, list(p.names), p.map_keys
