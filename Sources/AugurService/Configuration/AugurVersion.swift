/// Augur's own version, as `GET /v2` and the MLflow protocol's `GET /version` report it.
public enum AugurVersion {
    public static let current = "0.3.0"
}
