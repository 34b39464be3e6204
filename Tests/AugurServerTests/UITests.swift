@testable import AugurServer
import AugurService
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// The end-user forms at /ui, in process: what each page holds for every example, languages,
/// assets, `server.ui: false`, and the open paths under auth. scripts/ui/check.py drives the
/// same pages in a real browser (submitting, errors on fields, CSV, axe).
@Suite struct UITests {
    struct Page {
        let status: Int
        let body: String
        let headers: HTTPFields
    }

    func get(_ uri: String, service: Service, headers: HTTPFields = [:]) async throws -> Page {
        try await Support.app(service).test(.router) { client in
            try await client.execute(uri: uri, method: .get, headers: headers) { response in
                Page(status: Int(response.status.code), body: String(buffer: response.body), headers: response.headers)
            }
        }
    }

    /// Each `<input>`, `<select>` and radio has a label naming its id, and ids are unique.
    static func labelsAndIDs(_ html: String) -> (unlabelled: [String], duplicates: [String]) {
        let ids = html.matches(of: /\sid="([^"]+)"/).map { String($0.1) }
        let labelled = Set(html.matches(of: /<label[^>]*\sfor="([^"]+)"/).map { String($0.1) })
        let controls = html.matches(of: /<(?:input|select)[^>]*\sid="([^"]+)"/).map { String($0.1) }
        var seen: Set<String> = [], duplicates: [String] = []
        for id in ids where !seen.insert(id).inserted { duplicates.append(id) }
        return (controls.filter { !labelled.contains($0) }, duplicates)
    }

    @Test(arguments: Support.exampleNames) func everyExampleHasAFormPerRoute(_ example: String) async throws {
        let service = try await Support.service(example)
        let index = try await get("/ui", service: service)
        #expect(index.status == 200 && index.headers[.contentType] == "text/html; charset=utf-8")
        #expect(index.headers[.vary] == "Accept-Language" && index.headers[.contentLanguage] == "en")
        for route in service.routes {
            #expect(index.body.contains("href=\"/ui/\(route.name)?lang=en\""))
            let form = try await get("/ui/\(route.name)", service: service)
            #expect(form.status == 200)
            #expect(form.body.contains("<form id=\"augur-form\" method=\"get\" action=\"/\(route.name)\""))
            #expect(form.body.contains("role=\"status\""))
            for parameter in route.parameters { #expect(form.body.contains("name=\"\(parameter.name)\""), "\(example): \(parameter.name)") }
            let (unlabelled, duplicates) = Self.labelsAndIDs(form.body)
            #expect(unlabelled.isEmpty && duplicates.isEmpty, "\(example)/\(route.name): unlabelled \(unlabelled), duplicate ids \(duplicates)")
            // Nothing from another origin.
            #expect(!form.body.contains("http://") && !form.body.contains("https://"))
        }
    }

    @Test func controlsFollowTypesAndConstraints() async throws {
        let service = try await Support.service("energy")
        let html = try await get("/ui/energy_use", service: service).body
        // An enum of 10 options: a select, the example chosen.
        #expect(html.contains(#"<select id="f0-primary_use" name="primary_use""#) && html.contains(#"<option value="Office" selected>"#))
        // Numbers: bounds and whole numbers explained, the example prefilled, the unit beside it.
        #expect(html.contains("At least 1850. At most 2026. A whole number."))
        #expect(html.contains(#"value="120000""#) && html.contains(#"<span class="unit" id="f4-gross_floor_area-unit">sq ft</span>"#))
        #expect(html.contains("More than 0 sq ft."))
        // Optional parameters are marked; required ones carry required and a visible *.
        #expect(html.contains(#"Number of buildings <span class="opt">(optional)</span>"#))
        #expect(html.contains(#"name="year_built" type="text" inputmode="numeric""#) && html.contains("aria-required=\"true\""))
        // A bool with a default: radios in a fieldset, the default checked.
        #expect(html.contains(#"<legend>Uses steam"#) && html.contains(#"value="false" checked> No"#))
        // A rule is explained on the field the server will name.
        #expect(html.contains("Floor area used for parking (PropertyGFAParking). At least 0 sq ft. The parking area must be smaller"))
        // The script's configuration: types and bounds for its checks, the batch limit.
        #expect(html.contains(#""maxBatch":1000"#) && html.contains(#""name":"energy_star_score","type":"int","required":false,"nullable":true"#))
    }

    @Test func languagesFromTheQueryThenAcceptLanguage() async throws {
        let service = try await Support.service("loan")
        let french = try await get("/ui/loan_status", service: service, headers: [.acceptLanguage: "de-DE, fr-CA;q=0.8, en;q=0.5"])
        #expect(french.body.contains("<html lang=\"fr\">") && french.body.contains(">Prédire</button>") && french.headers[.contentLanguage] == "fr")
        let portuguese = try await get("/ui/loan_status?lang=pt", service: service, headers: [.acceptLanguage: "fr"])
        #expect(portuguese.body.contains("<html lang=\"pt\">") && portuguese.body.contains(">Prever</button>"))
        let spanish = try await get("/ui?lang=ES", service: service)
        #expect(spanish.body.contains("<html lang=\"es\">"))
        let fallback = try await get("/ui", service: service, headers: [.acceptLanguage: "de, *;q=0.1"])
        #expect(fallback.body.contains("<html lang=\"en\">"))
        for language in ["en", "pt", "es", "fr"] { #expect(french.body.contains("href=\"?lang=\(language)\"")) }
        #expect(french.body.contains(#"aria-current="true">Français"#))
    }

    @Test func assetsAreServedAndAnythingElseIsNotFound() async throws {
        let service = try await Support.service("loan")
        let css = try await get("/ui/assets/augur.css", service: service)
        #expect(css.status == 200 && css.headers[.contentType] == "text/css; charset=utf-8" && css.headers[.cacheControl] == "public, max-age=86400")
        let js = try await get("/ui/assets/augur.js", service: service)
        #expect(js.status == 200 && js.body.contains("augur-config"))
        for missing in ["/ui/assets/other.js", "/ui/no_such_route", "/ui/assets/..%2Faugur.css"] {
            let page = try await get(missing, service: service)
            #expect(page.status == 404 && page.body.contains("\"type\":\"not_found\""), "\(missing)")
        }
        // The page weight the issue bounds (100 KB with its assets).
        let form = try await get("/ui/loan_status", service: service)
        #expect(form.body.utf8.count + css.body.utf8.count + js.body.utf8.count < 100_000)
    }

    @Test func textIsEscaped() async throws {
        #expect(UIPage.escape(#"<script>"x" & 'y'</script>"#) == "&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt;")
    }

    /// Texts per language in augur.yaml: the form shows the reader's, the API keeps English.
    @Test func routeTextsPerLanguage() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("augur-ui-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.copyItem(at: Support.examples.appendingPathComponent("loan/model.onnx"), to: folder.appendingPathComponent("model.onnx"))
        try FileManager.default.copyItem(at: Support.examples.appendingPathComponent("loan/train.csv"), to: folder.appendingPathComponent("train.csv"))
        var yaml = try String(contentsOf: Support.examples.appendingPathComponent("loan/augur.yaml"), encoding: .utf8)
        for (old, new) in [
            ("  title: Loan approval\n", "  title: {en: Loan approval, fr: Demande de prêt, pt-BR: Aprovação de empréstimo}\n"),
            ("    description: Approve or refuse a loan application.\n", "    description: {en: Approve or refuse a loan application., fr: Accepter ou refuser une demande.}\n"),
            ("        description: Monthly income of the applicant.\n", "        description: {en: Monthly income of the applicant., fr: Revenu mensuel du demandeur.}\n        label: {en: Applicant's income, fr: Revenu du demandeur}\n"),
            ("        message: The loan amount may be at most 100 times the total monthly income.\n",
             "        message:\n          en: The loan amount may be at most 100 times the total monthly income.\n          fr: Le prêt peut valoir au plus 100 fois le revenu mensuel total.\n"),
        ] {
            #expect(yaml.contains(old))
            yaml = yaml.replacingOccurrences(of: old, with: new)
        }
        try yaml.write(to: folder.appendingPathComponent("augur.yaml"), atomically: true, encoding: .utf8)
        let service = try await Service.load(configuration: try ServiceConfiguration.load(contentsOf: folder.path))
        #expect(service.configuration.title == "Loan approval")
        let french = try await get("/ui/loan_status?lang=fr", service: service).body
        #expect(french.contains("<h1>Accepter ou refuser") == false && french.contains("<p class=\"lead\">Accepter ou refuser une demande.</p>"))
        #expect(french.contains(">Revenu du demandeur <span class=\"req\"") && french.contains("Revenu mensuel du demandeur."))
        #expect(french.contains("Le prêt peut valoir au plus 100 fois le revenu mensuel total."))
        #expect(french.contains("Demande de prêt</a></p>"))
        let brazilian = try await get("/ui", service: service, headers: [.acceptLanguage: "pt-BR"]).body
        #expect(brazilian.contains("<h1>Aprovação de empréstimo</h1>"))
        let spanish = try await get("/ui/loan_status?lang=es", service: service).body
        #expect(spanish.contains(">Applicant&#39;s income <span") && spanish.contains("Monthly income of the applicant."))
        // The API answers in the default text; the OpenAPI rule carries its translations.
        let route = try #require(service.route(named: "loan_status"))
        #expect(route.description == "Approve or refuse a loan application.")
        #expect(route.requestSchema()["x-augur-rules"]?[0]?["messages"]?["fr"]?.string == "Le prêt peut valoir au plus 100 fois le revenu mensuel total.")
        // A key that is not a language tag is a configuration error at its line.
        try yaml.replacingOccurrences(of: "fr: Revenu du demandeur", with: "french: Revenu du demandeur")
            .write(to: folder.appendingPathComponent("augur.yaml"), atomically: true, encoding: .utf8)
        #expect(throws: ConfigErrors.self) { try ServiceConfiguration.load(contentsOf: folder.path) }
    }

    @Test func turnedOffWithServerUIFalse() async throws {
        var configuration = try ServiceConfiguration.load(contentsOf: Support.examples.appendingPathComponent("loan/augur.yaml").path)
        configuration.ui = false
        let service = try await Service.load(configuration: configuration)
        let page = try await get("/ui", service: service)
        #expect(page.status == 404)
        let docs = try await get("/docs", service: service)
        #expect(!docs.body.contains("/ui"))
        let on = try await get("/docs", service: try await Support.service("loan"))
        #expect(on.body.contains("<a href=\"/ui\">"))
    }
}
