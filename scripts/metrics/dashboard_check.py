#!/usr/bin/env python3
"""deploy/grafana/augur-dashboard.json against a live scrape: the dashboard must be a well-formed
Grafana dashboard, and every metric and label its PromQL queries name must be in what
`augur serve examples/loan` (with `batching:` and `log:` on its route) exports at GET /metrics (read by
Prometheus's own Python parser).

  scripts/metrics/dashboard_check.py AUGUR_BINARY        (run with .venv-protocols/bin/python)

What is read of a query (a small tokenizer, not a full PromQL parser): every metric selector
(`_bucket`/`_sum`/`_count` are reported under their family, and the exact series name must be
in the scrape), the label names of its `{...}` matchers (which must be on that series), the
labels of `by (...)`/`without (...)` (which must be on every series inside the aggregation),
of `on`/`ignoring` (on every series of the query) and `group_left`/`group_right` (on one of
them), the source labels of `label_replace`/`label_join` (whose new label then counts as
present in that query), and the `label_values(metric{...}, label)` of the template variables. `job` and
`instance` count as present on every series: Prometheus attaches them when it scrapes.
Functions must be known PromQL functions and `$variables` must be defined.
"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import defaultdict
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

ROOT = Path(__file__).resolve().parents[2]
DASHBOARD = ROOT / "deploy" / "grafana" / "augur-dashboard.json"
GOOD = {"ApplicantIncome": 5849, "LoanAmount": 128, "Credit_History": 1, "Property_Area": "Urban"}
BAD = {"ApplicantIncome": -5, "LoanAmount": "lots"}
sys.path.insert(0, str(ROOT / "scripts"))
from checklib import call, check, finish, free_port  # noqa: E402

# Labels Prometheus adds to every series it scrapes (the target's labels).
TARGET_LABELS = {"job", "instance"}
DATASOURCE = {"type": "prometheus", "uid": "${datasource}"}
GRAFANA_VARIABLES = {"__rate_interval", "__interval", "__interval_ms", "__range", "__range_s", "__range_ms", "__dashboard", "__from", "__to"}
# Grafana unit ids (packages/grafana-data/src/valueFormats/categories.ts) that a dashboard of
# this kind uses; a unit outside it is a typo until added here.
UNITS = {"s", "ms", "µs", "ns", "dtdurations", "reqps", "rowsps", "cps", "ops", "bytes", "decbytes", "percentunit", "percent",
         "short", "none"}
PANEL_TYPES = {"timeseries", "stat", "table", "gauge", "bargauge"}

AGGREGATIONS = {"sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values", "bottomk", "topk", "quantile",
                "limitk", "limit_ratio"}
FUNCTIONS = AGGREGATIONS | {
    "abs", "absent", "absent_over_time", "acos", "acosh", "asin", "asinh", "atan", "atanh", "avg_over_time", "ceil", "changes",
    "clamp", "clamp_max", "clamp_min", "cos", "cosh", "count_over_time", "day_of_month", "day_of_week", "day_of_year",
    "days_in_month", "deg", "delta", "deriv", "double_exponential_smoothing", "exp", "floor", "histogram_avg", "histogram_count",
    "histogram_fraction", "histogram_quantile", "histogram_stddev", "histogram_stdvar", "histogram_sum", "holt_winters", "hour",
    "idelta", "increase", "irate", "label_join", "label_replace", "last_over_time", "ln", "log10", "log2", "mad_over_time",
    "max_over_time", "min_over_time", "minute", "month", "pi", "predict_linear", "present_over_time", "quantile_over_time", "rad",
    "rate", "resets", "round", "scalar", "sgn", "sin", "sinh", "sort", "sort_by_label", "sort_by_label_desc", "sort_desc", "sqrt",
    "stddev_over_time", "stdvar_over_time", "sum_over_time", "tan", "tanh", "time", "timestamp", "vector", "year"}
GROUPING = {"by", "without"}
MATCHING = {"on", "ignoring", "group_left", "group_right"}
KEYWORDS = GROUPING | MATCHING | {"bool", "offset", "and", "or", "unless", "atan2", "inf", "nan", "start", "end"}

TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`)
  | (?P<range>\[[^\]]*\])
  | (?P<var>\$\{[^}]+\}|\$\w+)
  | (?P<duration>(?:\d+(?:ms|[smhdwy]))+(?![\w.]))
  | (?P<number>0x[0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<ident>[A-Za-z_:][A-Za-z0-9_:]*)
  | (?P<op>=~|!~|!=|==|<=|>=|[-+*/%^<>=(){},@])
""", re.VERBOSE)
# Grafana's variable syntaxes; `$1` and `${1}` (label_replace's groups) are not variables.
VARIABLE = re.compile(r"\$\{([A-Za-z_]\w*)(?:[.:][^}]*)?\}|\$([A-Za-z_]\w*)|\[\[([A-Za-z_]\w*)(?::\w+)?\]\]")


class PromQLError(Exception):
    pass


def tokenize(expr):
    tokens, at = [], 0
    while at < len(expr):
        match = TOKEN.match(expr, at)
        if not match:
            raise PromQLError(f"cannot read {expr[at:at + 20]!r} at {at}")
        if match.lastgroup != "space":
            tokens.append((match.lastgroup, match.group()))
        at = match.end()
    return tokens


def closing(tokens, i):
    """Index of the ')' or '}' matching the opener at i."""
    opener = tokens[i][1]
    closer = {"(": ")", "{": "}"}[opener]
    depth = 0
    for j in range(i, len(tokens)):
        if tokens[j] == ("op", opener):
            depth += 1
        elif tokens[j] == ("op", closer):
            depth -= 1
            if depth == 0:
                return j
    raise PromQLError(f"unbalanced {opener!r}")


def label_list(tokens, i):
    """The label names of '(a, b)' starting at i, and the index after ')'."""
    if i >= len(tokens) or tokens[i] != ("op", "("):
        raise PromQLError("a grouping keyword without '(labels)'")
    end = closing(tokens, i)
    names = [text for kind, text in tokens[i + 1:end] if kind == "ident"]
    if any(kind not in ("ident", "op") or (kind == "op" and text != ",") for kind, text in tokens[i + 1:end]):
        raise PromQLError(f"not a label list: {' '.join(t for _, t in tokens[i:end + 1])}")
    return names, end + 1


def read(expr):
    """(selectors, label uses) of one PromQL query.

    selectors: [(position, metric, [matcher label names])]; label uses: [(label, positions of the
    selectors it must be on, 'all' or 'any', what used it)]."""
    tokens = tokenize(expr)
    selectors, uses, created = [], [], set()
    i = 0
    while i < len(tokens):
        kind, text = tokens[i]
        nxt = tokens[i + 1] if i + 1 < len(tokens) else (None, None)
        if kind == "ident" and text in GROUPING | MATCHING:
            names, after = label_list(tokens, i + 1)
            if text in GROUPING:
                # `sum by (x) (expr)` or `sum (expr) by (x)`: the argument is the parenthesis after
                # the list, or the one just before the keyword.
                if after < len(tokens) and tokens[after] == ("op", "(") and i > 0 and tokens[i - 1][1] in AGGREGATIONS:
                    span = (after, closing(tokens, after))
                elif i > 0 and tokens[i - 1] == ("op", ")"):
                    depth, j = 0, i - 1
                    while j >= 0:
                        depth += {")": 1, "(": -1}.get(tokens[j][1], 0) if tokens[j][0] == "op" else 0
                        if depth == 0:
                            break
                        j -= 1
                    if j < 1 or tokens[j - 1][1] not in AGGREGATIONS:
                        raise PromQLError(f"'{text}' not after an aggregation")
                    span = (j, i - 1)
                else:
                    raise PromQLError(f"'{text}' not after an aggregation")
                uses += [(name, ("span", span), "all", f"{text} ({', '.join(names)})") for name in names]
            else:
                uses += [(name, ("query", None), "any" if text.startswith("group_") else "all", f"{text} ({', '.join(names)})")
                         for name in names]
            i = after
            continue
        if kind == "ident" and nxt == ("op", "("):
            if text in KEYWORDS and text not in {"start", "end"}:
                raise PromQLError(f"keyword {text!r} used as a function")
            if text not in FUNCTIONS and text not in {"start", "end"}:
                raise PromQLError(f"unknown function {text}()")
            if text in {"label_replace", "label_join"}:
                # label_replace(v, dst, replacement, src, regex), label_join(v, dst, separator, src…):
                # dst is made, the sources must be on v's series.
                span = (i + 1, closing(tokens, i + 1))
                strings = [t[1:-1] for k, t in tokens[span[0]:span[1]] if k == "string"]
                sources = strings[2:3] if text == "label_replace" else strings[2:]
                if strings:
                    created.add(strings[0])
                uses += [(name, ("span", span), "all", f"{text}(… {name!r} …)") for name in sources if name]
            i += 1
            continue
        if kind == "ident" and text in AGGREGATIONS and nxt[1] in GROUPING:
            i += 1  # `sum by (...) (...)`: the grouping is read next
            continue
        if kind == "ident" and text not in KEYWORDS:
            labels = []
            if nxt == ("op", "{"):
                end = closing(tokens, i + 1)
                labels = matcher_labels(tokens[i + 2:end])
                selectors.append((i, text, labels))
                i = end + 1
                continue
            selectors.append((i, text, labels))
        elif kind == "op" and text == "{":
            raise PromQLError("a selector without a metric name (not read by this check)")
        i += 1
    return selectors, uses, created


def matcher_labels(inner):
    """Label names of the matchers inside '{...}': name op string, separated by commas."""
    names, j = [], 0
    while j < len(inner):
        if (j + 2 < len(inner) and inner[j][0] == "ident" and inner[j + 1] in {("op", o) for o in ("=", "!=", "=~", "!~")}
                and inner[j + 2][0] in ("string", "var")):
            names.append(inner[j][1])
            j += 3
            if j < len(inner) and inner[j] != ("op", ","):
                raise PromQLError("matchers not separated by ','")
            j += 1
        else:
            raise PromQLError(f"not a label matcher: {' '.join(t for _, t in inner[j:j + 3])}")
    return names


def label_values_query(query):
    """(metric expression, label) of a Prometheus `label_values(...)` variable query, or None."""
    match = re.fullmatch(r"\s*label_values\((.*),\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)\s*", query, re.S)
    return (match.group(1), match.group(2)) if match else None


def walk(panels):
    for panel in panels:
        yield panel
        yield from walk(panel.get("panels") or [])


def structure(dashboard):
    """Checks of the JSON alone; returns [(where, expr)] of every query, panels and variables."""
    check("schemaVersion 39, a title and a uid", dashboard.get("schemaVersion") == 39 and dashboard.get("title") and dashboard.get("uid"),
          {k: dashboard.get(k) for k in ("schemaVersion", "title", "uid")})
    inputs = dashboard.get("__inputs") or []
    check("__inputs asks for a Prometheus data source as DS_PROMETHEUS",
          any(i.get("name") == "DS_PROMETHEUS" and i.get("type") == "datasource" and i.get("pluginId") == "prometheus" for i in inputs), inputs)
    variables = {v.get("name"): v for v in (dashboard.get("templating") or {}).get("list") or []}
    source = variables.get("datasource") or {}
    check("a `datasource` variable of type datasource (prometheus) defaulting to the imported DS_PROMETHEUS",
          source.get("type") == "datasource" and source.get("query") == "prometheus"
          and (source.get("current") or {}).get("value") == "${DS_PROMETHEUS}", source)

    panels = list(walk(dashboard.get("panels") or []))
    ids = [p.get("id") for p in panels]
    check(f"{len(panels)} panels, each with a unique integer id", panels and all(isinstance(i, int) for i in ids) and len(set(ids)) == len(ids), ids)
    bad_grid, cells = [], {}
    for p in panels:
        g = p.get("gridPos") or {}
        if not (all(isinstance(g.get(k), int) for k in "hwxy") and g["w"] > 0 and g["h"] > 0 and g["x"] >= 0 and g["y"] >= 0
                and g["x"] + g["w"] <= 24):
            bad_grid.append((p.get("id"), g))
            continue
        for x in range(g["x"], g["x"] + g["w"]):
            for y in range(g["y"], g["y"] + g["h"]):
                if (x, y) in cells:
                    bad_grid.append((p.get("id"), "overlaps panel", cells[(x, y)]))
                cells[(x, y)] = p.get("id")
    check("every panel has a gridPos inside the 24 columns, none overlapping", not bad_grid, bad_grid[:10])

    queries, bad_panel, bad_units = [], [], []
    for p in panels:
        if p.get("type") == "row":
            continue
        where = f"panel {p.get('id')} {p.get('title')!r}"
        targets = p.get("targets") or []
        refs = [t.get("refId") for t in targets]
        if (p.get("type") not in PANEL_TYPES or p.get("datasource") != DATASOURCE or not p.get("title") or not targets
                or len(set(refs)) != len(refs) or not all(refs)
                or any(not (t.get("expr") or "").strip() or t.get("datasource") != DATASOURCE for t in targets)):
            bad_panel.append(where)
        queries += [(f"{where} {t.get('refId')}", t.get("expr") or "") for t in targets]
        field_config = p.get("fieldConfig") or {}
        units = [(field_config.get("defaults") or {}).get("unit")]
        units += [prop.get("value") for o in field_config.get("overrides") or [] for prop in o.get("properties") or [] if prop.get("id") == "unit"]
        bad_units += [(where, u) for u in units if u is not None and u not in UNITS]
    check("every query panel has a known type, a title, the ${datasource} data source and targets with it, an expr and unique refIds",
          not bad_panel, bad_panel)
    check("every unit is a Grafana unit id", not bad_units, bad_units)

    bad_vars = []
    for name, v in variables.items():
        if v.get("type") != "query":
            continue
        query = v.get("query")
        query = query.get("query") if isinstance(query, dict) else query
        parsed = label_values_query(query or "")
        if v.get("datasource") != DATASOURCE or not parsed:
            bad_vars.append(name)
            continue
        # Read as `sum by (label) (metric{...})`: the label it lists must be on the metric.
        metric_expr, label = parsed
        queries.append((f"variable ${name}", f"sum by ({label}) ({metric_expr})"))
    check("every query variable lists label_values(...) from ${datasource}", not bad_vars, bad_vars)

    undefined = []
    for where, expr in queries:
        for match in VARIABLE.finditer(expr):
            name = next(g for g in match.groups() if g)
            if name not in variables and name not in GRAFANA_VARIABLES:
                undefined.append((where, name))
    check("every $variable in a query is defined (or one of Grafana's)", not undefined, undefined)
    return queries




def scrape(augur):
    """{series name: set of label names} and {series name: (family, type)} after known traffic."""
    port = free_port()
    work = Path(tempfile.mkdtemp(prefix="augur-dashboard-"))
    log = open(work / "serve.log", "w+")
    # The loan example with `batching:` and `log:` on its route, so the batching and
    # prediction log panels' metrics exist (its reference data makes the drift metrics).
    folder = work / "loan"
    shutil.copytree(ROOT / "examples" / "loan", folder)
    (folder / "logs").mkdir()
    config = (folder / "augur.yaml").read_text()
    (folder / "augur.yaml").write_text(config.replace(
        "    model: loan\n", "    model: loan\n    batching: {max_batch_rows: 16}\n    log: {path: logs/predictions.jsonl}\n", 1))
    server = subprocess.Popen([augur, "serve", str(folder), "--port", str(port)],
                              stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and server.poll() is None:
            try:
                if call(port, "/readyz")[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.05)
        statuses = [call(port, "/loan_status", GOOD)[0], call(port, "/loan_status", BAD)[0]]
        check("augur serve examples/loan (with batching:) answered a good and an invalid prediction (200, 422)", statuses == [200, 422], statuses)
        status, body = call(port, "/metrics")
    except OSError as error:
        log.seek(0)
        check("augur serve examples/loan started and answered", False, f"{error}\n{log.read()[-1000:]}")
        return {}, {}
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(10)
    labels, family_of = defaultdict(set), {}
    try:
        for family in text_string_to_metric_families(body.decode()):
            for sample in family.samples:
                labels[sample.name] |= set(sample.labels)
                family_of[sample.name] = (family.name, family.type)
    except ValueError as error:
        check("Prometheus's parser reads the scrape", False, error)
    check("GET /metrics answers 200 and Prometheus's parser reads it", status == 200 and len(labels) > 5, body[:300])
    return labels, family_of


def family(name, family_of):
    """The metric family a series name belongs to, for the report."""
    if name in family_of:
        base, kind = family_of[name]
        return base + ("_total" if kind == "counter" and name.endswith("_total") and not base.endswith("_total") else ""), kind
    for suffix in ("_bucket", "_sum", "_count"):
        if name.endswith(suffix):
            return name[:-len(suffix)], None
    return name, None


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    augur = str(Path(sys.argv[1]).resolve())
    try:
        dashboard = json.loads(DASHBOARD.read_text())
    except (OSError, ValueError) as error:
        check(f"{DASHBOARD.relative_to(ROOT)} is JSON", False, error)
        finish("dashboard checks")
    queries = structure(dashboard)

    # Every selector and label use of every query.
    used = defaultdict(lambda: {"where": set(), "labels": defaultdict(set)})
    label_rules, unread = [], []
    for where, expr in queries:
        try:
            selectors, uses, created = read(expr)
        except PromQLError as error:
            unread.append((where, str(error), expr))
            continue
        if not selectors:
            unread.append((where, "no metric", expr))
        for position, metric, matchers in selectors:
            used[metric]["where"].add(where)
            for label in matchers:
                used[metric]["labels"][label].add(f"{where}: {{{label}=…}}")
        for label, (scope, span), rule, what in uses:
            inside = [m for p, m, _ in selectors if scope == "query" or span[0] < p < span[1]]
            label_rules.append((where, label, inside, rule, what, created))
    check(f"{len(queries)} queries read by the PromQL tokenizer (known functions and keywords only)", not unread, unread)

    labels, family_of = scrape(augur)
    if not labels:
        finish("dashboard checks")
    for metric in sorted(used, key=lambda m: family(m, family_of)[0]):
        base, kind = family(metric, family_of)
        panels = [str(i) for i in sorted({int(w.split(" ", 2)[1]) for w in used[metric]["where"] if w.startswith("panel ")})]
        note = f" ({kind})" if kind else ""
        check(f"{base}{note}: {metric} is in the scrape (panels {', '.join(panels) or '-'})", metric in labels,
              f"not exported; the scrape has: {', '.join(sorted(labels))}")
        if metric not in labels:
            continue
        missing = {label: sorted(where) for label, where in used[metric]["labels"].items() if label not in labels[metric] | TARGET_LABELS}
        check(f"  its matcher labels exist: {', '.join(sorted(used[metric]['labels'])) or '-'}", not missing,
              f"{metric} has {sorted(labels[metric])} (+ {sorted(TARGET_LABELS)} from Prometheus); not {missing}")
    bad = []
    for where, label, inside, rule, what, created in label_rules:
        have = [m for m in inside if label in labels.get(m, set()) | TARGET_LABELS | created]
        if not inside or (rule == "all" and len(have) != len(inside)) or (rule == "any" and not have):
            bad.append(f"{where}: {what}: {label!r} is not on {sorted(set(inside) - set(have))}")
    check(f"{len(label_rules)} labels of by, without, on, ignoring, group_*, label_replace/label_join and label_values exist on their metrics", not bad, bad)

    exported = {family(name, family_of)[0] for name in labels}
    on_board = {family(name, family_of)[0] for name in used}
    print(f"note: exported and not on the dashboard: {', '.join(sorted(exported - on_board)) or 'none'}")
    finish("dashboard checks")


if __name__ == "__main__":
    main()
