import AugurEngine

/// Attribute readers shared by the ai.onnx.ml builders.
enum MLAttributes {
    /// Checks the node's input count.
    static func expectInputs(_ ctx: NodeContext, _ count: Int) throws {
        guard ctx.inputCount == count else {
            throw ctx.error("takes \(count) input\(count == 1 ? "" : "s"), not \(ctx.inputCount).")
        }
    }

    /// `post_transform` (default NONE), rejecting unknown names.
    static func postTransform(_ ctx: NodeContext) throws -> PostTransform {
        let name = try ctx.string("post_transform", default: "NONE")
        guard let transform = PostTransform(rawValue: name) else {
            throw ctx.error("post_transform",
                "unknown transform '\(name)'; expected NONE, LOGISTIC, SOFTMAX, SOFTMAX_ZERO or PROBIT.")
        }
        return transform
    }

    /// Exactly one of an integer list and a string list, non-empty (the `classlabels_*`,
    /// `cats_*` pairs). Returns which was given.
    static func intsOrStrings(_ ctx: NodeContext, ints: String, strings: String) throws
        -> (ints: [Int64]?, strings: [String]?)
    {
        let i = try ctx.int64s(ints).flatMap { $0.isEmpty ? nil : $0 }
        let s = try ctx.strings(strings).flatMap { $0.isEmpty ? nil : $0 }
        switch (i, s) {
        case (nil, nil):
            throw ctx.error(ints, "one of '\(ints)' and '\(strings)' is required.", code: .missingAttribute)
        case (.some, .some):
            throw ctx.error(ints, "only one of '\(ints)' and '\(strings)' may be given.")
        default:
            return (i, s)
        }
    }

    /// The one attribute among `names` that is present, or an error when none or several are.
    static func exactlyOne(_ ctx: NodeContext, of names: [String]) throws -> String {
        let present = names.filter(ctx.has)
        guard present.count == 1 else {
            let list = names.map { "'\($0)'" }.joined(separator: ", ")
            if present.isEmpty { throw ctx.error(names[0], "one of \(list) is required.", code: .missingAttribute) }
            throw ctx.error(present[1], "only one of \(list) may be given.")
        }
        return present[0]
    }
}
