import AugurEngine
import Foundation

/// The rows a benchmark feeds: read from a raw float32 file or drawn from a seeded generator,
/// then cut into consecutive batches made into input values up front.
struct RowPool {
    let features: Int
    /// Row-major values, `features` per row.
    let values: [Float]

    var rowCount: Int { values.count / features }

    /// The first `rows` rows (all when 0) of a little-endian float32 file.
    init(file path: String, features: Int, rows: Int) throws {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw BenchFailure("cannot read '\(path)': \(error.localizedDescription)")
        }
        guard data.count % (4 * features) == 0, !data.isEmpty else {
            throw BenchFailure("'\(path)' (\(data.count) bytes) is not a whole number of \(features)-feature float32 rows.")
        }
        let available = data.count / (4 * features)
        let count = (rows == 0 ? available : min(rows, available)) * features
        values = data.withUnsafeBytes { raw in
            (0..<count).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) }
        }
        self.features = features
    }

    /// `rows` rows of standard-normal values from a fixed seed.
    init(randomRows rows: Int, features: Int, seed: UInt64) {
        var generator = SplitMix64(seed: seed)
        values = (0..<(rows * features)).map { _ in generator.nextGaussian() }
        self.features = features
    }

    /// Consecutive batches of `size` rows (at least one batch; a short pool gives one short batch).
    func batches(of size: Int, elementType: ElementType, limit: Int = .max) throws -> [Value] {
        let count = min(limit, max(1, rowCount / size))
        return try (0..<count).map { index in
            let rows = min(size, rowCount - index * size)
            let slice = values[(index * size * features)..<((index * size + rows) * features)]
            switch elementType {
            case .float32: return .tensor(try Tensor(float32: Array(slice), shape: [rows, features]))
            case .float64: return .tensor(try Tensor(float64: slice.map(Double.init), shape: [rows, features]))
            default: throw BenchFailure("augur-bench feeds float inputs; the model takes \(elementType).")
            }
        }
    }
}

