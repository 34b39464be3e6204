import AugurStore
import Testing

@Suite struct MLflowReferenceTests {
    @Test func parsesTheThreeForms() throws {
        #expect(try MLflowReference(parsing: "models:/loan/3") == MLflowReference(name: "loan", selector: .version("3")))
        #expect(try MLflowReference(parsing: "models:/loan@champion") == MLflowReference(name: "loan", selector: .alias("champion")))
        #expect(try MLflowReference(parsing: "models:/loan/latest") == MLflowReference(name: "loan", selector: .latest))
    }

    @Test func normalisesLikeMLflow() throws {
        #expect(try MLflowReference(parsing: "models:/loan/007").selector == .version("7"))
        #expect(try MLflowReference(parsing: "models:/loan/LATEST").selector == .latest)
        #expect(try MLflowReference(parsing: "models:/loan@latest").selector == .latest)
        // The last '@' separates the alias, as in MLflow's parser; '@' before a '/' is part of the name.
        #expect(try MLflowReference(parsing: "models:/a@b@prod") == MLflowReference(name: "a@b", selector: .alias("prod")))
        #expect(try MLflowReference(parsing: "models:/a@b/2") == MLflowReference(name: "a@b", selector: .version("2")))
    }

    @Test func keepsNamesLiterally() throws {
        let reference = try MLflowReference(parsing: "models:/loan eu+1/2")
        #expect(reference.name == "loan eu+1")
        #expect(try MLflowReference(parsing: "models:/loan%20eu/2").name == "loan%20eu")
        #expect(try MLflowReference(parsing: "models:/prêt@été").selector == .alias("été"))
    }

    @Test(arguments: ["models:/loan/3", "models:/loan@champion", "models:/loan/latest", "models:/loan eu+1/1"])
    func descriptionRoundTrips(_ text: String) throws {
        #expect(try MLflowReference(parsing: text).description == text)
    }

    @Test func tellsMovingReferences() throws {
        #expect(try !MLflowReference(parsing: "models:/loan/3").isMoving)
        #expect(try MLflowReference(parsing: "models:/loan@champion").isMoving)
        #expect(try MLflowReference(parsing: "models:/loan/latest").isMoving)
    }

    @Test func recognisesTheScheme() {
        #expect(MLflowReference.isMLflowURI("models:/loan/3"))
        #expect(MLflowReference.isMLflowURI("models:/"))
        #expect(!MLflowReference.isMLflowURI("loan:3"))
        #expect(!MLflowReference.isMLflowURI("runs:/abc/model"))
        #expect(!MLflowReference.isMLflowURI("Models:/loan/3"))
    }

    @Test(arguments: [
        "loan:3", "models:/", "models:/loan", "models:/loan/", "models:/ /1", "models:/loan/3/4",
        "models:/loan@", "models:/loan@bad alias", "models:/loan@a.b", "models:/lo:an/1", "models://loan/1",
        "models:/loan/-1", "models:/loan/0", "models:/loan/99999999999999999999", "models:/lo\u{0}an/1",
        "models:/loan@" + String(repeating: "a", count: 256), "models:/" + String(repeating: "n", count: 257) + "/1",
    ])
    func refusesMalformedReferences(_ text: String) {
        #expect(throws: StoreError.self) { try MLflowReference(parsing: text) }
    }

    @Test func explainsStagesAndLoggedModels() {
        let stage = #expect(throws: StoreError.self) { try MLflowReference(parsing: "models:/loan/Production") }
        #expect(stage?.kind == .invalidName)
        #expect(stage?.message.contains("'models:/loan@production'") == true)
        let logged = #expect(throws: StoreError.self) { try MLflowReference(parsing: "models:/m-0123abcd") }
        #expect(logged?.message.contains("logged model") == true)
        let missing = #expect(throws: StoreError.self) { try MLflowReference(parsing: "models:/loan") }
        #expect(missing?.message == "'models:/loan' is not a valid MLflow model URI: it has no version or alias; expected 'models:/NAME/VERSION', 'models:/NAME@ALIAS' or 'models:/NAME/latest'.")
    }
}
