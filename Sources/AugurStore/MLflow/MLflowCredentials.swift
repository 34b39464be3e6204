import Foundation

/// How Augur authenticates to an MLflow tracking server, read from MLflow's own environment
/// variables. Never printed: `description` hides the secret.
public enum MLflowCredentials: Sendable, Hashable, CustomStringConvertible {
    /// `Authorization: Bearer TOKEN` (`MLFLOW_TRACKING_TOKEN`).
    case token(String)
    /// `Authorization: Basic …` (`MLFLOW_TRACKING_USERNAME` and `MLFLOW_TRACKING_PASSWORD`, as
    /// `mlflow server --app-name basic-auth` expects).
    case basic(username: String, password: String)

    /// The credentials MLflow's Python client would use: username and password when both are
    /// set (they win, as in MLflow), else the token, else none.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> MLflowCredentials? {
        if let username = environment["MLFLOW_TRACKING_USERNAME"], !username.isEmpty,
           let password = environment["MLFLOW_TRACKING_PASSWORD"], !password.isEmpty {
            return .basic(username: username, password: password)
        }
        if let token = environment["MLFLOW_TRACKING_TOKEN"], !token.isEmpty {
            return .token(token)
        }
        return nil
    }

    /// The value of the `Authorization` header.
    var headerValue: String {
        switch self {
        case .token(let token): return "Bearer \(token)"
        case .basic(let username, let password): return "Basic \(Data("\(username):\(password)".utf8).base64EncodedString())"
        }
    }

    public var description: String {
        switch self {
        case .token: return "bearer token (MLFLOW_TRACKING_TOKEN)"
        case .basic(let username, _): return "basic auth as '\(username)' (MLFLOW_TRACKING_USERNAME/PASSWORD)"
        }
    }
}
