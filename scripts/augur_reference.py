"""A small Python reference of Augur's prediction service (issue 3 design), for the examples.

It reads an augur.yaml, checks it against the models' signatures, and answers requests the
way the design says the server does (validation issues, features, onnxruntime, output
mapping). The examples' train.py scripts use it to check augur.yaml and to compute the exact
responses recorded in requests.json and README.md. It is a test oracle, not a server.
"""

from __future__ import annotations

import hashlib
import math
import re
import urllib.parse
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import yaml

from augur_expressions import BOOL, NUMBER, STRING, compile_expression

TOP_KEYS = {"service", "server", "models", "routes"}
SERVICE_KEYS = {"name", "title", "version", "description"}
SERVER_KEYS = {"host", "port", "max_body_bytes", "max_batch", "allow_unknown_fields"}
ROUTE_KEYS = {"model", "predictor", "description", "parameters", "rules", "features", "output", "allow_unknown_fields"}
PARAM_KEYS = {"type", "options", "min", "max", "exclusive_min", "exclusive_max", "min_length", "max_length",
              "pattern", "required", "default", "nullable", "description", "unit", "example"}
OUTPUT_KEYS = {"labels", "probabilities", "threshold", "round", "unit"}
TYPES = ("int", "float", "str", "bool", "enum")
ELEM = {onnx.TensorProto.FLOAT: np.float32, onnx.TensorProto.DOUBLE: np.float64, onnx.TensorProto.INT64: np.int64,
        onnx.TensorProto.INT32: np.int32, onnx.TensorProto.BOOL: np.bool_, onnx.TensorProto.STRING: object}
MAX_BATCH = 1000


class ConfigError(ValueError):
    pass


def _require(cond, msg):
    if not cond:
        raise ConfigError(msg)


def _keys(obj, allowed, where):
    _require(isinstance(obj, dict), f"{where}: expected a mapping")
    extra = set(obj) - allowed
    _require(not extra, f"{where}: unknown key(s) {sorted(map(str, extra))}")


def _fmt(x):
    """A number as pydantic prints it in messages (YAML ints stay ints)."""
    return repr(x) if isinstance(x, (int, float)) and not isinstance(x, bool) else f"'{x}'"


def _is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


class Parameter:
    def __init__(self, name, spec, where):
        _keys(spec, PARAM_KEYS, where)
        self.name, self.spec = name, spec
        self.type = spec.get("type")
        _require(self.type in TYPES, f"{where}: unknown type '{self.type}'")
        self.options = spec.get("options")
        _require((self.type == "enum") == (self.options is not None), f"{where}: options belong to enum")
        self.has_default = "default" in spec
        self.required = spec.get("required", not self.has_default)
        self.nullable = spec.get("nullable", False)
        self.pattern = re.compile(spec["pattern"]) if "pattern" in spec else None
        if self.has_default and spec["default"] is not None:
            value, issues = self.check(spec["default"], [])
            _require(not issues, f"{where}: default {spec['default']!r} is invalid: {issues}")
        if "example" in spec:
            value, issues = self.check(spec["example"], [])
            _require(not issues, f"{where}: example {spec['example']!r} is invalid: {issues}")

    @property
    def expr_type(self):
        if self.type in ("int", "float"):
            return NUMBER
        if self.type == "enum":
            return NUMBER if all(_is_number(o) for o in self.options) else STRING
        return STRING if self.type == "str" else BOOL

    def _issue(self, type_, loc, msg, value):
        return {"type": type_, "loc": loc, "msg": msg, "input": value}

    def check(self, value, loc):
        """(typed value, issues) for a JSON value."""
        if value is None:
            if self.nullable:
                return None, []
            return self._type_issue(value, loc)
        t = self.type
        if t == "float" and _is_number(value):
            return self._bounds(float(value), loc, value)
        if t == "int" and _is_number(value) and float(value).is_integer():
            return self._bounds(int(value), loc, value)
        if t == "int" and _is_number(value) and math.isfinite(float(value)):
            return None, [self._issue("int_from_float", loc, "Input should be a valid integer, got a number with a fractional part", value)]
        if t == "bool" and isinstance(value, bool):
            return value, []
        if t == "str" and isinstance(value, str):
            return self._string(value, loc)
        if t == "enum":
            for o in self.options:
                if (_is_number(o) and _is_number(value) and float(o) == float(value)) or (isinstance(o, str) and o == value):
                    return (float(o) if _is_number(o) else o), []
            names = [_fmt(o) for o in self.options]
            listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
            return None, [self._issue("enum", loc, f"Input should be {listed}", value)]
        return self._type_issue(value, loc)

    def _type_issue(self, value, loc):
        code, what = {"float": ("float_type", "a valid number"), "int": ("int_type", "a valid integer"),
                      "bool": ("bool_type", "a valid boolean"), "str": ("string_type", "a valid string"),
                      "enum": ("enum", "one of the options")}[self.type]
        return None, [self._issue(code, loc, f"Input should be {what}", value)]

    def _bounds(self, x, loc, raw):
        s = self.spec
        for key, code, words, ok in (
            ("exclusive_min", "greater_than", "greater than", lambda b: x > b),
            ("min", "greater_than_equal", "greater than or equal to", lambda b: x >= b),
            ("exclusive_max", "less_than", "less than", lambda b: x < b),
            ("max", "less_than_equal", "less than or equal to", lambda b: x <= b),
        ):
            if key in s and not ok(s[key]):
                return None, [self._issue(code, loc, f"Input should be {words} {_fmt(s[key])}", raw)]
        return x, []

    def _string(self, v, loc):
        s = self.spec
        if "min_length" in s and len(v) < s["min_length"]:
            return None, [self._issue("string_too_short", loc, f"String should have at least {s['min_length']} characters", v)]
        if "max_length" in s and len(v) > s["max_length"]:
            return None, [self._issue("string_too_long", loc, f"String should have at most {s['max_length']} characters", v)]
        if self.pattern and not self.pattern.search(v):
            return None, [self._issue("string_pattern_mismatch", loc, f"String should match pattern '{s['pattern']}'", v)]
        return v, []

    def from_query(self, text):
        """A query-string value converted by type (kedro style), as the JSON value it stands for."""
        t = self.type
        if t in ("float", "int") or (t == "enum" and self.expr_type == NUMBER):
            try:
                x = float(text)
            except ValueError:
                return text
            if not math.isfinite(x):
                return text
            return int(x) if (t == "int" and re.fullmatch(r"[+-]?\d+", text)) else x
        if t == "bool":
            return {"true": True, "false": False, "1": True, "0": False}.get(text, text)
        return text


def class_labels(model: onnx.ModelProto):
    """The classifier's class labels in probability-column order (from ZipMap or the classifier node)."""
    for op in ("ZipMap", "TreeEnsembleClassifier", "LinearClassifier", "SVMClassifier", "TreeEnsemble"):
        for node in model.graph.node:
            if node.op_type != op:
                continue
            for a in node.attribute:
                if a.name in ("classlabels_int64s", "classlabels_ints"):
                    return [int(v) for v in a.ints]
                if a.name == "classlabels_strings":
                    return [v.decode() for v in a.strings]
    return None


class Model:
    def __init__(self, name, path: Path):
        self.name, self.path = name, path
        data = path.read_bytes()
        self.version = hashlib.sha256(data).hexdigest()[:12]
        self.proto = onnx.load_from_string(data)
        so = ort.SessionOptions()
        so.intra_op_num_threads = 1
        so.log_severity_level = 3
        self.session = ort.InferenceSession(data, so, providers=["CPUExecutionProvider"])
        self.inputs = []  # (name, numpy dtype, shape dims: int or None)
        for i in self.proto.graph.input:
            tt = i.type.tensor_type
            dims = [d.dim_value if d.HasField("dim_value") else None for d in tt.shape.dim]
            self.inputs.append((i.name, ELEM[tt.elem_type], dims))
        self.classes = class_labels(self.proto)
        self.is_classifier = len(self.session.get_outputs()) >= 2 and self.classes is not None


class Route:
    def __init__(self, name, spec, models, server):
        where = f"routes.{name}"
        _keys(spec, ROUTE_KEYS, where)
        self.name, self.description = name, spec.get("description", "")
        ref = spec.get("model", spec.get("predictor"))
        _require(ref in models, f"{where}.model: '{ref}' is not under models:")
        self.model = models[ref]
        self.allow_unknown = spec.get("allow_unknown_fields", server.get("allow_unknown_fields", False))
        self.max_batch = server.get("max_batch", MAX_BATCH)
        self.params = [Parameter(n, p or {}, f"{where}.parameters.{n}") for n, p in (spec.get("parameters") or {}).items()]
        types = {p.name: p.expr_type for p in self.params}
        self.rules = []
        for i, r in enumerate(spec.get("rules") or []):
            _keys(r, {"check", "message"}, f"{where}.rules[{i}]")
            fn, t, names, _ = compile_expression(r["check"], types)
            _require(t == BOOL, f"{where}.rules[{i}]: the check is not a bool")
            self.rules.append((fn, names, r["message"]))
        self._build_features(spec.get("features"), types, where)
        out = spec.get("output") or {}
        _keys(out, OUTPUT_KEYS, f"{where}.output")
        self.output = out
        if self.model.is_classifier:
            _require("round" not in out and "unit" not in out, f"{where}.output: round/unit are for regressors")
            for code in out.get("labels") or {}:
                _require(code in self.model.classes, f"{where}.output.labels: '{code}' is not a class of the model")
            _require("threshold" not in out or len(self.model.classes) == 2, f"{where}.output.threshold: binary only")
        else:
            _require(not ({"labels", "probabilities", "threshold"} & set(out)), f"{where}.output: classifier keys on a regressor")

    def _build_features(self, features, types, where):
        inputs = self.model.inputs
        by_param = {p.name: p for p in self.params}
        self.features = {}  # input name -> [compiled expressions] (list form) or parameter name
        if isinstance(features, list):
            _require(len(inputs) == 1, f"{where}.features: a list needs a model with one input")
            name, dtype, dims = inputs[0]
            _require(len(dims) == 2 and dims[1] == len(features),
                     f"{where}.features: {len(features)} expressions for input '{name}' of shape {dims}")
            self.features[name] = [self._feature(e, types, by_param, f"{where}.features[{i}]") for i, e in enumerate(features)]
            return
        if isinstance(features, dict):
            _require(set(features) == {i[0] for i in inputs}, f"{where}.features: keys must be the model inputs")
            for name, _, dims in inputs:
                _require(dims[1:] in ([], [1]), f"{where}.features.{name}: input shape {dims} takes one value per row")
                self.features[name] = [self._feature(features[name], types, by_param, f"{where}.features.{name}")]
            return
        _require(features is None, f"{where}.features: expected a list or a mapping")
        for name, dtype, dims in inputs:
            _require(name in by_param, f"{where}: model input '{name}' has no parameter of that name")
            p = by_param[name]
            ok = {np.float32: ("float",), np.float64: ("float",), np.int64: ("int",), np.int32: ("int",),
                  np.bool_: ("bool",), object: ("str",)}[dtype]
            enum_ok = p.type == "enum" and (p.expr_type == STRING) == (dtype is object)
            _require(p.type in ok or enum_ok, f"{where}.parameters.{name}: type {p.type} cannot feed input of {dtype}")
            _require(dims[1:] in ([], [1]), f"{where}: input '{name}' shape {dims} takes one value per row")
            self.features[name] = name

    def _feature(self, text, types, by_param, where):
        fn, t, names, map_keys = compile_expression(text, types)
        _require(t == NUMBER, f"{where}: '{text}' is not a number")
        mapped = re.findall(r"map\(\s*([A-Za-z_][A-Za-z0-9_]*)\s*,", str(text))
        for name, keys in zip(mapped, map_keys):  # map() over an enum must cover every option
            p = by_param.get(name)
            if p is not None and p.type == "enum":
                missing = [o for o in p.options if (float(o) if _is_number(o) else o) not in keys]
                _require(not missing, f"{where}: map() misses options {missing}")
        return fn

    # ---- requests ----------------------------------------------------------------------

    def _row(self, obj, loc):
        """(values by parameter name, issues) for one request object."""
        if not isinstance(obj, dict):
            return None, [{"type": "model_attributes_type", "loc": loc,
                           "msg": "Input should be a valid dictionary or object to extract fields from", "input": obj}]
        values, issues, valid = {}, [], set()
        for p in self.params:
            if p.name not in obj:
                if p.has_default or not p.required:
                    values[p.name] = p.spec.get("default")
                    valid.add(p.name)
                else:
                    issues.append({"type": "missing", "loc": loc + [p.name], "msg": "Field required"})
                continue
            v, errs = p.check(obj[p.name], loc + [p.name])
            issues += errs
            if not errs:
                values[p.name] = v
                valid.add(p.name)
        if not self.allow_unknown:
            known = {p.name for p in self.params}
            issues += [{"type": "extra_forbidden", "loc": loc + [k], "msg": "Extra inputs are not permitted", "input": obj[k]}
                       for k in obj if k not in known]
        for fn, names, message in self.rules:
            if all(n in valid for n in names) and not fn(values):
                issues.append({"type": "rule_failed", "loc": loc + names[:1], "msg": message})
        return values, issues

    def predict_body(self, body):
        """(status, response JSON) for a POST body."""
        if isinstance(body, dict) and "instances" in body and not any(p.name == "instances" for p in self.params):
            body = body["instances"]
            base = ["body", "instances"]
        else:
            base = ["body"]
        if isinstance(body, list):
            if len(body) > self.max_batch:
                return 422, {"detail": [{"type": "too_long", "loc": base,
                                         "msg": f"List should have at most {self.max_batch} items after validation, not {len(body)}"}]}
            rows = [self._row(o, base + [i]) for i, o in enumerate(body)]
            issues = [i for _, errs in rows for i in errs]
            if issues:
                return 422, {"detail": issues}
            preds = self._predict([v for v, _ in rows])
            return 200, {"predictions": preds, "model": self._model_info()}
        values, issues = self._row(body, base)
        if issues:
            return 422, {"detail": issues}
        return 200, {**self._predict([values])[0], "model": self._model_info()}

    def predict_query(self, pairs):
        by_name = {p.name: p for p in self.params}
        obj = {k: (by_name[k].from_query(v) if k in by_name else v) for k, v in pairs}
        values, issues = self._row(obj, ["query"])
        if issues:
            return 422, {"detail": issues}
        return 200, {**self._predict([values])[0], "model": self._model_info()}

    def _model_info(self):
        return {"name": self.model.name, "version": self.model.version}

    def _feeds(self, rows):
        feeds = {}
        for name, dtype, dims in self.model.inputs:
            f = self.features[name]
            if isinstance(f, str):  # bound by name
                col = [r[f] for r in rows]
                if dtype is object:
                    arr = np.array(col, dtype=object)
                else:
                    arr = np.array([math.nan if v is None else v for v in col], dtype=np.float64).astype(dtype)
            else:
                arr = np.array([[fn(r) for fn in f] for r in rows], dtype=np.float64).astype(dtype)
            feeds[name] = arr.reshape(len(rows), -1) if len(dims) == 2 else arr.reshape(len(rows))
        return feeds

    def _predict(self, rows):
        outs = self.model.session.run(None, self._feeds(rows))
        if not self.model.is_classifier:
            values = np.asarray(outs[0], dtype=np.float64).reshape(len(rows), -1)[:, 0]
            r, unit = self.output.get("round"), self.output.get("unit")
            res = []
            for v in values:
                x = float(v) if r is None else round(float(v), r) if r > 0 else int(round(float(v)))
                res.append({"prediction": x, **({"unit": unit} if unit else {})})
            return res
        classes = self.model.classes
        probs = outs[1]
        if isinstance(probs, list):  # ZipMap
            table = [[float(np.float32(m[c])) for c in classes] for m in probs]
        else:
            table = np.asarray(probs, dtype=np.float32).astype(np.float64).tolist()
        labels = self.output.get("labels") or {}
        name = lambda c: str(labels.get(c, c))  # noqa: E731
        threshold = self.output.get("threshold")
        res = []
        for label, p in zip(outs[0], table):
            if threshold is not None:
                k = 1 if p[1] >= threshold else 0
            else:
                lab = label.item() if hasattr(label, "item") else label
                k = classes.index(lab)
            c = classes[k]
            item = {"prediction": name(c), "class": c, "probability": p[k]}
            if self.output.get("probabilities"):
                item["probabilities"] = {name(cl): pv for cl, pv in zip(classes, p)}
            res.append(item)
        return res


class Service:
    """An augur.yaml loaded the way the design says the server loads it (strictly)."""

    def __init__(self, path):
        self.path = Path(path)
        self.config = yaml.safe_load(self.path.read_text())
        c = self.config
        _keys(c, TOP_KEYS, str(self.path))
        _keys(c.get("service") or {}, SERVICE_KEYS, "service")
        server = c.get("server") or {}
        _keys(server, SERVER_KEYS, "server")
        models = {}
        for name, ref in (c.get("models") or {}).items():
            rel = ref["path"] if isinstance(ref, dict) else ref
            models[name] = Model(name, self.path.parent / rel)
        self.routes = {n: Route(n, spec, models, server) for n, spec in (c.get("routes") or {}).items()}
        _require(self.routes, "routes: at least one route is needed")

    def request(self, method, path, body=None):
        """(status, response JSON) for one request, as the server would answer it."""
        url = urllib.parse.urlsplit(path)
        route = self.routes.get(url.path.strip("/"))
        if route is None:
            return 404, {"detail": [{"type": "not_found", "loc": ["path"], "msg": f"Not Found: {url.path}"}]}
        if method == "GET":
            return route.predict_query(urllib.parse.parse_qsl(url.query, keep_blank_values=True))
        return route.predict_body(body)
