import AugurService
import Hummingbird

/// The stylesheet and script of `/ui`, compiled into the binary: no CDN, no font download, no
/// framework. Served with a long cache lifetime under a versioned URL.
enum UIAssets {
    static let version = AugurVersion.current

    static func response(_ name: String) throws -> Response {
        let (body, type): (String, String)
        switch name {
        case "augur.css": (body, type) = (stylesheet, "text/css; charset=utf-8")
        case "augur.js": (body, type) = (script, "text/javascript; charset=utf-8")
        default: throw RequestError.notFound("/ui/assets/\(name)")
        }
        return Response(status: .ok, headers: [.contentType: type, .cacheControl: "public, max-age=86400"],
                        body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    static let stylesheet = """
        :root { --ink: #1a1a1a; --muted: #4a4f57; --line: #8a9099; --accent: #1d4ed8; --accent-dark: #1e3a8a;
          --bad: #b3261e; --bad-bg: #fdecea; --ok-bg: #eef4ff; --bg: #ffffff; }
        * { box-sizing: border-box; }
        html { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
          font-size: 100%; line-height: 1.5; color: var(--ink); background: var(--bg); }
        body { margin: 0 auto; max-width: 44rem; padding: 0 1rem 2rem; }
        a { color: var(--accent); text-underline-offset: 0.15em; }
        a:hover { color: var(--accent-dark); }
        :focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
        .skip { position: absolute; left: -10000px; top: 0; }
        .skip:focus { position: static; display: inline-block; padding: 0.5rem; }
        .sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
        header { display: flex; flex-wrap: wrap; justify-content: space-between; align-items: center; gap: 0.5rem;
          border-bottom: 1px solid var(--line); padding: 0.5rem 0; }
        header .service { margin: 0; font-weight: 600; }
        .languages { list-style: none; display: flex; gap: 0.25rem; margin: 0; padding: 0; flex-wrap: wrap; }
        .languages a { display: inline-block; min-height: 2.75rem; min-width: 2.75rem; padding: 0.6rem 0.5rem; }
        .languages a[aria-current] { font-weight: 700; color: var(--ink); }
        h1 { font-size: 1.6rem; line-height: 1.25; margin: 1.25rem 0 0.5rem; }
        h2 { font-size: 1.2rem; margin: 1.5rem 0 0.5rem; }
        .lead { color: var(--muted); margin-top: 0; }
        .crumbs { margin: 0.75rem 0 0; }
        .note { color: var(--muted); font-size: 0.95rem; }
        .routes { list-style: none; padding: 0; }
        .routes li { border: 1px solid var(--line); border-radius: 0.5rem; padding: 0.25rem 1rem; margin: 0.75rem 0; }
        .field { margin: 1rem 0; padding: 0; border: 0; min-width: 0; }
        fieldset.field { margin: 1rem 0; }
        label, legend { display: block; font-weight: 600; padding: 0; }
        .req { color: var(--bad); }
        .opt { font-weight: 400; color: var(--muted); }
        .help { margin: 0.15rem 0 0.35rem; color: var(--muted); font-size: 0.95rem; }
        input[type=text], input[type=password], select { width: 100%; min-height: 2.75rem; padding: 0.5rem 0.6rem;
          font: inherit; color: var(--ink); background: #fff; border: 1px solid var(--line); border-radius: 0.375rem; }
        input[type=file] { font: inherit; min-height: 2.75rem; padding: 0.4rem 0; max-width: 100%; }
        .with-unit { display: flex; align-items: center; gap: 0.5rem; }
        .with-unit input { flex: 1; }
        .unit { color: var(--muted); white-space: nowrap; }
        .choices { display: flex; flex-wrap: wrap; gap: 0.25rem 1.25rem; }
        .choice { display: inline-flex; align-items: center; gap: 0.5rem; font-weight: 400; min-height: 2.75rem; cursor: pointer; }
        .choice input { width: 1.5rem; height: 1.5rem; margin: 0; accent-color: var(--accent); }
        [aria-invalid=true] { border-color: var(--bad); border-width: 2px; }
        .error { color: var(--bad); font-weight: 600; margin: 0.25rem 0 0; }
        .errors { border: 2px solid var(--bad); background: var(--bad-bg); border-radius: 0.5rem; padding: 0.5rem 1rem; margin: 1rem 0; }
        .errors a { color: var(--bad); }
        .rules ul { padding-left: 1.25rem; color: var(--muted); }
        button { font: inherit; font-weight: 600; min-height: 2.75rem; min-width: 6rem; padding: 0.5rem 1.25rem; margin-top: 0.5rem;
          color: #fff; background: var(--accent); border: 2px solid var(--accent); border-radius: 0.375rem; cursor: pointer; }
        button:hover { background: var(--accent-dark); border-color: var(--accent-dark); }
        button[disabled] { opacity: 0.7; cursor: progress; }
        .result, .batch, .importance { border-top: 1px solid var(--line); margin-top: 1.5rem; }
        .answer { font-size: 1.35rem; margin: 0.5rem 0; }
        .answer strong { font-size: 1.6rem; }
        .bars { margin: 0.5rem 0; padding: 0; list-style: none; }
        .bar { display: grid; grid-template-columns: minmax(6rem, 12rem) 1fr 4.5rem; gap: 0.5rem; align-items: center; margin: 0.3rem 0; }
        .track { height: 1rem; background: #e6e8eb; border-radius: 0.25rem; overflow: hidden; border: 1px solid var(--line); }
        .fill { display: block; height: 100%; background: var(--accent); }
        .pct { text-align: right; font-variant-numeric: tabular-nums; }
        .bar .name { overflow-wrap: anywhere; }
        .bar.contribution { grid-template-columns: minmax(6rem, 12rem) 1fr minmax(4.5rem, auto); }
        .contribution.down .fill { background: #9a3412; background-image: repeating-linear-gradient(135deg, transparent 0 4px, rgba(255,255,255,0.35) 4px 7px); }
        .model { color: var(--muted); font-size: 0.95rem; }
        .table-wrap { overflow-x: auto; }
        table { border-collapse: collapse; margin: 0.75rem 0; font-variant-numeric: tabular-nums; }
        th, td { border: 1px solid var(--line); padding: 0.3rem 0.5rem; text-align: left; }
        th { background: #f1f3f5; }
        footer { margin-top: 2rem; border-top: 1px solid var(--line); color: var(--muted); font-size: 0.9rem; }
        footer a, header .service a, .crumbs a, .routes h2 a { display: inline-block; min-height: 1.5rem; padding: 0.125rem 0; }
        @media (max-width: 30rem) { .bar, .bar.contribution { grid-template-columns: 1fr auto; } .bar .track { grid-column: 1 / -1; grid-row: 2; } }
        """

    static let script = """
        (function () {
          "use strict";
          var configNode = document.getElementById("augur-config");
          if (!configNode) return;
          var config = JSON.parse(configNode.textContent);
          var T = config.text;
          function t(key) {
            var s = T[key] || key;
            for (var i = 1; i < arguments.length; i++) s = s.split("%" + i).join(String(arguments[i]));
            return s;
          }
          var form = document.getElementById("augur-form");
          var summary = document.getElementById("augur-errors");
          var result = document.getElementById("augur-result");
          var submit = document.getElementById("augur-submit");
          var params = config.parameters;
          var byName = {};
          params.forEach(function (p) { byName[p.name] = p; });
          var numberFormat = new Intl.NumberFormat(config.language, { maximumFractionDigits: 6 });
          var percent = new Intl.NumberFormat(config.language, { style: "percent", maximumFractionDigits: 1 });

          function el(tag, attributes, children) {
            var node = document.createElement(tag);
            Object.keys(attributes || {}).forEach(function (k) {
              if (k === "text") node.textContent = attributes[k]; else node.setAttribute(k, attributes[k]);
            });
            (children || []).forEach(function (c) { if (c) node.appendChild(c); });
            return node;
          }
          function controls(name) {
            return Array.prototype.filter.call(form.elements, function (c) { return c.name === name; });
          }
          function container(name) {
            var list = controls(name);
            if (!list.length) return null;
            return list[0].closest("fieldset.field") || list[0].closest(".field");
          }
          function labelOf(name) {
            var box = container(name);
            var label = box && box.querySelector("legend, label");
            return label ? label.firstChild.textContent.trim() : name;
          }
          function apiHeaders(extra) {
            var headers = extra || {};
            var key = document.getElementById("augur-api-key");
            if (key && key.value) headers["X-API-Key"] = key.value;
            return headers;
          }

          function clearErrors() {
            summary.hidden = true;
            summary.textContent = "";
            params.forEach(function (p) {
              controls(p.name).forEach(function (c) { c.removeAttribute("aria-invalid"); });
              var box = container(p.name);
              var slot = box && box.querySelector(".error");
              if (slot) { slot.hidden = true; slot.textContent = ""; }
            });
          }

          // problems: [{name, message}]; name null for problems of the whole request.
          function showErrors(problems) {
            var seen = {};
            var items = problems.map(function (problem) {
              var box = problem.name && container(problem.name);
              if (box) {
                controls(problem.name).forEach(function (c) { c.setAttribute("aria-invalid", "true"); });
                var slot = box.querySelector(".error");
                slot.textContent = seen[problem.name] ? slot.textContent + " " + problem.message : problem.message;
                slot.hidden = false;
                seen[problem.name] = true;
                var target = controls(problem.name)[0];
                return el("li", {}, [el("a", { href: "#" + target.id, text: labelOf(problem.name) + ": " + problem.message })]);
              }
              return el("li", { text: problem.message });
            });
            summary.textContent = "";
            summary.appendChild(el("p", { text: t(problems.length === 1 ? "fix_one" : "fix", problems.length) }));
            summary.appendChild(el("ul", {}, items));
            summary.hidden = false;
            summary.focus();
          }

          // The page language's decimal mark decides what a comma is: in English "120,000" is 120000
          // (never 120), in pt/es/fr "2,5" is 2.5 and "1.234,5" is 1234.5. Anything else that is not a
          // plain decimal number (hex, Infinity, "1,5" in English) is not a number.
          var decimalComma = numberFormat.formatToParts(1.5).some(function (part) { return part.type === "decimal" && part.value === ","; });
          function parseNumber(raw) {
            var text = raw.replace(/[\\s\\u00a0\\u202f]/g, "");
            if (decimalComma) {
              if (text.indexOf(",") >= 0) {
                if (/^[+-]?\\d{1,3}(\\.\\d{3})+,\\d*$/.test(text)) text = text.replace(/\\./g, "");
                text = text.replace(",", ".");
              }
            } else if (text.indexOf(",") >= 0) {
              if (!/^[+-]?\\d{1,3}(,\\d{3})+(\\.\\d*)?$/.test(text)) return null;
              text = text.replace(/,/g, "");
            }
            if (!/^[+-]?(\\d+\\.?\\d*|\\.\\d+)(e[+-]?\\d+)?$/i.test(text)) return null;
            var n = Number(text);
            return isFinite(n) ? n : null;
          }

          // A value as the API takes it, or {problem}; undefined when left out.
          function convert(p, raw) {
            if (raw === "") {
              if (p.nullable) return null;
              if (p.required) return { problem: t("required_field") };
              return undefined;
            }
            if (p.type === "int" || p.type === "float") {
              var n = parseNumber(raw);
              if (n === null) return { problem: t("invalid_number") };
              if (p.type === "int" && !Number.isInteger(n)) return { problem: t("whole_number") };
              if (p.minimum !== null && n < p.minimum) return { problem: t("at_least", numberFormat.format(p.minimum)) };
              if (p.exclusiveMinimum !== null && n <= p.exclusiveMinimum) return { problem: t("more_than", numberFormat.format(p.exclusiveMinimum)) };
              if (p.maximum !== null && n > p.maximum) return { problem: t("at_most", numberFormat.format(p.maximum)) };
              if (p.exclusiveMaximum !== null && n >= p.exclusiveMaximum) return { problem: t("less_than", numberFormat.format(p.exclusiveMaximum)) };
              return n;
            }
            if (p.type === "bool") {
              var lower = raw.toLowerCase();
              if (["true", "1", "yes"].indexOf(lower) >= 0) return true;
              if (["false", "0", "no"].indexOf(lower) >= 0) return false;
              return raw;
            }
            if (p.type === "enum" && p.numericOptions) {
              var option = parseNumber(raw);
              return option === null ? raw : option;
            }
            if (p.type === "str") {
              if (p.minLength !== null && raw.length < p.minLength || p.maxLength !== null && raw.length > p.maxLength) {
                return { problem: t("length", p.minLength === null ? 0 : p.minLength, p.maxLength === null ? "∞" : p.maxLength) };
              }
              if (p.pattern) {
                try { if (!new RegExp(p.pattern, "u").test(raw)) return { problem: t("pattern") }; } catch (e) { /* the server judges */ }
              }
            }
            return raw;
          }

          function readForm() {
            var body = {}, problems = [];
            params.forEach(function (p) {
              var list = controls(p.name);
              var raw = "";
              if (list.length && list[0].type === "radio") {
                var checked = list.filter(function (c) { return c.checked; })[0];
                raw = checked ? checked.value : "";
              } else if (list.length) {
                raw = p.type === "str" ? list[0].value : list[0].value.trim();
              }
              var value = convert(p, raw);
              if (value !== null && typeof value === "object") problems.push({ name: p.name, message: value.problem });
              else if (value !== undefined) body[p.name] = value;
            });
            return { body: body, problems: problems };
          }

          // The API's errors: {"detail": [{"loc": ["body", field] or ["body", row, field], "msg"}]}.
          function problemsOf(data, status) {
            if (!data || !Array.isArray(data.detail)) return [{ name: null, message: t("server_error", status) }];
            return data.detail.map(function (d) {
              var loc = d.loc || [];
              var field = loc.length >= 2 && typeof loc[loc.length - 1] === "string" && byName[loc[loc.length - 1]] ? loc[loc.length - 1] : null;
              var row = loc.length >= 3 && typeof loc[1] === "number" ? loc[1] : null;
              var message = d.msg;
              if (d.type === "rule_failed" && d.ctx) {
                (config.rules || []).forEach(function (r) { if (r.rule === d.ctx.rule && r.message) message = r.message; });
              }
              return { name: field, row: row, message: message };
            });
          }

          function formatValue(value, unit) {
            var text = typeof value === "number" ? numberFormat.format(value) : (typeof value === "string" ? value : JSON.stringify(value));
            return unit ? text + " " + unit : text;
          }

          function render(data) {
            result.textContent = "";
            result.appendChild(el("p", { class: "answer" }, [
              el("span", { text: t("prediction") + ": " }), el("strong", { text: formatValue(data.prediction, data.unit) })
            ]));
            if (data.probabilities && typeof data.probabilities === "object") {
              var bars = Object.keys(data.probabilities).map(function (label) {
                var p = data.probabilities[label];
                return el("li", { class: "bar" }, [
                  el("span", { class: "name", text: label }),
                  el("span", { class: "track", "aria-hidden": "true" }, [el("span", { class: "fill", style: "width:" + (100 * p).toFixed(1) + "%" })]),
                  el("span", { class: "pct", text: percent.format(p) })
                ]);
              });
              result.appendChild(el("h3", { text: t("probabilities") }));
              result.appendChild(el("ul", { class: "bars" }, bars));
            }
            if (data.explanation) renderExplanation(data);
            if (data.model) result.appendChild(el("p", { class: "model", text: t("model", data.model.name, data.model.version) }));
          }

          // The contributions as bars, largest first, each value in the form's own words; the
          // sign is written, not only drawn.
          function renderExplanation(data) {
            var e = data.explanation;
            var part = e;
            if (e.classes) {
              part = e.classes.filter(function (c) { return c.label === data.prediction; })[0] || e.classes[0];
            }
            if (!part || !part.contributions) return;
            var signed = new Intl.NumberFormat(config.language, { maximumSignificantDigits: 3, signDisplay: "exceptZero" });
            var points = new Intl.NumberFormat(config.language, { style: "percent", maximumFractionDigits: 1, signDisplay: "exceptZero" });
            var probability = e.output_space === "probability";
            function amount(x, sign) {
              if (probability) return (sign ? points : percent).format(x);
              var text = (sign ? signed : numberFormat).format(x);
              return data.unit && e.transform === "none" ? text + " " + data.unit : text;
            }
            var largest = part.contributions.reduce(function (m, c) { return Math.max(m, Math.abs(c.contribution)); }, 0) || 1;
            var bars = part.contributions.map(function (c) {
              var param = byName[c.parameter];
              var value = c.value === null || c.value === undefined ? "" : " = " + formatValue(c.value, param && param.unit);
              // Several parameters together (a feature computed from them): their labels.
              var name = param ? labelOf(c.parameter) : c.parameter.split(", ").map(function (n) {
                return byName[n] ? labelOf(n) : n;
              }).join(", ");
              var width = (100 * Math.abs(c.contribution) / largest).toFixed(1);
              return el("li", { class: "bar contribution" + (c.contribution < 0 ? " down" : "") }, [
                el("span", { class: "name", text: name + value }),
                el("span", { class: "track", "aria-hidden": "true" }, [el("span", { class: "fill", style: "width:" + width + "%" })]),
                el("span", { class: "pct", text: amount(c.contribution, true) })
              ]);
            });
            result.appendChild(el("h3", { text: t("why") }));
            if (e.classes) result.appendChild(el("p", { class: "note", text: t("why_for", part.label) }));
            result.appendChild(el("p", { text: t("why_start", amount(part.base_value, false)) }));
            result.appendChild(el("ul", { class: "bars" }, bars));
            if (e.transform !== "none") result.appendChild(el("p", { class: "note", text: t("why_margin", e.transform) }));
          }

          function post(body, explain) {
            return fetch("/" + encodeURIComponent(config.route) + (explain ? "?explain=true" : ""), {
              method: "POST",
              headers: apiHeaders({ "Content-Type": "application/json", "Accept": "application/json" }),
              body: JSON.stringify(body)
            }).then(function (response) {
              return response.json().catch(function () { return null; }).then(function (data) { return { status: response.status, data: data }; });
            });
          }

          form.addEventListener("submit", function (event) {
            event.preventDefault();
            clearErrors();
            var read = readForm();
            if (read.problems.length) { showErrors(read.problems); return; }
            submit.disabled = true;
            result.textContent = t("predicting");
            post(read.body, config.explain).then(function (answer) {
              if (answer.status === 200) { render(answer.data); return; }
              result.textContent = "";
              showErrors(problemsOf(answer.data, answer.status));
            }, function () {
              result.textContent = "";
              showErrors([{ name: null, message: t("unreachable") }]);
            }).then(function () { submit.disabled = false; });
          });

          // Batch: a CSV file (RFC 4180) → the rows as JSON objects → one POST → a table and a CSV.
          function parseCSV(text) {
            var rows = [], row = [], field = "", quoted = false, i = 0;
            if (text.charCodeAt(0) === 0xfeff) i = 1;
            for (; i < text.length; i++) {
              var c = text[i];
              if (quoted) {
                if (c === '"') { if (text[i + 1] === '"') { field += '"'; i++; } else quoted = false; }
                else field += c;
              } else if (c === '"') quoted = true;
              else if (c === ",") { row.push(field); field = ""; }
              else if (c === "\\n" || c === "\\r") {
                if (c === "\\r" && text[i + 1] === "\\n") i++;
                row.push(field); field = "";
                if (row.length > 1 || row[0] !== "") rows.push(row);
                row = [];
              } else field += c;
            }
            if (field !== "" || row.length) { row.push(field); rows.push(row); }
            return rows;
          }
          function csvCell(value) {
            var text = value === null || value === undefined ? "" : (typeof value === "object" ? JSON.stringify(value) : String(value));
            return /[",\\r\\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
          }

          var batch = document.getElementById("augur-batch");
          var batchStatus = document.getElementById("augur-batch-status");
          var batchResult = document.getElementById("augur-batch-result");
          batch.addEventListener("submit", function (event) {
            event.preventDefault();
            batchResult.textContent = "";
            var file = document.getElementById("augur-csv").files[0];
            if (!file) return;
            file.text().then(function (text) {
              var table = parseCSV(text);
              var header = table.shift() || [];
              if (!table.length) { batchStatus.textContent = t("csv_empty"); return; }
              if (table.length > config.maxBatch) { batchStatus.textContent = t("csv_too_many", table.length, config.maxBatch); return; }
              var rows = table.map(function (cells) {
                var row = {};
                header.forEach(function (name, index) {
                  var raw = cells[index] === undefined ? "" : cells[index];
                  var p = byName[name];
                  if (!p) { if (raw !== "") row[name] = raw; return; }
                  var value = convert(p, p.type === "str" ? raw : raw.trim());
                  if (value !== null && typeof value === "object") {
                    // The server reports it in its own words: a number out of bounds as that number (its
                    // message then names the bound), an empty cell as left out ("Field required").
                    var number = p.type === "int" || p.type === "float" ? parseNumber(raw) : null;
                    value = number !== null ? number : (raw.trim() === "" ? undefined : raw);
                  }
                  if (value !== undefined) row[name] = value;
                });
                return row;
              });
              batchStatus.textContent = t("predicting");
              return post(rows).then(function (answer) {
                if (answer.status !== 200) {
                  batchStatus.textContent = "";
                  var list = problemsOf(answer.data, answer.status).map(function (p) {
                    return el("li", { text: (p.row !== null ? t("row", p.row + 1) + ", " : "") + (p.name ? labelOf(p.name) + ": " : "") + p.message });
                  });
                  batchResult.appendChild(el("div", { class: "errors", role: "alert" }, [el("p", { text: t(list.length === 1 ? "fix_one" : "fix", list.length) }), el("ul", {}, list)]));
                  return;
                }
                var predictions = answer.data.predictions || [];
                var extra = [];
                predictions.forEach(function (p) {
                  Object.keys(p).forEach(function (k) { if (extra.indexOf(k) < 0) extra.push(k); });
                });
                var probabilityLabels = [];
                predictions.forEach(function (p) {
                  Object.keys(p.probabilities || {}).forEach(function (k) { if (probabilityLabels.indexOf(k) < 0) probabilityLabels.push(k); });
                });
                extra = extra.filter(function (k) { return k !== "probabilities"; });
                var columns = header.concat(extra).concat(probabilityLabels.map(function (l) { return "P(" + l + ")"; }));
                var lines = [columns.map(csvCell).join(",")];
                var body = predictions.map(function (p, i) {
                  var values = header.map(function (_, j) { return table[i][j]; })
                    .concat(extra.map(function (k) { return p[k]; }))
                    .concat(probabilityLabels.map(function (l) { return p.probabilities ? p.probabilities[l] : ""; }));
                  lines.push(values.map(csvCell).join(","));
                  return el("tr", {}, values.map(function (v) {
                    return el("td", { text: typeof v === "number" ? numberFormat.format(v) : (v === undefined || v === null ? "" : (typeof v === "object" ? JSON.stringify(v) : String(v))) });
                  }));
                });
                var head = el("tr", {}, columns.map(function (c) { return el("th", { scope: "col", text: c }); }));
                batchResult.appendChild(el("div", { class: "table-wrap" }, [el("table", {}, [el("thead", {}, [head]), el("tbody", {}, body)])]));
                var blob = new Blob([lines.join("\\r\\n") + "\\r\\n"], { type: "text/csv" });
                batchResult.appendChild(el("p", {}, [el("a", { href: URL.createObjectURL(blob), download: config.route + "-predictions.csv", text: t("download") })]));
                batchStatus.textContent = t("rows_done", predictions.length);
              });
            }).catch(function () { batchStatus.textContent = t("unreachable"); });
          });
        })();
        """
}
