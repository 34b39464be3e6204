import AugurService
import Foundation

/// The end-user pages at `/ui`: a list of the service's routes, and per route a form generated
/// from its parameters (a labelled control chosen from each type and its constraints, the
/// description and rules as help, the example or default prefilled), with a CSV batch upload.
/// The page is complete HTML (the form works without script, sending a GET to the route); the
/// script (`UIAssets.script`) submits without a reload and puts the server's errors on the
/// fields they name. No external resource: the CSS and script are served by Augur.
struct UIPage: Sendable {
    let service: AugurService.Service
    let language: UILanguage
    /// The path the page was asked for, for the language switcher's links.
    let path: String

    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }

    private func t(_ key: String, _ arguments: String...) -> String {
        Self.escape(UITexts.text(key, language, arguments))
    }

    private func document(title: String, main: String, script: String = "") -> String {
        let switcher = UILanguage.allCases.map { other in
            other == language
                ? "<li><a href=\"?lang=\(other.rawValue)\" lang=\"\(other.rawValue)\" hreflang=\"\(other.rawValue)\" aria-current=\"true\">\(other.name)</a></li>"
                : "<li><a href=\"?lang=\(other.rawValue)\" lang=\"\(other.rawValue)\" hreflang=\"\(other.rawValue)\">\(other.name)</a></li>"
        }.joined()
        return """
            <!DOCTYPE html>
            <html lang="\(language.rawValue)">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(Self.escape(title))</title>
            <link rel="stylesheet" href="/ui/assets/augur.css?v=\(UIAssets.version)">
            </head>
            <body>
            <a class="skip" href="#main">\(t("skip"))</a>
            <header>
            <p class="service"><a href="/ui?lang=\(language.rawValue)">\(Self.escape(service.configuration.localizedTitle.text(for: language.rawValue)))</a></p>
            <nav aria-label="\(t("language"))"><ul class="languages">\(switcher)</ul></nav>
            </header>
            <main id="main">
            \(main)
            </main>
            <footer><p><a href="/docs">\(t("api_docs"))</a> · Augur \(AugurVersion.current)</p></footer>
            \(script)
            </body>
            </html>

            """
    }

    /// `GET /ui`: the routes, each with its description and a link to its form.
    var index: String {
        let c = service.configuration
        let items = service.routes.map { route in
            """
            <li><h2><a href="/ui/\(Self.escape(route.name))?lang=\(language.rawValue)">\(Self.escape(title(route)))</a></h2>\
            \(route.description.isEmpty ? "" : "<p>\(Self.escape(route.localizedDescription.text(for: language.rawValue)))</p>")</li>
            """
        }.joined(separator: "\n")
        let main = """
            <h1>\(Self.escape(c.localizedTitle.text(for: language.rawValue)))</h1>
            \(c.description.isEmpty ? "" : "<p class=\"lead\">\(Self.escape(c.localizedDescription.text(for: language.rawValue)))</p>")
            <h2 class="sr-only">\(t("routes"))</h2>
            <ul class="routes">
            \(items)
            </ul>
            """
        return document(title: c.localizedTitle.text(for: language.rawValue), main: main)
    }

    /// The route's title in the page's language.
    func title(_ route: Route) -> String {
        route.localizedSummary.text.isEmpty ? route.title : route.localizedSummary.text(for: language.rawValue)
    }

    /// `GET /ui/{route}`: the form.
    func form(_ route: Route) -> String {
        let schema = route.requestSchema()
        var rules: [JSONValue] = []
        if case .array(let items)? = schema["x-augur-rules"] { rules = items }
        var fields: [String] = []
        for (index, parameter) in route.parameters.enumerated() {
            let notes = rules.compactMap { rule -> String? in
                guard rule["field"]?.string == parameter.name else { return nil }
                return message(of: rule)
            }
            fields.append(field(parameter, index: index, ruleNotes: notes))
        }
        let general = rules.filter { $0["field"]?.string == nil }.compactMap(message(of:))
        let rulesBlock = general.isEmpty ? "" : """
            <section class="rules" aria-labelledby="rules-title"><h2 id="rules-title">\(t("rules"))</h2>
            <ul>\(general.map { "<li>\(Self.escape($0))</li>" }.joined())</ul></section>
            """
        let auth = service.configuration.apiKeys == nil ? "" : """
            <div class="field"><label for="augur-api-key">\(t("api_key"))</label>
            <p class="help" id="augur-api-key-help">\(t("api_key_help"))</p>
            <input id="augur-api-key" type="password" autocomplete="off" aria-describedby="augur-api-key-help"></div>
            """
        let maxBatch = String(service.configuration.maxBatch)
        let main = """
            <p class="crumbs"><a href="/ui?lang=\(language.rawValue)">\(t("all_routes"))</a></p>
            <h1>\(Self.escape(title(route)))</h1>
            \(route.description.isEmpty ? "" : "<p class=\"lead\">\(Self.escape(route.localizedDescription.text(for: language.rawValue)))</p>")
            <form id="augur-form" method="get" action="/\(Self.escape(route.name))" novalidate>
            <p class="note">\(t("required_note"))</p>
            <div id="augur-errors" class="errors" role="alert" tabindex="-1" hidden></div>
            \(auth)
            \(fields.joined(separator: "\n"))
            \(rulesBlock)
            <button type="submit" id="augur-submit">\(t("predict"))</button>
            <noscript><p class="note">\(t("no_script"))</p></noscript>
            </form>
            <section class="result" aria-labelledby="result-title">
            <h2 id="result-title">\(t("result"))</h2>
            <div id="augur-result" role="status" aria-live="polite" aria-atomic="true"></div>
            </section>
            \(importance(route))
            <section class="batch" aria-labelledby="batch-title">
            <h2 id="batch-title">\(t("batch"))</h2>
            <form id="augur-batch">
            <div class="field"><label for="augur-csv">\(t("csv_file"))</label>
            <p class="help" id="augur-csv-help">\(t("batch_help", maxBatch))</p>
            <input id="augur-csv" type="file" accept=".csv,text/csv" aria-describedby="augur-csv-help" required></div>
            <button type="submit">\(t("predict_file"))</button>
            </form>
            <div id="augur-batch-status" role="status" aria-live="polite"></div>
            <div id="augur-batch-result"></div>
            </section>
            """
        let config: JSONValue = .object(JSONObject([
            ("route", .string(route.name)),
            ("language", .string(language.rawValue)),
            ("maxBatch", .integer(service.configuration.maxBatch)),
            ("auth", .bool(service.configuration.apiKeys != nil)),
            ("explain", .bool({ if case .available = route.pipeline.explanation { true } else { false } }())),
            ("parameters", .array(route.parameters.map { p in
                .object(JSONObject([
                    ("name", .string(p.name)), ("type", .string(p.type.rawValue)), ("required", .bool(p.required)),
                    ("nullable", .bool(p.nullable)),
                    ("numericOptions", .bool(p.options.contains { if case .number = $0 { true } else { false } })),
                    ("minimum", p.minimum.map { .number($0) } ?? .null), ("maximum", p.maximum.map { .number($0) } ?? .null),
                    ("exclusiveMinimum", p.exclusiveMinimum.map { .number($0) } ?? .null),
                    ("exclusiveMaximum", p.exclusiveMaximum.map { .number($0) } ?? .null),
                    ("minLength", p.minLength.map { .integer($0) } ?? .null), ("maxLength", p.maxLength.map { .integer($0) } ?? .null),
                    ("pattern", p.pattern.map { .string($0) } ?? .null), ("unit", p.unit.map { .string($0) } ?? .null),
                ]))
            })),
            ("rules", .array(rules.map { rule in
                .object(JSONObject([("rule", rule["rule"] ?? .null), ("message", message(of: rule).map { .string($0) } ?? .null)]))
            })),
            ("text", UITexts.json(language)),
        ]))
        // `</` cannot end the script early: JSON escapes it.
        let data = config.serializedString.replacingOccurrences(of: "</", with: "<\\/")
        let script = """
            <script type="application/json" id="augur-config">\(data)</script>
            <script src="/ui/assets/augur.js?v=\(UIAssets.version)" defer></script>
            """
        return document(title: "\(title(route)) · \(service.configuration.localizedTitle.text(for: language.rawValue))", main: main, script: script)
    }

    /// A rule's message (from the request schema's `x-augur-rules`) in the page's language.
    private func message(of rule: JSONValue) -> String? {
        if let text = rule["messages"]?[language.rawValue]?.string { return text }
        return rule["message"]?.string
    }

    /// One labelled control, its help (description, unit, bounds, example, rules on it) and an
    /// error slot the script fills.
    private func field(_ p: Parameter, index: Int, ruleNotes: [String]) -> String {
        let id = "f\(index)-" + Self.slug(p.name)
        let name = Self.escape(p.name)
        let label = Self.escape(p.label?.text(for: language.rawValue) ?? Self.label(p.name))
        let marker = p.required ? " <span class=\"req\" aria-hidden=\"true\">*</span>" : " <span class=\"opt\">(\(t("optional")))</span>"
        var help: [String] = []
        if !p.description.isEmpty { help.append(Self.escape(p.localizedDescription.text(for: language.rawValue))) }
        if let v = p.minimum { help.append(t("at_least", Self.number(v, p.unit))) }
        if let v = p.exclusiveMinimum { help.append(t("more_than", Self.number(v, p.unit))) }
        if let v = p.maximum { help.append(t("at_most", Self.number(v, p.unit))) }
        if let v = p.exclusiveMaximum { help.append(t("less_than", Self.number(v, p.unit))) }
        if p.type == .int { help.append(t("whole_number")) }
        if p.minLength != nil || p.maxLength != nil { help.append(t("length", String(p.minLength ?? 0), p.maxLength.map(String.init) ?? "∞")) }
        help += ruleNotes.map(Self.escape)
        let helpID = "\(id)-help", errorID = "\(id)-error"
        let describedBy = help.isEmpty ? errorID : "\(helpID) \(errorID)"
        let helpHTML = help.isEmpty ? "" : "<p class=\"help\" id=\"\(helpID)\">\(help.joined(separator: " "))</p>"
        let errorHTML = "<p class=\"error\" id=\"\(errorID)\" hidden></p>"
        let prefill = p.example ?? p.defaultValue
        let required = p.required ? " required aria-required=\"true\"" : ""
        let choice = p.type == .bool || p.type == .enum
        let asRadios = choice && (p.type == .bool || p.options.count <= 4) && !p.nullable && (p.required || p.defaultValue != nil)
        if asRadios {
            let options: [(String, String)] = p.type == .bool
                ? [("true", t("yes")), ("false", t("no"))]
                : p.options.map { (Self.text(of: $0), Self.escape(Self.text(of: $0))) }
            let chosen = prefill.map(Self.text(of:))
            let radios = options.enumerated().map { index, option in
                let checked = option.0 == chosen ? " checked" : ""
                return "<label class=\"choice\" for=\"\(id)-\(index)\"><input type=\"radio\" id=\"\(id)-\(index)\" name=\"\(name)\" value=\"\(Self.escape(option.0))\"\(checked)\(index == 0 ? required : "")> \(option.1)</label>"
            }.joined()
            return """
                <fieldset class="field" id="\(id)" data-name="\(name)" aria-describedby="\(describedBy)">
                <legend>\(label)\(marker)</legend>\(helpHTML)<div class="choices">\(radios)</div>\(errorHTML)</fieldset>
                """
        }
        switch p.type {
        case .enum, .bool:
            var options = p.type == .bool ? [("true", t("yes")), ("false", t("no"))] : p.options.map { (Self.text(of: $0), Self.escape(Self.text(of: $0))) }
            if p.nullable || !p.required { options.insert(("", t("not_given")), at: 0) }
            let chosen = prefill.map(Self.text(of:)) ?? ""
            let list = options.map { "<option value=\"\(Self.escape($0.0))\"\($0.0 == chosen ? " selected" : "")>\($0.1)</option>" }.joined()
            return """
                <div class="field"><label for="\(id)">\(label)\(marker)</label>\(helpHTML)
                <select id="\(id)" name="\(name)" aria-describedby="\(describedBy)"\(required)>\(list)</select>\(errorHTML)</div>
                """
        case .int, .float:
            var attributes = " type=\"text\" inputmode=\"\(p.type == .int ? "numeric" : "decimal")\""
            if let v = p.minimum { attributes += " data-min=\"\(Self.plain(v))\"" }
            if let v = p.maximum { attributes += " data-max=\"\(Self.plain(v))\"" }
            let value = prefill.flatMap { $0 == .null ? nil : Self.text(of: $0) } ?? ""
            let unit = p.unit.map { "<span class=\"unit\" id=\"\(id)-unit\">\(Self.escape($0))</span>" } ?? ""
            return """
                <div class="field"><label for="\(id)">\(label)\(marker)</label>\(helpHTML)
                <div class="with-unit"><input id="\(id)" name="\(name)"\(attributes) value="\(Self.escape(value))" autocomplete="off" aria-describedby="\(describedBy)\(p.unit == nil ? "" : " \(id)-unit")"\(required)>\(unit)</div>\(errorHTML)</div>
                """
        case .str:
            var attributes = ""
            if let v = p.maxLength { attributes += " maxlength=\"\(v)\"" }
            let value = prefill.flatMap { $0 == .null ? nil : Self.text(of: $0) } ?? ""
            return """
                <div class="field"><label for="\(id)">\(label)\(marker)</label>\(helpHTML)
                <input id="\(id)" name="\(name)" type="text" value="\(Self.escape(value))"\(attributes) aria-describedby="\(describedBy)"\(required)>\(errorHTML)</div>
                """
        }
    }

    /// What matters most to the model: each parameter's mean |contribution| over reference
    /// rows, ranked, as bars (text, so it needs no script); empty when the route cannot explain.
    private func importance(_ route: Route) -> String {
        guard case .available(let explainer) = route.pipeline.explanation, let top = explainer.importance.first?.meanAbsolute,
              top > 0 else { return "" }
        let labels = Dictionary(route.parameters.map { ($0.name, $0.label?.text(for: language.rawValue) ?? Self.label($0.name)) },
                                uniquingKeysWith: { a, _ in a })
        let items = explainer.importance.map { entry -> String in
            let name = entry.parameters.count == 1 ? (labels[entry.parameters[0]] ?? entry.name)
                : entry.parameters.map { labels[$0] ?? $0 }.joined(separator: ", ")
            let share = 100 * entry.meanAbsolute / top
            return """
                <li class="bar"><span class="name">\(Self.escape(name))</span><span class="track" aria-hidden="true"><span class="fill" style="width:\(String(format: "%.1f", share))%"></span></span><span class="pct">\(String(format: "%.0f", share))</span></li>
                """
        }
        return """
            <section class="importance" aria-labelledby="importance-title">
            <h2 id="importance-title">\(t("importance"))</h2>
            <p class="note">\(t("importance_help", String(explainer.importanceRows)))</p>
            <ol class="bars">\(items.joined())</ol>
            </section>
            """
    }

    /// `ApplicantIncome` → `Applicant income`, `year_built` → `Year built`.
    static func label(_ name: String) -> String {
        var words: [String] = []
        var current = ""
        let characters = Array(name)
        for (index, c) in characters.enumerated() {
            if c == "_" || c == "-" || c == " " || c == "." {
                if !current.isEmpty { words.append(current) }
                current = ""
                continue
            }
            let startsWord = c.isUppercase && !current.isEmpty
                && (current.last?.isLowercase == true || (index + 1 < characters.count && characters[index + 1].isLowercase))
            if startsWord {
                words.append(current)
                current = ""
            }
            current.append(c)
        }
        if !current.isEmpty { words.append(current) }
        let joined = words.enumerated().map { index, word in
            // Acronyms (all capitals) stay as written.
            word.count > 1 && word == word.uppercased() ? word : (index == 0 ? word.prefix(1).uppercased() + word.dropFirst().lowercased() : word.lowercased())
        }.joined(separator: " ")
        return joined.isEmpty ? name : joined
    }

    /// An id-safe form of a parameter name (the field's index before it keeps ids unique).
    static func slug(_ name: String) -> String {
        String(name.unicodeScalars.map { CharacterSet.alphanumerics.contains($0) && $0.isASCII ? Character($0) : "_" })
    }

    static func text(of value: JSONValue) -> String {
        switch value {
        case .string(let s): return s
        case .bool(let b): return b ? "true" : "false"
        case .number(let n): return n.description
        case .null: return ""
        default: return value.serializedString
        }
    }

    static func plain(_ value: Double) -> String {
        value.rounded() == value && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }

    static func number(_ value: Double, _ unit: String?) -> String { plain(value) + (unit.map { " \($0)" } ?? "") }
}
