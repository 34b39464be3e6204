#!/usr/bin/env python3
"""The end-user pages (`/ui`, `/ui/{route}`) in a real browser: Debian's Chromium driven by
Playwright (.venv-ui, scripts/requirements-ui.txt), every server on 127.0.0.1 only.

For every example: `/ui` links to each route's form, the prefilled form answers in
`#augur-result` without a page navigation (prediction, probability bars for classifiers, the
model line). On the energy form: the client-side checks (no POST sent), the server's rule
failures put on the fields it names (all problems at once), the CSV batch (table, a blob:
download of 4 lines, a row's error), the languages (Accept-Language, ?lang=, the switcher), a
phone-sized viewport, the page weight. axe-core (axe-playwright-python; wcag2a, wcag2aa,
wcag21aa, wcag22aa) on every page and state: serious or critical violations fail, every other
finding is printed. Labels and 24×24 CSS px targets are measured. No request may leave
127.0.0.1 (a route guard aborts and fails any other host: no CDN, no font).

  scripts/ui/check.py AUGUR_BINARY [--screenshots]

--screenshots also writes docs/ui-energy-desktop.png and docs/ui-energy-phone.png (full page,
with a result shown); CI runs without it so the committed images are not rewritten.
"""
import argparse
import csv
import io
import json
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import yaml
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ["energy", "house", "loan", "pokemon", "pipeline", "loan-svm", "spam"]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]
MAX_PAGE_BYTES = 100 * 1000
TIMEOUT_MS = 10_000
failures = 0
servers = []
outside = []        # URLs of requests to any host but 127.0.0.1
axe_findings = []   # (where, id, impact, help, targets)
AXE = Axe()


def check(name, ok, detail=""):
    global failures
    print(("ok   " if ok else "FAIL ") + name + ("" if ok else f": {detail}"), flush=True)
    failures += 0 if ok else 1
    return ok


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`augur serve FOLDER` on 127.0.0.1."""

    def __init__(self, augur, folder):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            [augur, "serve", str(folder), "--host", "127.0.0.1", "--port", str(self.port),
             "--log-level", "error", "--reload-interval", "0"],
            stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        servers.append(self)
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(self.base + "/healthz", timeout=1).read()
                return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.log.seek(0)
                    output = self.log.read().decode("utf-8", "replace")
                    self.close()
                    raise RuntimeError(f"augur serve {folder} did not answer: {output[-2000:]}")
                time.sleep(0.05)

    def post(self, path, body):
        request = urllib.request.Request(self.base + path, data=json.dumps(body).encode(), method="POST",
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as answer:
            return json.loads(answer.read())

    def close(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self in servers:
            servers.remove(self)


def stop_all():
    for server in list(servers):
        server.close()


def note_request(url):
    """Every request's URL: http(s)/ws(s) must go to 127.0.0.1; blob: URLs are judged by their origin."""
    inner = url[len("blob:"):] if url.startswith("blob:") else url
    parts = urlsplit(inner)
    if parts.scheme in ("data", "about"):
        return
    if parts.hostname != "127.0.0.1":
        outside.append(url)


def new_context(browser, **options):
    """A browser context whose every request is recorded, and aborted unless it goes to 127.0.0.1."""
    context = browser.new_context(**options)
    context.set_default_timeout(TIMEOUT_MS)

    def guard(route):
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()
    context.route("**/*", guard)
    context.on("request", lambda request: note_request(request.url))
    return context


# ---------------------------------------------------------------------------------------------
# Helpers on a page

FIELD_STATE = """() => {
  const config = JSON.parse(document.getElementById("augur-config").textContent);
  const form = document.getElementById("augur-form");
  return config.parameters.map(p => {
    const list = Array.from(form.elements).filter(c => c.name === p.name);
    const radio = list.length > 0 && list[0].type === "radio";
    const value = radio ? ((list.find(c => c.checked) || {}).value || "") : (list.length ? list[0].value : "");
    return {name: p.name, required: p.required, value: value,
            kind: radio ? "radio" : (list.length ? list[0].tagName.toLowerCase() : "missing")};
  });
}"""

UNLABELLED = """() => Array.from(document.querySelectorAll("input, select, textarea"))
  .filter(c => c.type !== "hidden")
  .filter(c => {
    const texts = Array.from(c.labels || []).map(l => l.textContent.trim()).filter(Boolean);
    return !texts.length && !(c.getAttribute("aria-label") || "").trim() && !c.getAttribute("aria-labelledby");
  })
  .map(c => c.id || c.name || c.outerHTML.slice(0, 80))"""

TARGETS = """() => {
  const out = [];
  const describe = el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.type ? "[" + el.type + "]" : "")
    + (el.getAttribute("hreflang") ? "[hreflang=" + el.getAttribute("hreflang") + "]" : "");
  const must = "button, input[type=radio], input[type=checkbox], input[type=file], input[type=text], input[type=password], select, .languages a";
  document.querySelectorAll(must).forEach(el => {
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) return;   // not rendered (hidden)
    out.push({what: describe(el), w: r.width, h: r.height, must: true});
  });
  // Other links: reported only (inline links and links spaced from other targets are exempt, WCAG 2.5.8)
  document.querySelectorAll("a[href]").forEach(el => {
    if (el.closest(".languages")) return;
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) return;
    out.push({what: "a " + el.textContent.trim().slice(0, 30), w: r.width, h: r.height, must: false});
  });
  return out;
}"""


def run_axe(page, where):
    results = AXE.run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]})
    violations = results.response.get("violations", [])
    for v in violations:
        targets = [" ".join(map(str, n.get("target", []))) for n in v.get("nodes", [])]
        axe_findings.append((where, v["id"], v.get("impact"), v.get("help"), targets))
        print(f"     axe {where}: {v['id']} ({v.get('impact')}): {v.get('help')} — {len(targets)} node(s): "
              + "; ".join(targets[:8]) + (" …" if len(targets) > 8 else ""))
    incomplete = sorted({i["id"] for i in results.response.get("incomplete", [])})
    if incomplete:
        print(f"     axe {where}: needs review (incomplete): {', '.join(incomplete)}")
    bad = [f"{v['id']} ({v.get('impact')})" for v in violations if v.get("impact") in ("serious", "critical")]
    check(f"axe {where}: no serious or critical violation ({len(violations)} finding(s) in all)", not bad, ", ".join(bad))


def small_targets(targets):
    return [f"{t['what']} {t['w']:.1f}×{t['h']:.1f}" for t in targets if t["must"] and (t["w"] < 23.99 or t["h"] < 23.99)]


def check_labels_and_targets(page, where):
    unlabelled = page.evaluate(UNLABELLED)
    check(f"{where}: every input and select has a label", not unlabelled, unlabelled)
    targets = page.evaluate(TARGETS)
    small = small_targets(targets)
    check(f"{where}: buttons, radios, inputs and language links are at least 24×24 CSS px "
          f"({sum(t['must'] for t in targets)} measured)", not small, small)
    other = [f"{t['what']!r} {t['w']:.0f}×{t['h']:.0f}" for t in targets if not t["must"] and (t["w"] < 24 or t["h"] < 24)]
    if other:
        print(f"     {where}: links under 24 px (inline or spaced; judged by axe's target-size): {', '.join(other)}")


def check_the_checks(page):
    """A planted unlabelled input and an 8 px button must fail axe, the label check and the size check."""
    page.evaluate("""() => {
      const input = Object.assign(document.createElement("input"), {id: "planted-input", type: "text"});
      const button = Object.assign(document.createElement("button"), {id: "planted-button", type: "button", textContent: "x"});
      button.style.cssText = "min-width:0;min-height:0;padding:0;margin:0;border:0;font-size:8px;line-height:1";
      document.querySelector("main").append(input, button);
    }""")
    violations = AXE.run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}}).response.get("violations", [])
    ids = {v["id"]: v.get("impact") for v in violations}
    unlabelled = page.evaluate(UNLABELLED)
    small = small_targets(page.evaluate(TARGETS))
    page.evaluate("() => { document.getElementById('planted-input').remove(); document.getElementById('planted-button').remove(); }")
    check("the checks can fail: a planted unlabelled input and an 8 px button are caught (axe 'label', the label and size checks)",
          ids.get("label") in ("serious", "critical") and unlabelled == ["planted-input"]
          and any(t.startswith("button#planted-button") for t in small), (ids, unlabelled, small))


def posted_body(page, route, where):
    """Click Predict and return the JSON body the page POSTed (the answer's status is not judged)."""
    try:
        with page.expect_request(lambda r: r.method == "POST" and urlsplit(r.url).path == "/" + route, timeout=3000) as info:
            page.click("#augur-submit")
        return info.value.post_data_json
    except PlaywrightTimeout:
        errors = page.locator("#augur-errors").inner_text() if page.locator("#augur-errors").is_visible() else ""
        return {"no POST was sent; the page said": errors}


def valid_body(folder, route):
    """The first documented single request to the route that succeeds."""
    for entry in json.loads((folder / "requests.json").read_text()):
        if (entry.get("method") == "POST" and entry.get("status") == 200 and entry.get("path") == "/" + route
                and isinstance(entry.get("body"), dict) and "instances" not in entry["body"]):
            return entry["body"]
    return {}


def fill(page, name, value, kind):
    if kind == "radio":
        text = "true" if value is True else "false" if value is False else str(value)
        page.check(f"#augur-form input[name='{name}'][value='{text}']")
    elif kind == "select":
        page.select_option(f"#augur-form select[name='{name}']", "" if value is None else str(value))
    else:
        page.fill(f"#augur-form [name='{name}']", "" if value is None else str(value))


def digits(text):
    return re.sub(r"[^0-9]", "", text)


def submit_and_read(page, route, where, expect_status=200):
    """Click Predict; the POST's JSON answer (status checked), and whether the page navigated."""
    page.evaluate("window.__augurStill = true")
    with page.expect_response(lambda r: r.request.method == "POST" and urlsplit(r.url).path == "/" + route) as info:
        page.click("#augur-submit")
    response = info.value
    check(f"{where}: the POST answered {expect_status}", response.status == expect_status, f"{response.status} {response.text()[:300]}")
    return response.json()


def stayed(page):
    return page.evaluate("window.__augurStill === true")


WHY = {"en": "Why this answer", "pt": "Porquê esta resposta", "es": "Por qué esta respuesta", "fr": "Pourquoi cette réponse"}


def check_answer(page, data, where, language="en"):
    """The result panel shows the answer in `data` (a single prediction)."""
    page.wait_for_selector("#augur-result .answer")
    result = page.locator("#augur-result")
    check(f"{where}: #augur-result is role=status", result.get_attribute("role") == "status")
    answer = page.locator("#augur-result .answer").inner_text()
    label = {"en": "Prediction", "pt": "Previsão", "es": "Predicción", "fr": "Prédiction"}[language]
    value = data.get("prediction")
    shown = page.locator("#augur-result .answer strong").inner_text()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        same = digits(shown.replace(data.get("unit") or "\0", "")) == digits(repr(value).removesuffix(".0"))
    else:
        same = shown.strip() == str(value)
    check(f"{where}: the answer line reads '{label}: …' with the value {value!r}{' ' + data['unit'] if data.get('unit') else ''}",
          answer.startswith(label) and same and (not data.get("unit") or shown.endswith(data["unit"])), answer)
    probabilities = data.get("probabilities")
    if isinstance(probabilities, dict):
        names = page.locator("#augur-result .bar:not(.contribution) .name").all_inner_texts()
        check(f"{where}: one probability bar per class ({len(probabilities)})", sorted(names) == sorted(probabilities), names)
        widths = page.eval_on_selector_all("#augur-result .bar:not(.contribution) .fill", "els => els.map(e => e.style.width)")
        check(f"{where}: the bars' widths follow the probabilities",
              all(abs(float(w.rstrip('%')) - 100 * probabilities[n]) < 0.1 for n, w in zip(names, widths)), widths)
    explanation = data.get("explanation")
    if isinstance(explanation, dict):
        part = explanation
        if "classes" in explanation:
            part = next((c for c in explanation["classes"] if c["label"] == data.get("prediction")), explanation["classes"][0])
        shown = page.locator("#augur-result .contribution .name").all_inner_texts()
        signs = page.locator("#augur-result .contribution .pct").all_inner_texts()
        expected = [c["parameter"] for c in part["contributions"]]
        check(f"{where}: 'Why this answer' shows one bar per contribution ({len(expected)}), largest first, signs written",
              page.locator("#augur-result h3", has_text=WHY[language]).count() == 1 and len(shown) == len(expected)
              and all(text.startswith("+") or text.startswith("-") or text.startswith("\u2212") or digits(text).strip("0") == ""
                      for text in signs),
              f"{shown} {signs}")
    model = page.locator("#augur-result .model").inner_text() if page.locator("#augur-result .model").count() else ""
    check(f"{where}: the model line names {data['model']['name']} and version {data['model'].get('version')}",
          data["model"]["name"] in model and str(data["model"].get("version")) in model and "undefined" not in model, model)


# ---------------------------------------------------------------------------------------------
# The checks

def check_example(browser, augur, name, energy_extra):
    folder = ROOT / "examples" / name
    routes = list((yaml.safe_load((folder / "augur.yaml").read_text()).get("routes") or {}).keys())
    server = Server(augur, folder)
    context = new_context(browser, locale="en-US", viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(server.base + "/ui")
        check(f"{name}: /ui has <html lang=en> and a link per route ({', '.join(routes)})",
              page.get_attribute("html", "lang") == "en"
              and all(page.locator(f"ul.routes a[href^='/ui/{r}?']").count() == 1 for r in routes),
              page.locator("ul.routes").inner_html()[:500])
        run_axe(page, f"{name} /ui")
        check_labels_and_targets(page, f"{name} /ui")
        for route in routes:
            page.goto(server.base + "/ui")
            with page.expect_navigation():
                page.click(f"ul.routes a[href^='/ui/{route}?']")
            where = f"{name} /ui/{route}"
            check(f"{where}: reached by the link from /ui", urlsplit(page.url).path == f"/ui/{route}", page.url)
            body = valid_body(folder, route)
            filled = []
            for field in page.evaluate(FIELD_STATE):
                if field["required"] and field["value"] == "":
                    if field["name"] not in body:
                        check(f"{where}: a value for the unfilled required field {field['name']}", False, "not in requests.json")
                        continue
                    fill(page, field["name"], body[field["name"]], field["kind"])
                    filled.append(field["name"])
            print(f"     {where}: required fields without a prefill, filled from requests.json: {filled or 'none'}")
            run_axe(page, f"{where} (form)")
            check_labels_and_targets(page, where)
            data = submit_and_read(page, route, where)
            check_answer(page, data, where)
            check(f"{where}: answered without a page navigation", stayed(page) and urlsplit(page.url).path == f"/ui/{route}", page.url)
            if isinstance(data.get("probabilities"), dict):
                print(f"     {where}: a classifier: {len(data['probabilities'])} classes, prediction {data['prediction']!r}")
            run_axe(page, f"{where} (with a result)")
            if name == "energy":
                energy_extra(browser, server, route, page)
    finally:
        context.close()
        server.close()


def check_energy_errors(page, server, route):
    where = "energy errors"
    page.goto(f"{server.base}/ui/{route}")
    posts = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)

    def slot_of(field):
        return page.locator(f"#augur-form [name='{field}']").first.evaluate(
            "c => (c.closest('fieldset.field') || c.closest('.field')).querySelector('.error').id")

    # 1. A value the client checks: no POST, the message on the field, the summary focused.
    page.fill("#augur-form [name=year_built]", "1700")
    page.click("#augur-submit")
    page.wait_for_selector("#augur-errors:not([hidden])")
    page.wait_for_timeout(300)
    slot = slot_of("year_built")
    text = page.locator(f"#{slot}").inner_text() if page.locator(f"#{slot}").is_visible() else ""
    check(f"{where}: year_built 1700 → the field's .error says the bound", "1,850" in text or "1850" in text, repr(text))
    check(f"{where}: the input gets aria-invalid=true", page.get_attribute("#augur-form [name=year_built]", "aria-invalid") == "true")
    described = page.get_attribute("#augur-form [name=year_built]", "aria-describedby") or ""
    check(f"{where}: the input's aria-describedby names its error", slot in described.split(), described)
    summary = page.locator("#augur-errors")
    check(f"{where}: the summary #augur-errors (role=alert) is shown, focused, and links to the field",
          summary.get_attribute("role") == "alert" and summary.is_visible()
          and page.evaluate("document.activeElement && document.activeElement.id") == "augur-errors"
          and "Year built" in summary.inner_text() and summary.locator("a[href='#f1-year_built']").count() == 1,
          summary.inner_text())
    check(f"{where}: no POST was sent for a value the client rejects", not posts, posts)
    run_axe(page, "energy form (client-side errors shown)")
    check_the_checks(page)

    # Numbers as an English speaker writes them: "120,000" is 120000 (never 120); "Infinity" and
    # "0x10" are not numbers (no POST).
    for text in ("Infinity", "0x10"):
        page.fill("#augur-form [name=parking_floor_area]", text)
        page.click("#augur-submit")
        page.wait_for_timeout(200)
        shown = page.locator(f"#{slot_of('parking_floor_area')}").inner_text()
        check(f"{where}: parking_floor_area {text!r} → 'Enter a number.', no POST", shown == "Enter a number." and not posts, (shown, posts))
    page.fill("#augur-form [name=parking_floor_area]", "20,000")
    page.fill("#augur-form [name=year_built]", "1985")
    page.fill("#augur-form [name=gross_floor_area]", "120,000")
    body = posted_body(page, route, where)
    check(f"{where}: in English '120,000' and '20,000' are sent as 120000 and 20000",
          body.get("gross_floor_area") == 120000 and body.get("parking_floor_area") == 20000, body)
    page.wait_for_selector("#augur-submit:not([disabled])")
    page.fill("#augur-form [name=parking_floor_area]", "20000")
    page.fill("#augur-form [name=gross_floor_area]", "120000")
    posts.clear()

    # 2. A rule only the server judges: the 422's message on the field it names.
    page.fill("#augur-form [name=year_built]", "1985")
    page.fill("#augur-form [name=gross_floor_area]", "120000")
    page.fill("#augur-form [name=parking_floor_area]", "200000")
    data = submit_and_read(page, route, where + " (rule)", 422)
    detail = data.get("detail", [])
    check(f"{where}: the server names [body, parking_floor_area]",
          [d.get("loc") for d in detail] == [["body", "parking_floor_area"]], detail)
    message = detail[0]["msg"] if detail else "?"
    page.wait_for_selector("#augur-errors:not([hidden])")
    slot = slot_of("parking_floor_area")
    check(f"{where}: the rule's message is on parking_floor_area", page.locator(f"#{slot}").is_visible()
          and page.locator(f"#{slot}").inner_text() == message, page.locator(f"#{slot}").inner_text())
    check(f"{where}: parking_floor_area has aria-invalid=true; year_built no longer",
          page.get_attribute("#augur-form [name=parking_floor_area]", "aria-invalid") == "true"
          and page.get_attribute("#augur-form [name=year_built]", "aria-invalid") is None
          and not page.locator(f"#{slot_of('year_built')}").is_visible())
    check(f"{where}: the summary shows the rule's message and is focused",
          message in summary.inner_text() and page.evaluate("document.activeElement.id") == "augur-errors", summary.inner_text())

    # 3. Every problem at once: both rules fail (parking > gross, under 250 sq ft per floor).
    page.fill("#augur-form [name=gross_floor_area]", "20000")
    page.fill("#augur-form [name=number_of_floors]", "99")
    data = submit_and_read(page, route, where + " (two rules)", 422)
    detail = data.get("detail", [])
    fields = [d["loc"][-1] for d in detail]
    check(f"{where}: the server reports both problems at once", sorted(fields) == ["gross_floor_area", "parking_floor_area"], detail)
    page.wait_for_timeout(100)
    for d in detail:
        slot = slot_of(d["loc"][-1])
        check(f"{where}: {d['loc'][-1]} shows {d['msg'][:40]!r}…", page.locator(f"#{slot}").inner_text() == d["msg"]
              and page.get_attribute(f"#augur-form [name={d['loc'][-1]}]", "aria-invalid") == "true",
              page.locator(f"#{slot}").inner_text())
    check(f"{where}: the summary lists {len(detail)} problems", summary.locator("li").count() == len(detail)
          and f"{len(detail)} problem" in summary.inner_text(), summary.inner_text())
    run_axe(page, "energy form (server errors shown)")
    check_labels_and_targets(page, "energy form (errors shown)")


ENERGY_HEADER = ["primary_use", "year_built", "number_of_buildings", "number_of_floors", "gross_floor_area",
                 "parking_floor_area", "energy_star_score", "uses_steam"]
ENERGY_ROWS = [["Office", "1985", "1", "8", "120000", "20000", "72", "false"],
               ["Hotel", "1928", "1", "12", "240000", "0", "", "true"],
               ["K-12 School", "1961", "3", "2", "98000", "0", "41", "false"]]


def csv_file(directory, name, rows):
    path = Path(directory) / name
    with open(path, "w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(ENERGY_HEADER)
        writer.writerows(rows)
    return path


def check_energy_batch(page, server, route, directory):
    where = "energy batch"
    page.goto(f"{server.base}/ui/{route}")
    page.set_input_files("#augur-csv", str(csv_file(directory, "buildings.csv", ENERGY_ROWS)))
    page.evaluate("window.__augurStill = true")
    page.click("#augur-batch button[type=submit]")
    page.wait_for_selector("#augur-batch-result tbody tr")
    check(f"{where}: a table with 3 body rows", page.locator("#augur-batch-result tbody tr").count() == 3,
          page.locator("#augur-batch-result").inner_text()[:300])
    check(f"{where}: no page navigation", stayed(page))
    check(f"{where}: the status says 3 rows", "3" in page.locator("#augur-batch-status").inner_text(),
          page.locator("#augur-batch-status").inner_text())
    link = page.locator("#augur-batch-result a[download]")
    href = link.get_attribute("href") or "" if link.count() else ""
    check(f"{where}: a download link with a blob: URL", href.startswith("blob:http://127.0.0.1:"), href)
    if not href:
        return
    with page.expect_download() as info:
        link.click()
    download = info.value
    text = Path(download.path()).read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line]
    table = list(csv.DictReader(io.StringIO(text)))
    check(f"{where}: the download ({download.suggested_filename}) has 4 lines and a prediction column",
          len(lines) == 4 and table and "prediction" in table[0], text[:400])
    # The downloaded predictions are the API's own for the same rows.
    expected = []
    for row in ENERGY_ROWS:
        body = dict(zip(ENERGY_HEADER, row))
        expected.append({k: (None if v == "" else v == "true" if k == "uses_steam" else v if k == "primary_use" else float(v))
                         for k, v in body.items()})
    api = server.post("/" + route, expected)["predictions"]
    got = [float(r["prediction"]) for r in table]
    check(f"{where}: the downloaded predictions equal the API's for the same rows (empty score → null)",
          got == [float(p["prediction"]) for p in api], (got, [p["prediction"] for p in api]))

    # A file with an invalid second row: its error is listed with the row and the field.
    bad = [ENERGY_ROWS[0], ["Office", "1700", "1", "8", "120000", "0", "50", "false"], ENERGY_ROWS[2]]
    page.set_input_files("#augur-csv", str(csv_file(directory, "invalid.csv", bad)))
    with page.expect_response(lambda r: r.request.method == "POST") as info:
        page.click("#augur-batch button[type=submit]")
    check(f"{where}: the invalid file's POST answered 422", info.value.status == 422, info.value.status)
    page.wait_for_selector("#augur-batch-result .errors li")
    items = page.locator("#augur-batch-result .errors li").all_inner_texts()
    check(f"{where}: the invalid row's error is listed as 'Row 2, Year built: …'",
          len(items) == 1 and items[0].startswith("Row 2, Year built"), items)
    check(f"{where}: the row's error names the real problem (at least 1850), not a type error",
          bool(items) and "1850" in items[0].replace(",", "") and "valid integer" not in items[0], items)
    check(f"{where}: no table is left from the previous file", page.locator("#augur-batch-result table").count() == 0)
    run_axe(page, "energy form (batch error shown)")


def check_languages(browser, server, route):
    context = new_context(browser, locale="fr-FR")
    try:
        page = context.new_page()
        response = page.goto(f"{server.base}/ui/{route}")
        check("languages: Accept-Language fr → <html lang=fr>, Content-Language fr, button 'Prédire'",
              page.get_attribute("html", "lang") == "fr" and response.headers.get("content-language") == "fr"
              and page.locator("#augur-submit").inner_text().strip() == "Prédire",
              (page.get_attribute("html", "lang"), page.locator("#augur-submit").inner_text()))
        data = submit_and_read(page, route, "languages (fr)")
        check_answer(page, data, "languages (fr)", "fr")
        run_axe(page, "energy form in French (with a result)")
        page.fill("#augur-form [name=gross_floor_area]", "120 000,5")
        page.fill("#augur-form [name=parking_floor_area]", "1.234,5")
        body = posted_body(page, route, "languages (fr)")
        check("languages (fr): '120 000,5' and '1.234,5' are sent as 120000.5 and 1234.5",
              body.get("gross_floor_area") == 120000.5 and body.get("parking_floor_area") == 1234.5, body)
        page.wait_for_selector("#augur-submit:not([disabled])")
        page.goto(f"{server.base}/ui?lang=pt")
        check("languages: ?lang=pt overrides Accept-Language on /ui", page.get_attribute("html", "lang") == "pt"
              and page.locator(f"ul.routes a[href='/ui/{route}?lang=pt']").count() == 1)
        page.goto(f"{server.base}/ui/{route}?lang=pt")
        check("languages: ?lang=pt → <html lang=pt>, button 'Prever'", page.get_attribute("html", "lang") == "pt"
              and page.locator("#augur-submit").inner_text().strip() == "Prever", page.locator("#augur-submit").inner_text())
        links = {code: page.locator(f"nav .languages a[hreflang={code}][lang={code}]").count() for code in ("en", "pt", "es", "fr")}
        check("languages: the switcher links to en, pt, es, fr; the current one is aria-current",
              all(n == 1 for n in links.values())
              and page.locator("nav .languages a[aria-current]").get_attribute("hreflang") == "pt", links)
        with page.expect_navigation():
            page.click("nav .languages a[hreflang=es]")
        check("languages: the switcher's es link → <html lang=es>, button 'Predecir', same form",
              page.get_attribute("html", "lang") == "es" and page.locator("#augur-submit").inner_text().strip() == "Predecir"
              and urlsplit(page.url).path == f"/ui/{route}", page.url)
    finally:
        context.close()


def check_phone(browser, server, route, screenshots, directory):
    context = new_context(browser, locale="en-US", viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        page.goto(f"{server.base}/ui/{route}")
        width = page.evaluate("document.documentElement.scrollWidth")
        check(f"phone 375×740: no horizontal scrolling (scrollWidth {width})", width <= 375, width)
        data = submit_and_read(page, route, "phone 375×740")
        check_answer(page, data, "phone 375×740")
        check("phone 375×740: answered without a page navigation", stayed(page))
        width = page.evaluate("document.documentElement.scrollWidth")
        check(f"phone 375×740: still no horizontal scrolling with the result (scrollWidth {width})", width <= 375, width)
        check_labels_and_targets(page, "phone 375×740")
        if screenshots:
            page.mouse.move(0, 0)
            page.screenshot(path=str(ROOT / "docs" / "ui-energy-phone.png"), full_page=True)
            print("     wrote docs/ui-energy-phone.png")
        page.set_input_files("#augur-csv", str(csv_file(directory, "phone.csv", ENERGY_ROWS)))
        page.click("#augur-batch button[type=submit]")
        page.wait_for_selector("#augur-batch-result tbody tr")
        width = page.evaluate("document.documentElement.scrollWidth")
        check(f"phone 375×740: the batch table scrolls in its own box, not the page (scrollWidth {width})", width <= 375, width)
    finally:
        context.close()


def check_weight(browser, server, route, screenshots):
    context = new_context(browser, locale="en-US", viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        responses = []
        page.on("response", lambda r: responses.append(r))
        page.goto(f"{server.base}/ui/{route}", wait_until="networkidle")
        sizes = []
        for r in responses:
            try:
                sizes.append((len(r.body()), r.status, urlsplit(r.url).path))
            except Exception:  # noqa: BLE001 — a redirect or a response without a body
                sizes.append((0, r.status, urlsplit(r.url).path))
        total = sum(s for s, _, _ in sizes)
        for size, status, path in sizes:
            print(f"     {size:7d} B  {status}  {path}")
        check(f"page weight: the energy form with its assets is {total} bytes ({total / 1000:.1f} kB) ≤ {MAX_PAGE_BYTES // 1000} kB",
              total <= MAX_PAGE_BYTES and len(sizes) >= 3, sizes)
        failed = [f"{status} {path}" for _, status, path in sizes if status >= 400]
        check("page weight: every subresource answered (no 404)", not failed, failed)
        if screenshots:
            submit_and_read(page, route, "desktop screenshot")
            page.wait_for_selector("#augur-result .answer")
            page.mouse.move(0, 0)  # no hover colour on the button in the picture
            page.screenshot(path=str(ROOT / "docs" / "ui-energy-desktop.png"), full_page=True)
            print("     wrote docs/ui-energy-desktop.png")
    finally:
        context.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("augur", help="the augur binary")
    parser.add_argument("--screenshots", action="store_true", help="write docs/ui-energy-{desktop,phone}.png")
    args = parser.parse_args()
    augur = str(Path(args.augur).resolve())
    chromium = shutil.which("chromium")
    if not chromium:
        sys.exit("chromium is missing: apt-get install -y chromium (scripts/setup-venv.sh)")
    if args.screenshots:
        (ROOT / "docs").mkdir(exist_ok=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # `timeout` stops servers through finally
    started = time.monotonic()
    try:
        with sync_playwright() as playwright, tempfile.TemporaryDirectory(prefix="augur-ui-") as directory:
            browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
            print(f"     Chromium {browser.version}, axe-core {re.search(r'axe v([0-9.]+)', AXE.axe_script).group(1)}")

            def energy_extra(browser, server, route, _page):
                def in_context(step):
                    def run():
                        context = new_context(browser, locale="en-US", viewport={"width": 1280, "height": 900})
                        try:
                            step(context.new_page(), server, route)
                        finally:
                            context.close()
                    return run
                steps = [("field errors", in_context(check_energy_errors)),
                         ("batch", in_context(lambda page, server, route: check_energy_batch(page, server, route, directory))),
                         ("languages", lambda: check_languages(browser, server, route)),
                         ("phone", lambda: check_phone(browser, server, route, args.screenshots, directory)),
                         ("page weight", lambda: check_weight(browser, server, route, args.screenshots))]
                for label, step in steps:  # each on its own, so that one failing step hides no other
                    try:
                        step()
                    except Exception as error:  # noqa: BLE001
                        check(f"energy {label}: the checks ran to the end", False, f"{type(error).__name__}: {error}")

            try:
                for name in EXAMPLES:
                    try:
                        check_example(browser, augur, name, energy_extra)
                    except Exception as error:  # noqa: BLE001 — one example's failure must not hide the others'
                        check(f"{name}: the checks ran to the end", False, f"{type(error).__name__}: {error}")
            finally:
                browser.close()
    finally:
        stop_all()
    check(f"no request left 127.0.0.1 ({len(outside)} outside)", not outside, sorted(set(outside))[:10])
    serious = [f for f in axe_findings if f[2] in ("serious", "critical")]
    print(f"     axe findings in all: {len(axe_findings)} ({len(serious)} serious or critical): "
          + (", ".join(sorted({f'{f[1]} ({f[2]})' for f in axe_findings})) or "none"))
    print(f"     {time.monotonic() - started:.1f} s")
    if failures:
        print(f"{failures} check(s) failed")
        sys.exit(1)
    print("all UI checks passed")


if __name__ == "__main__":
    main()
