/// Everything the store keeps about one immutable model version (`version.json`).
public struct VersionRecord: Codable, Sendable, Equatable {
    public var name: String
    public var version: String
    /// Lowercase hex SHA-256 of the model file, checked on every load.
    public var sha256: String
    /// Size of the model file in bytes.
    public var size: Int
    /// UTC, ISO 8601 (`2026-11-22T03:10:16Z`).
    public var importedAt: String
    /// Import order within the model: `latest` is the highest.
    public var sequence: Int
    /// The model file inside the version folder.
    public var file: String
    /// Inputs, outputs, opsets and producer, as read by the importer.
    public var signature: SignatureRecord?
    /// Class code → display text (`--label 1=approved`).
    public var labels: [String: String]
    /// Free metadata: feature names, encodings, training metrics (`--meta key=value`).
    public var metadata: [String: String]
    /// Where the model came from: a file path or an MLflow `models:/` URI.
    public var source: String?
    /// True when `reference.json` (training statistics) was stored with the version.
    public var hasReference: Bool

    public init(name: String, version: String, sha256: String, size: Int, importedAt: String, sequence: Int,
                file: String = ModelStore.modelFileName, signature: SignatureRecord? = nil, labels: [String: String] = [:],
                metadata: [String: String] = [:], source: String? = nil, hasReference: Bool = false) {
        self.name = name
        self.version = version
        self.sha256 = sha256
        self.size = size
        self.importedAt = importedAt
        self.sequence = sequence
        self.file = file
        self.signature = signature
        self.labels = labels
        self.metadata = metadata
        self.source = source
        self.hasReference = hasReference
    }

    /// `name:version`.
    public var tag: String { "\(name):\(version)" }
}

/// A model's interface as stored with a version (types as the importer prints them).
public struct SignatureRecord: Codable, Sendable, Equatable {
    public struct Port: Codable, Sendable, Equatable {
        public var name: String
        public var type: String
        public init(name: String, type: String) {
            self.name = name
            self.type = type
        }
    }

    public var inputs: [Port]
    public var outputs: [Port]
    public var opsets: [String: Int]
    public var producer: String

    public init(inputs: [Port], outputs: [Port], opsets: [String: Int], producer: String) {
        self.inputs = inputs
        self.outputs = outputs
        self.opsets = opsets
        self.producer = producer
    }
}

/// Per-feature summary statistics of the training data (`--reference TRAIN.csv`), kept for
/// drift checks against live traffic.
public struct ReferenceStatistics: Codable, Sendable, Equatable {
    public var source: String
    public var rows: Int
    public var features: [FeatureStatistics]

    public init(source: String, rows: Int, features: [FeatureStatistics]) {
        self.source = source
        self.rows = rows
        self.features = features
    }
}

public struct FeatureStatistics: Codable, Sendable, Equatable {
    public struct Category: Codable, Sendable, Equatable {
        public var value: String
        public var count: Int
        public init(value: String, count: Int) {
            self.value = value
            self.count = count
        }
    }

    public var name: String
    /// `numeric` when every present value parses as a number, else `categorical`.
    public var kind: String
    /// Present (non-empty) values.
    public var count: Int
    /// Empty cells, `NA`, `NaN`, `null`.
    public var missing: Int
    public var mean: Double?
    public var std: Double?
    public var min: Double?
    public var max: Double?
    /// Quantiles at 1, 5, 25, 50, 75, 95 and 99 % (keys `p01` … `p99`), numeric only.
    public var quantiles: [String: Double]?
    /// Ten equal-width bins between min and max: 11 edges, 10 counts, numeric only.
    public var histogramEdges: [Double]?
    public var histogramCounts: [Int]?
    /// The most frequent values (at most 50) and the number of distinct values, categorical only.
    public var categories: [Category]?
    public var distinct: Int?

    public init(name: String, kind: String, count: Int, missing: Int) {
        self.name = name
        self.kind = kind
        self.count = count
        self.missing = missing
    }
}
