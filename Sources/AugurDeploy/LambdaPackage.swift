import AugurService
import Foundation

/// The AWS Lambda function package of `augur build --lambda`: at the zip's root a `bootstrap`
/// (`augur lambda` on the packed service), the `augur` binary, and `service/` holding
/// `augur.yaml` and every model file it names, at the same paths relative to it. Plus a SAM
/// template deploying it behind an HTTP API (and optionally a Function URL).
public struct LambdaPackage: Sendable {
    public struct Problem: Error, CustomStringConvertible {
        public let description: String
    }

    public static let bootstrap = """
        #!/bin/sh
        # Written by `augur build --lambda`: the function's runtime is `augur lambda`.
        here=$(dirname "$0")
        exec "$here/augur" lambda "$here/service"

        """

    /// The files to pack: relative path, contents, mode.
    public static func entries(configuration: ServiceConfiguration, binary: [UInt8]) throws -> [ZipArchive.Entry] {
        let config = URL(fileURLWithPath: configuration.path).standardizedFileURL.resolvingSymlinksInPath()
        let folder = config.deletingLastPathComponent().path
        var entries = [
            ZipArchive.Entry(path: "bootstrap", bytes: Array(bootstrap.utf8), mode: 0o755),
            ZipArchive.Entry(path: "augur", bytes: binary, mode: 0o755),
            ZipArchive.Entry(path: "service/augur.yaml", bytes: [UInt8](try Data(contentsOf: config))),
        ]
        var packed: Set<String> = []
        for model in configuration.models {
            switch model.source {
            case .file(let path):
                guard path.hasPrefix(folder + "/") else {
                    throw Problem(description: "model '\(model.name)' is the file '\(path)', outside the configuration's folder '\(folder)'; move it there (with a path relative to augur.yaml) to pack it.")
                }
                let relative = String(path.dropFirst(folder.count + 1))
                guard packed.insert(relative).inserted else { continue }
                entries.append(.init(path: "service/\(relative)", bytes: [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))))
            case .store, .mlflow:
                throw Problem(description: "model '\(model.name)' is \(model.source), a reference the package cannot resolve yet; give the model as a file next to augur.yaml (`augur models export` writes one).")
            }
        }
        return entries
    }

    /// A SAM template: the function on `provided.al2023` behind an HTTP API (every path and
    /// method), optionally with a Function URL.
    public static func samTemplate(name: String, codeURI: String, memory: Int, timeout: Int, architecture: String,
                                   functionURL: Bool) throws -> String {
        var properties = JSONObject([
            ("CodeUri", .string(codeURI)), ("Handler", "bootstrap"), ("Runtime", "provided.al2023"),
            ("Architectures", .array([.string(architecture)])), ("MemorySize", .integer(memory)), ("Timeout", .integer(timeout)),
            ("Environment", .object(JSONObject([("Variables", .object(JSONObject([("AUGUR_HOME", "/tmp/augur")])))]))),
            ("Events", .object(JSONObject([
                ("Api", .object(JSONObject([("Type", "HttpApi"),
                                            ("Properties", .object(JSONObject([("Path", "/{proxy+}"), ("Method", "ANY")])))]))),
            ]))),
        ])
        var outputs = JSONObject([
            ("ApiUrl", .object(JSONObject([
                ("Description", "The HTTP API in front of the function"),
                ("Value", .object(JSONObject([("Fn::Sub", "https://${ServerlessHttpApi}.execute-api.${AWS::Region}.amazonaws.com/")]))),
            ]))),
        ])
        if functionURL {
            properties.append("FunctionUrlConfig", .object(JSONObject([("AuthType", "AWS_IAM")])))
            outputs.append("FunctionUrl", .object(JSONObject([
                ("Description", "The function's URL (IAM-authenticated)"),
                ("Value", .object(JSONObject([("Fn::GetAtt", "AugurFunctionUrl.FunctionUrl")]))),
            ])))
        }
        let template: JSONValue = .object(JSONObject([
            ("AWSTemplateFormatVersion", "2010-09-09"),
            ("Transform", "AWS::Serverless-2016-10-31"),
            ("Description", .string("\(name): an Augur prediction API on AWS Lambda (written by augur build --lambda)")),
            ("Resources", .object(JSONObject([
                ("AugurFunction", .object(JSONObject([("Type", "AWS::Serverless::Function"), ("Properties", .object(properties))]))),
            ]))),
            ("Outputs", .object(outputs)),
        ]))
        return try YAMLText.document(template)
    }
}
