import Foundation
import ArgumentParser
import AugurLambda
import AugurServer
import AugurService
import Logging

/// `augur lambda`: the function's `bootstrap` runs it. Models load once, during the init
/// phase; then each event is answered by the same routes, protocols and errors as `augur serve`.
struct Lambda: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve a configuration as an AWS Lambda function (the Runtime API loop; started by the function's bootstrap).")

    @Argument(help: "Configuration file, or a folder holding augur.yaml (default: $LAMBDA_TASK_ROOT).") var config: String?
    @Option(help: "Model store folder (default $AUGUR_HOME/models, else ~/.augur/models).") var store: String?
    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.") var logLevel: String = "warning"

    func run() async throws {
        var logger = Logger(label: "augur")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .warning
        guard let runtime = LambdaRuntime.fromEnvironment(logger: logger) else {
            throw CommandFailure("AWS_LAMBDA_RUNTIME_API is not set: `augur lambda` runs inside AWS Lambda (or its runtime interface emulator). Use `augur serve` elsewhere.")
        }
        let file = ConfigLocation.resolve(config ?? ProcessInfo.processInfo.environment["LAMBDA_TASK_ROOT"])
        let service: AugurService.Service
        do {
            service = try await ConfigLocation.loadService(file, store: store)
        } catch {
            await runtime.reportInitError("\(error)")
            throw error
        }
        let handler = LambdaHandler(server: AugurServer(service: service, settings: ServerSettings(host: "127.0.0.1", port: 0)), logger: logger)
        try await runtime.run { event, id in try await handler.handle(event, requestID: id) }
    }
}
