import AugurStore

/// Which of a route's values are compared with which reference columns.
extension DriftMonitor {
    /// Values a route's window may hold (rows × features): 80 MB of doubles.
    static let maxCells = 10_000_000

    /// The monitor of a route whose model has reference statistics; `previous` (the route's
    /// monitor before a reload) is kept when it watches the same features against the same
    /// statistics. Nil when monitoring is off or nothing matches.
    static func make(route: String, parameters: [String], features: FeatureBuilder, statistics: ReferenceStatistics,
                     modelTag: String, settings: MonitoringSettings, previous: DriftMonitor?) -> DriftMonitor? {
        guard settings.enabled, !statistics.features.isEmpty else { return nil }
        let columns = modelColumns(features, header: statistics.features.map(\.name))
        var chosen: [Feature] = []
        var unmonitored: [(name: String, reason: String)] = []
        var covered = Set<Int>()
        for stats in statistics.features {
            guard let reference = ReferenceDistribution(stats) else {
                unmonitored.append((stats.name, "the reference has no value to compare with (every cell missing, or no histogram)"))
                continue
            }
            if let column = columns.first(where: { $0.name == stats.name }) {
                let bare = column.reads.count == 1 && parameters[column.reads[0]] == column.source
                chosen.append(Feature(reference: reference, reader: bare ? .parameter(column.reads[0]) : .column(column.expression),
                                      source: bare ? "parameter" : "column", expression: bare ? nil : column.source))
                covered.formUnion(column.reads)
            } else if let index = parameters.firstIndex(of: stats.name) {
                chosen.append(Feature(reference: reference, reader: .parameter(index), source: "parameter", expression: nil))
                covered.insert(index)
            } else {
                unmonitored.append((stats.name, "no parameter or model column of this route has this name"))
            }
        }
        for (index, name) in parameters.enumerated() where !covered.contains(index) {
            unmonitored.append((name, "not in the reference data"))
        }
        guard !chosen.isEmpty else { return nil }
        // The window holds at most `maxCells` values: a wide reference gets fewer rows.
        var settings = settings
        settings.windowRows = Swift.min(settings.windowRows, Swift.max(1, maxCells / chosen.count))
        settings.minRows = Swift.min(settings.minRows, settings.windowRows)
        let made = DriftMonitor(route: route, settings: settings, statistics: statistics, modelTag: modelTag, features: chosen,
                                unmonitored: unmonitored, parameters: parameters)
        if let previous, previous.route == route, previous.watchesTheSame(as: made) { return previous }
        return made
    }

    /// The model's columns as the reference names them: a single [N, k] input takes the
    /// header's names when it has k of them (as `ReferenceRows` reads a reference CSV), a
    /// one-column input its own name, and a column of a wider input `input[j]`.
    static func modelColumns(_ features: FeatureBuilder, header: [String])
        -> [(name: String, expression: CompiledExpression, source: String, reads: [Int])]
    {
        features.inputs.flatMap { input in
            input.columns.indices.map { j in
                let name: String
                if features.inputs.count == 1, input.columns.count == header.count, input.rank == 2 || header.count == 1 {
                    name = header[j]
                } else {
                    name = input.columns.count == 1 ? input.name : "\(input.name)[\(j)]"
                }
                return (name, input.columns[j], input.sources[j], input.parameters[j])
            }
        }
    }
}
