/// A checked, immutable, ready-to-run graph. Shared by all requests; each run has its own slots.
///
/// Built once from a `Graph`: nodes are ordered, wiring and types are checked, nodes whose
/// inputs are all constants are computed ahead of time, and every value gets a slot that is
/// released after its last use.
public struct Plan: Sendable {
    public let inputs: [Graph.Input]
    public let outputs: [(name: String, type: ValueType)]
    /// How many nodes of each operator label ran ahead of time (constant folding).
    public let foldedNodeCount: Int

    struct Step: Sendable {
        let label: String
        let op: any Operator
        let inputSlots: [Int?]
        let outputSlots: [Int?]
        let release: [Int]
    }

    let steps: [Step]
    /// The most inputs any step takes (the capacity of the reused argument array).
    let maxStepInputs: Int
    let template: [Value?]
    let inputSlots: [Int]
    let outputSlots: [Int]

    public init(_ graph: Graph) throws {
        var compiler = PlanCompiler(graph)
        try compiler.compile()
        inputs = graph.inputs
        outputs = compiler.outputTypes
        foldedNodeCount = compiler.folded
        steps = compiler.steps
        maxStepInputs = compiler.steps.map(\.inputSlots.count).max() ?? 0
        template = compiler.template
        inputSlots = compiler.graphInputSlots
        outputSlots = compiler.graphOutputSlots
    }

    /// Runs the plan on inputs given in the order of `inputs`; returns outputs in the order of
    /// `outputs`.
    public func run(_ feeds: [Value]) throws -> [Value] {
        let slots = try execute(feeds, before: steps.count)
        var result = [Value]()
        result.reserveCapacity(outputSlots.count)
        for (index, slot) in outputSlots.enumerated() {
            guard let value = slots[slot] else {
                throw EngineError(.missingInput, "output '\(outputs[index].name)' was not computed.")
            }
            result.append(value)
        }
        return result
    }

    /// The step indices whose operator is a `T` (a tree ensemble, a linear model), in run order.
    public func steps<T: Operator>(running type: T.Type) -> [(index: Int, op: T)] {
        steps.indices.compactMap { index in (steps[index].op as? T).map { (index, $0) } }
    }

    /// The inputs step `index` receives when the plan runs on `feeds`; the steps after it do
    /// not run. What an explainer needs: the rows a model's tree ensemble actually reads.
    public func inputs(ofStep index: Int, _ feeds: [Value]) throws -> [Value?] {
        guard steps.indices.contains(index) else {
            throw EngineError(.invalidGraph, "the plan has no step \(index).")
        }
        let slots = try execute(feeds, before: index)
        return steps[index].inputSlots.map { slot in slot.flatMap { slots[$0] } }
    }

    /// Checks and places `feeds`, then runs the steps before `end`; returns the slots.
    private func execute(_ feeds: [Value], before end: Int) throws -> [Value?] {
        guard feeds.count == inputs.count else {
            throw EngineError(.missingInput, "expected \(inputs.count) inputs, got \(feeds.count).")
        }
        var slots = template
        for (index, feed) in feeds.enumerated() {
            try check(feed, against: inputs[index])
            slots[inputSlots[index]] = feed
        }
        // Steps are read in place (no copy of each step's arrays) and one argument array is
        // reused by every step.
        var args = [Value?]()
        args.reserveCapacity(maxStepInputs)
        try steps.withUnsafeBufferPointer { steps in
            for index in 0..<end {
                args.removeAll(keepingCapacity: true)
                for slot in steps[index].inputSlots { args.append(slot.flatMap { slots[$0] }) }
                let results: [Value]
                do {
                    results = try steps[index].op.run(args)
                } catch var error as EngineError {
                    if error.node == nil { error.node = steps[index].label }
                    throw error
                }
                for (slot, value) in zip(steps[index].outputSlots, results) {
                    if let slot { slots[slot] = value }
                }
                for slot in steps[index].release { slots[slot] = nil }
            }
        }
        return slots
    }

    /// Runs the plan on named inputs; returns every output by name.
    public func run(_ feeds: [String: Value]) throws -> [String: Value] {
        let missing = inputs.filter { feeds[$0.name] == nil }.map { "'\($0.name)'" }
        guard missing.isEmpty else {
            throw EngineError(.missingInput, "missing input \(missing.joined(separator: ", ")).")
        }
        let unknown = feeds.keys.filter { name in !inputs.contains { $0.name == name } }.sorted()
        guard unknown.isEmpty else {
            throw EngineError(.missingInput,
                "unknown input \(unknown.map { "'\($0)'" }.joined(separator: ", ")); the model takes \(inputs.map { "'\($0.name)'" }.joined(separator: ", ")).")
        }
        let values = try run(inputs.compactMap { feeds[$0.name] })
        var named = [String: Value]()
        for (output, value) in zip(outputs, values) { named[output.name] = value }
        return named
    }

    private func check(_ feed: Value, against input: Graph.Input) throws {
        switch (feed, input.type) {
        case (.tensor(let tensor), .tensor(let expected)):
            guard tensor.elementType == expected.elementType else {
                throw EngineError(.typeMismatch,
                    "input '\(input.name)' must be \(expected.elementType), not \(tensor.elementType).")
            }
            guard expected.accepts(tensor) else {
                throw EngineError(.shapeMismatch,
                    "input '\(input.name)' has shape \(tensor.shape); the model expects \(expected).")
            }
        case (.maps, .maps):
            return
        default:
            throw EngineError(.typeMismatch, "input '\(input.name)' must be \(input.type), not \(feed.type).")
        }
    }
}
