import AugurService
import Foundation

/// The AWS Lambda function package of `augur build --lambda`: at the zip's root a `bootstrap`
/// (`augur lambda` on the packed service), the `augur` binary (with `lib/`, its shared
/// libraries and loader, when it is dynamic), and `service/`, the `ServiceBundle`. Plus a SAM
/// template deploying it behind an HTTP API (and optionally a Function URL).
public struct LambdaPackage: Sendable {
    /// The shared libraries of a dynamic binary, flattened into this folder.
    public static let libraryFolder = "lib"

    /// The function's entry point: `augur lambda` on the packed service, through the packed
    /// loader and libraries when the binary is dynamic (so it runs whatever glibc the runtime
    /// has: Amazon Linux 2023's 2.34 is older than a Debian 12 build's 2.36).
    public static func bootstrap(loader: String?) -> String {
        let run = loader.map { "\"$here/\(libraryFolder)/\($0)\" --library-path \"$here/\(libraryFolder)\" \"$here/augur\"" } ?? "\"$here/augur\""
        return """
            #!/bin/sh
            # Written by `augur build --lambda`: the function's runtime is `augur lambda`.
            here=$(dirname "$0")
            # The packed store (store references pinned at build time) is AUGUR_HOME's.
            export AUGUR_HOME="$here/service/\(ServiceBundle.homeFolder)"
            exec \(run) lambda "$here/service"

            """
    }

    /// The files to pack: `bootstrap`, `augur`, `lib/` for a dynamic binary, `service/`.
    public static func entries(bundle: ServiceBundle, executable: ExecutableFile, libraries: [(path: String, bytes: [UInt8])]) -> [ZipArchive.Entry] {
        let loader = executable.interpreter.map { URL(fileURLWithPath: $0).lastPathComponent }
        var entries = [ZipArchive.Entry(path: "bootstrap", bytes: Array(bootstrap(loader: loader).utf8), mode: 0o755),
                       ZipArchive.Entry(path: "augur", bytes: executable.bytes, mode: 0o755)]
        var names: Set<String> = []
        for library in libraries where names.insert(URL(fileURLWithPath: library.path).lastPathComponent).inserted {
            entries.append(.init(path: "\(libraryFolder)/\(URL(fileURLWithPath: library.path).lastPathComponent)", bytes: library.bytes, mode: 0o755))
        }
        return entries + bundle.files.map { $0.isDirectory ? .init(directory: "service/\($0.path)") : .init(path: "service/\($0.path)", bytes: $0.bytes) }
    }

    /// A SAM template: the function on `provided.al2023` behind an HTTP API (every path and
    /// method), optionally with a Function URL.
    public static func samTemplate(name: String, codeURI: String, memory: Int, timeout: Int, architecture: String,
                                   functionURL: Bool) throws -> String {
        var properties = JSONObject([
            ("CodeUri", .string(codeURI)), ("Handler", "bootstrap"), ("Runtime", "provided.al2023"),
            ("Architectures", .array([.string(architecture)])), ("MemorySize", .integer(memory)), ("Timeout", .integer(timeout)),
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
