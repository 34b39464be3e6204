#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import AugurStore
import Dispatch
import Foundation
import Synchronization

/// A route's prediction log: one JSON line per recorded row, written off the request path.
///
/// A request encodes its sampled rows and appends them to a bounded in-memory queue (a lock
/// held for a copy); a serial writer hands the queue to `write(2)` whole lines at a time. When
/// the queue is full, records are dropped and counted, so a slow disk never slows or fails a
/// request. The file is rotated (renamed with the time, a new one started) by size and, if
/// asked, at each UTC midnight, always between lines. A killed server leaves at most its last
/// line partial; readers skip it, and the writer starts a new line after it when reopening.
///
/// One writer per file for the life of the process (`PredictionLog.writer(for:)`), whatever reloads do.
public final class PredictionLog: Sendable {
    public let settings: PredictionLogSettings
    private let state: Mutex<Pending>
    private let output: Mutex<Output>
    private let queue: DispatchQueue
    private let salt: [UInt8]

    struct Pending {
        var bytes: [UInt8] = []
        var records = 0
        var scheduled = false
        var written = 0
        var dropped = 0
        var random: UInt64
    }

    struct Output {
        var fd: Int32 = -1
        var size = 0
        var day = ""
        var failures = 0
    }

    /// The request being answered, for the records' `request_id` (set by the transports).
    @TaskLocal public static var requestID: String?

    private static let writers = Mutex<[String: PredictionLog]>([:])

    /// The writer of `settings.path`, made on first use.
    public static func writer(for settings: PredictionLogSettings) -> PredictionLog {
        writers.withLock { table in
            if let found = table[settings.path], found.settings == settings { return found }
            if let found = table[settings.path] { found.flush() }
            let made = PredictionLog(settings)
            table[settings.path] = made
            return made
        }
    }

    /// Writes whatever is queued in every log, and waits for it (at shutdown).
    public static func flushAll() {
        for log in writers.withLock({ Array($0.values) }) { log.flush() }
    }

    init(_ settings: PredictionLogSettings) {
        self.settings = settings
        state = Mutex(Pending(random: UInt64.random(in: 1...UInt64.max)))
        output = Mutex(Output())
        queue = DispatchQueue(label: "augur.prediction-log")
        if let given = ProcessInfo.processInfo.environment[settings.saltVariable], !given.isEmpty {
            salt = Array(given.utf8)
        } else {
            salt = (0..<32).map { _ in UInt8.random(in: 0...255) }
            unsalted.store(true, ordering: .relaxed)
        }
    }

    /// True until the warning that hashes use a random salt has been written.
    private let unsalted = Atomic<Bool>(false)

    /// Records written and records dropped (queue full or write failure) since start.
    public var counts: (written: Int, dropped: Int) { state.withLock { ($0.written, $0.dropped) } }

    // MARK: Recording

    /// Records the sampled rows of one answered request.
    func record(route: String, model: ModelIdentity, rows: ParameterRows, parameters: [String], predictions: Predictions?,
                status: Int, error: String? = nil) {
        guard rows.count > 0, settings.sample > 0 else { return }
        let picked = sample(rows.count)
        guard !picked.isEmpty else { return }
        let time = UTCTime.iso8601(UTCTime.now(), milliseconds: true)
        let request = Self.requestID
        var out = JSONOutput(capacity: 256 * picked.count)
        for r in picked {
            var object = JSONObject()
            object["time"] = .string(time)
            object["request_id"] = request.map { .string($0) } ?? .null
            object["route"] = .string(route)
            object["model"] = .string(model.name)
            object["version"] = .string(model.version)
            object["row"] = .integer(r)
            object["sample"] = .number(settings.sample)
            object["status"] = .integer(status)
            object["inputs"] = .object(inputs(rows, row: r, parameters: parameters))
            out.append(UInt8(ascii: "{"))
            JSONWriter.writeMembers(of: object, into: &out)
            // The row's answer as the route writes it (`JSONWriter.writeAnswer`).
            if let predictions {
                out.append(#","outputs":{"#)
                JSONWriter.writeAnswer(predictions.outcome, row: r, into: &out)
                out.append(UInt8(ascii: "}"))
            } else {
                out.append(#","outputs":null"#)
            }
            if let error {
                out.append(#","error":"#)
                JSONWriter.write(error, into: &out)
            }
            out.append("}\n")
        }
        let bytes = Array(out.bytes)
        enqueue(bytes, records: picked.count)
    }

    /// The rows drawn, each with probability `sample`.
    private func sample(_ count: Int) -> [Int] {
        if settings.sample >= 1 { return Array(0..<count) }
        return state.withLock { state in
            var picked: [Int] = []
            for r in 0..<count {
                // xorshift64*: a uniform draw in [0, 1) per row.
                state.random ^= state.random >> 12
                state.random ^= state.random << 25
                state.random ^= state.random >> 27
                let draw = Double((state.random &* 2_685_821_657_736_338_717) >> 11) / Double(1 << 53)
                if draw < settings.sample { picked.append(r) }
            }
            return picked
        }
    }

    private func inputs(_ rows: ParameterRows, row r: Int, parameters: [String]) -> JSONObject {
        var object = JSONObject()
        let values = ParameterRow(rows.storage, base: r * parameters.count)
        for (i, name) in parameters.enumerated() {
            let treatment = settings.treatment(name)
            guard treatment != .drop else { continue }
            let value: JSONValue
            switch values[i] {
            case .missing: value = .null
            // Whole numbers as integers (`128`, not `128.0`): what the client most likely sent, and what is hashed.
            case .number(let x): value = x == x.rounded() && abs(x) < 9.0e15 ? .integer(Int(x)) : .number(x)
            case .string(let s): value = .string(s)
            case .bool(let b): value = .bool(b)
            }
            object[name] = treatment == .hash && value != .null ? .string(hash(value)) : value
        }
        return object
    }

    /// `sha256:` and the hex digest of the salt, a zero byte and the value's JSON text.
    func hash(_ value: JSONValue) -> String {
        if unsalted.exchange(false, ordering: .relaxed) {
            FileHandle.standardError.write(Data("augur: \(settings.saltVariable) is not set; hashed fields in '\(settings.path)' use a random salt and will not match across restarts.\n".utf8))
        }
        return "sha256:" + Digests.sha256(salt + [0] + value.serialized())
    }

    // MARK: Writing

    private func enqueue(_ bytes: [UInt8], records: Int) {
        let schedule = state.withLock { state -> Bool in
            guard state.records + records <= settings.queue else {
                state.dropped += records
                return false
            }
            state.bytes.append(contentsOf: bytes)
            state.records += records
            if state.scheduled { return false }
            state.scheduled = true
            return true
        }
        if schedule { queue.async { self.drain() } }
    }

    /// Writes what is queued now (on the writer's queue).
    private func drain() {
        let (bytes, records) = state.withLock { state -> ([UInt8], Int) in
            defer {
                state.bytes = []
                state.records = 0
                state.scheduled = false
            }
            return (state.bytes, state.records)
        }
        guard records > 0 else { return }
        let ok = output.withLock { append(bytes, &$0) }
        state.withLock { state in
            if ok { state.written += records } else { state.dropped += records }
        }
    }

    /// Everything queued so far, written before returning.
    public func flush() {
        queue.sync { self.drain() }
    }

    /// Appends whole lines to the current file, rotating between lines whenever the next ones
    /// would take it past `max_bytes` (a single longer line gets a file of its own) or the
    /// UTC day changed.
    private func append(_ bytes: [UInt8], _ out: inout Output) -> Bool {
        let today = String(UTCTime.iso8601(UTCTime.now()).prefix(10))
        var start = 0
        var rotated = false
        while start < bytes.count {
            if out.fd < 0, !openFile(&out) { return false }
            // A file last written on another UTC day (also one found at start-up).
            if settings.rotateDaily, out.size > 0, out.day != today, !rotated {
                rotate(&out)
                rotated = true
                continue
            }
            // The whole lines that fit in what is left of max_bytes.
            let room = settings.maxBytes - out.size
            var end = start
            var i = start
            while i < bytes.count, i - start < room {
                if bytes[i] == UInt8(ascii: "\n") { end = i + 1 }
                i += 1
            }
            if end == start {
                // Rotate once; a file that is still not empty (the rename failed) takes the line anyway.
                if out.size > 0, !rotated {
                    rotate(&out)
                    rotated = true
                    continue
                }
                end = (bytes[start...].firstIndex(of: UInt8(ascii: "\n")) ?? (bytes.count - 1)) + 1
            }
            guard writeAll(bytes[start..<end], &out) else { return false }
            start = end
            rotated = false
        }
        return true
    }

    private func writeAll(_ bytes: ArraySlice<UInt8>, _ out: inout Output) -> Bool {
        var offset = bytes.startIndex
        while offset < bytes.endIndex {
            let n = bytes.withUnsafeBytes { buffer -> Int in
                guard let base = buffer.baseAddress else { return 0 }
                return write(out.fd, base + (offset - bytes.startIndex), bytes.endIndex - offset)
            }
            if n < 0 {
                if errno == EINTR { continue }
                out.failures += 1
                close(out.fd)
                out.fd = -1
                return false
            }
            offset += n
        }
        out.size += bytes.count
        return true
    }

    private func openFile(_ out: inout Output) -> Bool {
        let fd = open(settings.path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0o640)
        guard fd >= 0 else {
            out.failures += 1
            return false
        }
        var info = stat()
        fstat(fd, &info)
        out.fd = fd
        out.size = Int(info.st_size)
        // The UTC day it was last written: an empty file is today's.
        out.day = String(UTCTime.iso8601(out.size > 0 ? Double(info.st_mtim.tv_sec) : UTCTime.now()).prefix(10))
        // A line cut short by a crash: start the next record on its own line.
        if out.size > 0 {
            var last: UInt8 = 0
            if pread(fd, &last, 1, off_t(out.size - 1)) == 1, last != UInt8(ascii: "\n") {
                var newline = UInt8(ascii: "\n")
                if write(fd, &newline, 1) == 1 { out.size += 1 }
            }
        }
        return true
    }

    /// The current file renamed `NAME.<UTC time>[.N].EXT`, a new one opened at the next write.
    private func rotate(_ out: inout Output) {
        close(out.fd)
        out.fd = -1
        let url = URL(fileURLWithPath: settings.path)
        let ext = url.pathExtension
        let base = url.deletingPathExtension().path
        let stamp = UTCTime.iso8601(UTCTime.now(), milliseconds: true).replacingOccurrences(of: ":", with: "-")
        var target = "\(base).\(stamp)\(ext.isEmpty ? "" : ".\(ext)")"
        var n = 1
        while FileManager.default.fileExists(atPath: target) {
            target = "\(base).\(stamp).\(n)\(ext.isEmpty ? "" : ".\(ext)")"
            n += 1
        }
        _ = rename(settings.path, target)
    }


}
