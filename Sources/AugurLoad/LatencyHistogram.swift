/// Request latencies in bounded memory: buckets 1% wide (log scale) from 1 µs to about an hour,
/// so a percentile is exact to 1% whatever the number of requests, and histograms of several
/// threads add up.
public struct LatencyHistogram: Sendable, Equatable {
    /// Bucket `i` holds latencies in [growth^i, growth^(i+1)) microseconds.
    static let growth = 1.01
    static let bucketCount = 2200  // 1.01^2200 µs ≈ 3.1e9 µs ≈ 52 minutes
    private(set) var counts: [UInt64]
    public private(set) var count: UInt64 = 0
    public private(set) var maximumMicroseconds: Double = 0

    public init() {
        counts = [UInt64](repeating: 0, count: Self.bucketCount)
    }

    public mutating func record(microseconds: Double) {
        let value = Swift.max(1, microseconds)
        let index = Swift.min(Self.bucketCount - 1, Int((value.log() / Self.growth.log()).rounded(.down)))
        counts[index] += 1
        count += 1
        maximumMicroseconds = Swift.max(maximumMicroseconds, microseconds)
    }

    public mutating func add(_ other: LatencyHistogram) {
        for i in counts.indices { counts[i] += other.counts[i] }
        count += other.count
        maximumMicroseconds = Swift.max(maximumMicroseconds, other.maximumMicroseconds)
    }

    /// The latency below which a fraction `q` (0...1) of the requests fell, in microseconds:
    /// the upper edge of the bucket holding that rank (never below the truth, at most 1% above).
    public func percentile(_ q: Double) -> Double {
        guard count > 0 else { return 0 }
        let rank = UInt64((q * Double(count)).rounded(.up))
        var seen: UInt64 = 0
        for (i, c) in counts.enumerated() where c > 0 {
            seen += c
            if seen >= Swift.max(1, rank) { return Swift.min(maximumMicroseconds, Self.growth.power(Double(i + 1))) }
        }
        return maximumMicroseconds
    }
}

extension Double {
    func log() -> Double { Foundation_log(self) }
    func power(_ exponent: Double) -> Double { Foundation_pow(self, exponent) }
}

#if canImport(Glibc)
import Glibc
@inline(__always) func Foundation_log(_ x: Double) -> Double { Glibc.log(x) }
@inline(__always) func Foundation_pow(_ x: Double, _ y: Double) -> Double { Glibc.pow(x, y) }
#elseif canImport(Darwin)
import Darwin
@inline(__always) func Foundation_log(_ x: Double) -> Double { Darwin.log(x) }
@inline(__always) func Foundation_pow(_ x: Double, _ y: Double) -> Double { Darwin.pow(x, y) }
#endif
