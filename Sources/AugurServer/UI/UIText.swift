import Foundation
import AugurService

/// The interface languages of `/ui` (the seeds' languages) and every text the pages and their
/// script show, in each. Chosen by `?lang=`, else by `Accept-Language` (q-values honoured),
/// else English.
enum UILanguage: String, CaseIterable, Sendable {
    case en, pt, es, fr

    /// The language's own name, for the switcher.
    var name: String {
        switch self {
        case .en: "English"
        case .pt: "Português"
        case .es: "Español"
        case .fr: "Français"
        }
    }

    /// `?lang=` when it names a language, else the best `Accept-Language` match.
    static func choose(query: String?, acceptLanguage: String?) -> UILanguage {
        if let query, let language = UILanguage(rawValue: query.lowercased()) { return language }
        var best: (UILanguage, Double)?
        for item in (acceptLanguage ?? "").split(separator: ",") {
            let parts = item.split(separator: ";")
            let tag = parts.first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
            let primary = String(tag.prefix { $0 != "-" && $0 != "_" })
            var q = 1.0
            for parameter in parts.dropFirst() {
                let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                if pair.count == 2, pair[0] == "q", let value = Double(pair[1]) { q = value }
            }
            guard q > 0, let language = UILanguage(rawValue: primary) else { continue }
            if best == nil || q > best!.1 { best = (language, q) }
        }
        return best?.0 ?? .en
    }
}

/// One interface text in the four languages.
struct UIText: Sendable {
    let en: String, pt: String, es: String, fr: String

    func callAsFunction(_ language: UILanguage) -> String {
        switch language {
        case .en: en
        case .pt: pt
        case .es: es
        case .fr: fr
        }
    }
}

/// The texts, by key. `%1`, `%2` are filled in by the page or the script.
enum UITexts {
    static let all: [(key: String, text: UIText)] = [
        ("routes", UIText(en: "Predictions", pt: "Previsões", es: "Predicciones", fr: "Prédictions")),
        ("open_form", UIText(en: "Open the form", pt: "Abrir o formulário", es: "Abrir el formulario", fr: "Ouvrir le formulaire")),
        ("api_docs", UIText(en: "API documentation", pt: "Documentação da API", es: "Documentación de la API", fr: "Documentation de l’API")),
        ("all_routes", UIText(en: "All predictions", pt: "Todas as previsões", es: "Todas las predicciones", fr: "Toutes les prédictions")),
        ("language", UIText(en: "Language", pt: "Idioma", es: "Idioma", fr: "Langue")),
        ("skip", UIText(en: "Skip to the form", pt: "Ir para o formulário", es: "Ir al formulario", fr: "Aller au formulaire")),
        ("predict", UIText(en: "Predict", pt: "Prever", es: "Predecir", fr: "Prédire")),
        ("predicting", UIText(en: "Predicting…", pt: "A prever…", es: "Prediciendo…", fr: "Prédiction en cours…")),
        ("optional", UIText(en: "optional", pt: "opcional", es: "opcional", fr: "facultatif")),
        ("required_note", UIText(en: "Fields marked * are required.", pt: "Os campos marcados com * são obrigatórios.",
                                 es: "Los campos marcados con * son obligatorios.", fr: "Les champs marqués * sont obligatoires.")),
        ("not_given", UIText(en: "Not given", pt: "Não indicado", es: "Sin indicar", fr: "Non renseigné")),
        ("yes", UIText(en: "Yes", pt: "Sim", es: "Sí", fr: "Oui")),
        ("no", UIText(en: "No", pt: "Não", es: "No", fr: "Non")),
        ("at_least", UIText(en: "At least %1.", pt: "No mínimo %1.", es: "Como mínimo %1.", fr: "Au moins %1.")),
        ("at_most", UIText(en: "At most %1.", pt: "No máximo %1.", es: "Como máximo %1.", fr: "Au plus %1.")),
        ("more_than", UIText(en: "More than %1.", pt: "Mais de %1.", es: "Más de %1.", fr: "Plus de %1.")),
        ("less_than", UIText(en: "Less than %1.", pt: "Menos de %1.", es: "Menos de %1.", fr: "Moins de %1.")),
        ("whole_number", UIText(en: "A whole number.", pt: "Um número inteiro.", es: "Un número entero.", fr: "Un nombre entier.")),
        ("length", UIText(en: "%1 to %2 characters.", pt: "De %1 a %2 caracteres.", es: "De %1 a %2 caracteres.", fr: "De %1 à %2 caractères.")),
        ("example", UIText(en: "Example: %1.", pt: "Exemplo: %1.", es: "Ejemplo: %1.", fr: "Exemple : %1.")),
        ("rules", UIText(en: "Checks across fields", pt: "Verificações entre campos", es: "Comprobaciones entre campos", fr: "Contrôles entre champs")),
        ("result", UIText(en: "Result", pt: "Resultado", es: "Resultado", fr: "Résultat")),
        ("prediction", UIText(en: "Prediction", pt: "Previsão", es: "Predicción", fr: "Prédiction")),
        ("probabilities", UIText(en: "Probabilities", pt: "Probabilidades", es: "Probabilidades", fr: "Probabilités")),
        ("importance", UIText(en: "What matters most to this model", pt: "O que mais pesa para este modelo",
                              es: "Lo que más pesa para este modelo", fr: "Ce qui compte le plus pour ce modèle")),
        ("importance_help", UIText(en: "How much each value moves the answer on average over %1 known cases (100 for the strongest).",
                                   pt: "Quanto cada valor altera a resposta, em média, em %1 casos conhecidos (100 para o mais forte).",
                                   es: "Cuánto cambia cada valor la respuesta, en promedio, en %1 casos conocidos (100 para el más fuerte).",
                                   fr: "De combien chaque valeur modifie la réponse en moyenne sur %1 cas connus (100 pour la plus forte).")),
        ("why", UIText(en: "Why this answer", pt: "Porquê esta resposta", es: "Por qué esta respuesta", fr: "Pourquoi cette réponse")),
        ("why_start", UIText(en: "From the typical answer, %1, each value moved it by:",
                             pt: "A partir da resposta típica, %1, cada valor alterou-a em:",
                             es: "A partir de la respuesta típica, %1, cada valor la cambió en:",
                             fr: "À partir de la réponse typique, %1, chaque valeur l’a modifiée de :")),
        ("why_margin", UIText(en: "In the model's score before its %1 transform (the answer rises with it).",
                              pt: "Na pontuação do modelo antes da transformação %1 (a resposta sobe com ela).",
                              es: "En la puntuación del modelo antes de la transformación %1 (la respuesta sube con ella).",
                              fr: "Dans le score du modèle avant sa transformation %1 (la réponse monte avec lui).")),
        ("why_for", UIText(en: "For “%1”.", pt: "Para «%1».", es: "Para «%1».", fr: "Pour « %1 ».")),
        ("model", UIText(en: "Model %1, version %2", pt: "Modelo %1, versão %2", es: "Modelo %1, versión %2", fr: "Modèle %1, version %2")),
        ("fix", UIText(en: "Please correct these %1 problems:", pt: "Corrija estes %1 problemas:", es: "Corrija estos %1 problemas:", fr: "Veuillez corriger ces %1 problèmes :")),
        ("fix_one", UIText(en: "Please correct this problem:", pt: "Corrija este problema:", es: "Corrija este problema:", fr: "Veuillez corriger ce problème :")),
        ("unreachable", UIText(en: "The server could not be reached. Try again.", pt: "Não foi possível contactar o servidor. Tente de novo.",
                               es: "No se pudo contactar con el servidor. Inténtelo de nuevo.", fr: "Le serveur est injoignable. Réessayez.")),
        ("server_error", UIText(en: "The server answered with an error (%1).", pt: "O servidor respondeu com um erro (%1).",
                                es: "El servidor respondió con un error (%1).", fr: "Le serveur a répondu par une erreur (%1).")),
        ("batch", UIText(en: "Several at once: a CSV file", pt: "Vários de uma vez: um ficheiro CSV", es: "Varios a la vez: un archivo CSV",
                         fr: "Plusieurs à la fois : un fichier CSV")),
        ("batch_help", UIText(en: "One row per case, a header with the field names above. At most %1 rows.",
                              pt: "Uma linha por caso, com um cabeçalho com os nomes dos campos acima. No máximo %1 linhas.",
                              es: "Una fila por caso, con una cabecera con los nombres de los campos de arriba. Como máximo %1 filas.",
                              fr: "Une ligne par cas, avec un en-tête reprenant les noms des champs ci-dessus. Au plus %1 lignes.")),
        ("csv_file", UIText(en: "CSV file", pt: "Ficheiro CSV", es: "Archivo CSV", fr: "Fichier CSV")),
        ("predict_file", UIText(en: "Predict the file", pt: "Prever o ficheiro", es: "Predecir el archivo", fr: "Prédire le fichier")),
        ("download", UIText(en: "Download the results (CSV)", pt: "Descarregar os resultados (CSV)", es: "Descargar los resultados (CSV)",
                            fr: "Télécharger les résultats (CSV)")),
        ("row", UIText(en: "Row %1", pt: "Linha %1", es: "Fila %1", fr: "Ligne %1")),
        ("rows_done", UIText(en: "%1 rows predicted.", pt: "%1 linhas previstas.", es: "%1 filas predichas.", fr: "%1 lignes prédites.")),
        ("csv_empty", UIText(en: "The file has no rows.", pt: "O ficheiro não tem linhas.", es: "El archivo no tiene filas.", fr: "Le fichier ne contient aucune ligne.")),
        ("csv_too_many", UIText(en: "The file has %1 rows; at most %2 are allowed.", pt: "O ficheiro tem %1 linhas; o máximo é %2.",
                                es: "El archivo tiene %1 filas; el máximo es %2.", fr: "Le fichier contient %1 lignes ; %2 au plus sont permises.")),
        ("api_key", UIText(en: "API key", pt: "Chave da API", es: "Clave de la API", fr: "Clé d’API")),
        ("api_key_help", UIText(en: "This service asks for a key; it is sent with each request and not stored.",
                                pt: "Este serviço pede uma chave; é enviada com cada pedido e não é guardada.",
                                es: "Este servicio pide una clave; se envía con cada solicitud y no se guarda.",
                                fr: "Ce service demande une clé ; elle est envoyée avec chaque requête et n’est pas conservée.")),
        ("no_script", UIText(en: "Without JavaScript the form sends the values to the API, which answers in JSON.",
                             pt: "Sem JavaScript, o formulário envia os valores à API, que responde em JSON.",
                             es: "Sin JavaScript, el formulario envía los valores a la API, que responde en JSON.",
                             fr: "Sans JavaScript, le formulaire envoie les valeurs à l’API, qui répond en JSON.")),
        ("invalid_number", UIText(en: "Enter a number.", pt: "Introduza um número.", es: "Introduzca un número.", fr: "Saisissez un nombre.")),
        ("required_field", UIText(en: "This field is required.", pt: "Este campo é obrigatório.", es: "Este campo es obligatorio.", fr: "Ce champ est obligatoire.")),
        ("pattern", UIText(en: "The value does not have the expected form.", pt: "O valor não tem a forma esperada.",
                           es: "El valor no tiene la forma esperada.", fr: "La valeur n’a pas la forme attendue.")),
    ]

    static let byKey: [String: UIText] = Dictionary(uniqueKeysWithValues: all.map { ($0.key, $0.text) })

    static func text(_ key: String, _ language: UILanguage, _ arguments: [String]) -> String {
        var text = byKey[key].map { $0(language) } ?? key
        for (index, argument) in arguments.enumerated() { text = text.replacingOccurrences(of: "%\(index + 1)", with: argument) }
        return text
    }

    /// Every text in one language, for the page's script.
    static func json(_ language: UILanguage) -> JSONValue {
        .object(JSONObject(all.map { ($0.key, .string($0.text(language))) }))
    }
}
