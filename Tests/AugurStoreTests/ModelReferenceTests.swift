import AugurStore
import Testing

@Suite struct ModelReferenceTests {
    @Test func parsesTheThreeForms() throws {
        #expect(try ModelReference(parsing: "loan") == ModelReference(name: "loan"))
        #expect(try ModelReference(parsing: "loan:3") == ModelReference(name: "loan", selector: .version("3")))
        #expect(try ModelReference(parsing: "loan@production") == ModelReference(name: "loan", selector: .alias("production")))
        #expect(try ModelReference(parsing: "loan@latest") == ModelReference(name: "loan"))
        #expect(try ModelReference(parsing: "loan:3").description == "loan:3")
    }

    @Test(arguments: ["", "../x", "a/b", "/abs", ".hidden", "x:..", "x@", "x@a/b", "x:3:4", "é", String(repeating: "a", count: 129), "a b"])
    func refusesUnsafeNames(_ text: String) {
        #expect(throws: StoreError.self) { try ModelReference(parsing: text) }
    }
}
