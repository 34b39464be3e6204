import Testing
@testable import AugurEngine

@Suite struct PlanTests {
    @Test func identityPassesThrough() throws {
        let graph = Graph(
            inputs: [.init(name: "x", type: .tensor(TensorType(.float32, shape: [nil, 2])))],
            constants: [:],
            nodes: [.init(label: "'id' (Identity)", op: Identity(), inputs: ["x"], outputs: ["y"])],
            outputs: [.init(name: "y")])
        let plan = try Plan(graph)
        let x = try Tensor(float32: [1, 2, 3, 4], shape: [2, 2])
        #expect(try plan.run(["x": .tensor(x)])["y"] == .tensor(x))
    }

    @Test func danglingInputNamesTheNode() throws {
        let graph = Graph(
            inputs: [], constants: [:],
            nodes: [.init(label: "'id' (Identity)", op: Identity(), inputs: ["nowhere"], outputs: ["y"])],
            outputs: [.init(name: "y")])
        #expect(throws: EngineError(.invalidGraph, node: "'id' (Identity)",
            "input 'nowhere' is not a graph input, an initializer or the output of any node.")) { try Plan(graph) }
    }

    @Test func cycleIsRejected() throws {
        let graph = Graph(
            inputs: [], constants: [:],
            nodes: [.init(label: "'a' (Identity)", op: Identity(), inputs: ["b"], outputs: ["a"]),
                    .init(label: "'b' (Identity)", op: Identity(), inputs: ["a"], outputs: ["b"])],
            outputs: [.init(name: "a")])
        #expect(throws: EngineError.self) { try Plan(graph) }
    }

    @Test func wrongShapeAtRunTimeIsAnError() throws {
        let graph = Graph(
            inputs: [.init(name: "x", type: .tensor(TensorType(.float32, shape: [nil, 2])))],
            constants: [:],
            nodes: [.init(label: "'id' (Identity)", op: Identity(), inputs: ["x"], outputs: ["y"])],
            outputs: [.init(name: "y")])
        let plan = try Plan(graph)
        let x = try Tensor(float32: [1, 2, 3], shape: [1, 3])
        #expect(throws: EngineError.self) { try plan.run(["x": .tensor(x)]) }
    }
}
