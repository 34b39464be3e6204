import Yams

/// The parts of an MLflow `MLmodel` file Augur reads: which flavors a model has and, for the
/// `onnx` flavor, the file holding the model (`flavors.onnx.data`, `model.onnx` for
/// `mlflow.onnx.log_model`). The YAML is composed into plain nodes; no tag is constructed into
/// an object and nothing in it is executed.
struct MLflowModelFile: Equatable {
    /// Flavor names in file order (`onnx`, `python_function`, `sklearn`, …).
    let flavors: [String]
    /// `flavors.onnx.data`, when there is an onnx flavor with a string `data`.
    let onnxData: String?

    enum Problem: Error, Equatable {
        /// Not YAML, or YAML without a `flavors` mapping; the text says what.
        case malformed(String)
    }

    init(yaml text: String) throws(Problem) {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw .malformed("it is not valid YAML (\(String(describing: error).prefix(200)))")
        }
        guard let flavors = root?["flavors"]?.mapping else {
            throw .malformed("it has no 'flavors' mapping")
        }
        self.flavors = flavors.keys.map { $0.string ?? "?" }
        self.onnxData = flavors["onnx"]?["data"]?.scalar?.string
    }
}
