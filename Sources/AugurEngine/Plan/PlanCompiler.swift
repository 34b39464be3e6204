/// Turns a `Graph` into the parts of a `Plan`: order, types, folded constants, slots.
struct PlanCompiler {
    let graph: Graph
    var steps: [Plan.Step] = []
    var template: [Value?] = []
    var graphInputSlots: [Int] = []
    var graphOutputSlots: [Int] = []
    var outputTypes: [(name: String, type: ValueType)] = []
    var folded = 0

    private var slotOf: [String: Int] = [:]
    private var types: [String: ValueType] = [:]
    private var constants: [String: Value] = [:]

    init(_ graph: Graph) { self.graph = graph }

    mutating func compile() throws {
        for input in graph.inputs {
            guard types[input.name] == nil else {
                throw EngineError(.invalidGraph, "graph input '\(input.name)' is declared twice.")
            }
            types[input.name] = input.type
        }
        for (name, value) in graph.constants where types[name] == nil {
            types[name] = value.type
            constants[name] = value
        }
        let order = try topologicalOrder()
        var live: [(node: Graph.Node, inputTypes: [ValueType?])] = []
        for index in order {
            let node = graph.nodes[index]
            let inputTypes: [ValueType?] = node.inputs.map { $0.isEmpty ? nil : types[$0] }
            let produced: [ValueType]
            do {
                produced = try node.op.outputTypes(for: inputTypes)
            } catch var error as EngineError {
                if error.node == nil { error.node = node.label }
                throw error
            }
            guard node.outputs.count <= produced.count else {
                throw EngineError(.invalidGraph, node: node.label,
                    "declares \(node.outputs.count) outputs; the operator has \(produced.count).")
            }
            for (name, type) in zip(node.outputs, produced) where !name.isEmpty { types[name] = type }
            if try fold(node) { folded += 1 } else { live.append((node, inputTypes)) }
        }
        try assignSlots(live.map(\.node))
    }

    /// Computes `node` now when all its inputs are constants. Returns whether it did.
    private mutating func fold(_ node: Graph.Node) throws -> Bool {
        let args = node.inputs.map { $0.isEmpty ? nil : constants[$0] }
        guard zip(node.inputs, args).allSatisfy({ $0.isEmpty || $1 != nil }) else { return false }
        let results: [Value]
        do {
            results = try node.op.run(args)
        } catch let error as EngineError {
            throw EngineError(.invalidGraph, node: node.label, "cannot compute constant: \(error.message)")
        }
        for (name, value) in zip(node.outputs, results) where !name.isEmpty { constants[name] = value }
        return true
    }

    /// Kahn's algorithm; names dangling inputs, duplicate producers and cycles.
    private func topologicalOrder() throws -> [Int] {
        var producer: [String: Int] = [:]
        for (index, node) in graph.nodes.enumerated() {
            for name in node.outputs where !name.isEmpty {
                if types[name] != nil || producer[name] != nil {
                    throw EngineError(.invalidGraph, node: node.label, "output '\(name)' is already defined elsewhere in the graph.")
                }
                producer[name] = index
            }
        }
        var pending = [Int](repeating: 0, count: graph.nodes.count)
        var consumers = [[Int]](repeating: [], count: graph.nodes.count)
        for (index, node) in graph.nodes.enumerated() {
            for name in node.inputs where !name.isEmpty {
                if let source = producer[name] {
                    pending[index] += 1
                    consumers[source].append(index)
                } else if types[name] == nil {
                    throw EngineError(.invalidGraph, node: node.label,
                        "input '\(name)' is not a graph input, an initializer or the output of any node.")
                }
            }
        }
        var ready = (0..<graph.nodes.count).filter { pending[$0] == 0 }
        var order: [Int] = []
        order.reserveCapacity(graph.nodes.count)
        while let next = ready.popLast() {
            order.append(next)
            for consumer in consumers[next] {
                pending[consumer] -= 1
                if pending[consumer] == 0 { ready.append(consumer) }
            }
        }
        guard order.count == graph.nodes.count else {
            let stuck = (0..<graph.nodes.count).filter { pending[$0] > 0 }.prefix(5).map { graph.nodes[$0].label }
            throw EngineError(.invalidGraph, "the graph has a cycle through \(stuck.joined(separator: ", ")).")
        }
        return stableOrder(order, producer: producer)
    }

    /// File order when the file is already sorted (the usual case), else Kahn's order.
    private func stableOrder(_ order: [Int], producer: [String: Int]) -> [Int] {
        let fileOrderValid = graph.nodes.enumerated().allSatisfy { index, node in
            node.inputs.allSatisfy { name in producer[name].map { $0 < index } ?? true }
        }
        return fileOrderValid ? Array(0..<graph.nodes.count) : order
    }

    private mutating func slot(for name: String) -> Int {
        if let slot = slotOf[name] { return slot }
        let slot = template.count
        slotOf[name] = slot
        template.append(nil)
        return slot
    }

    private mutating func assignSlots(_ live: [Graph.Node]) throws {
        for input in graph.inputs { graphInputSlots.append(slot(for: input.name)) }
        for output in graph.outputs {
            guard let type = types[output.name] else {
                throw EngineError(.invalidGraph, "graph output '\(output.name)' is not produced by any node.")
            }
            if let declared = output.declaredType { try checkDeclared(declared, inferred: type, output: output.name) }
            outputTypes.append((output.name, type))
            graphOutputSlots.append(slot(for: output.name))
        }
        var lastUse: [String: Int] = [:]
        for (index, node) in live.enumerated() {
            for name in node.inputs where !name.isEmpty { lastUse[name] = index }
        }
        let kept = Set(graph.outputs.map(\.name)).union(constants.keys)
        for (index, node) in live.enumerated() {
            let inputSlots = node.inputs.map { $0.isEmpty ? nil : slot(for: $0) }
            let outputSlots = node.outputs.map { $0.isEmpty ? nil : slot(for: $0) }
            let release = Set(node.inputs.filter { !$0.isEmpty && lastUse[$0] == index && !kept.contains($0) })
                .map { slot(for: $0) }
            steps.append(Plan.Step(label: node.label, op: node.op, inputSlots: inputSlots,
                                   outputSlots: outputSlots, release: release))
        }
        for (name, value) in constants where slotOf[name] != nil {
            template[slot(for: name)] = value
        }
    }

    private func checkDeclared(_ declared: ValueType, inferred: ValueType, output: String) throws {
        switch (declared, inferred) {
        case (.tensor(let d), .tensor(let i)):
            guard d.elementType == i.elementType else {
                throw EngineError(.typeMismatch,
                    "graph output '\(output)' is declared \(d.elementType) but computes \(i.elementType).")
            }
        case (.maps(let d), .maps(let i)):
            guard d == i else {
                throw EngineError(.typeMismatch, "graph output '\(output)' is declared \(declared) but computes \(inferred).")
            }
        default:
            throw EngineError(.typeMismatch, "graph output '\(output)' is declared \(declared) but computes \(inferred).")
        }
    }
}
