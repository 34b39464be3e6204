import AugurEngine
import AugurONNX
import Foundation
import Testing

/// Every model in Tests/Fixtures matches onnxruntime's recorded outputs.
@Suite struct FixtureTests {
    @Test(arguments: Fixture.all())
    func matchesOnnxRuntime(_ fixture: Fixture) throws {
        let model = try ONNXImporter().load(bytes: try Data(contentsOf: URL(fileURLWithPath: fixture.model.path)))
        let outputs = try model.plan.run(try fixture.inputs())
        let expected = try fixture.expected()
        #expect(Set(outputs.keys) == Set(expected.keys))
        for (name, reference) in expected.sorted(by: { $0.key < $1.key }) {
            guard let actual = outputs[name] else { continue }
            let problems = differences(actual, reference)
            #expect(problems.isEmpty, "output '\(name)': \(problems.joined(separator: "; "))")
        }
    }

    @Test func fixturesArePresent() {
        #expect(Fixture.all().count >= 40, "run scripts/make_fixtures.py")
    }
}
