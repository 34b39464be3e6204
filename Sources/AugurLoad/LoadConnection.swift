#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One keep-alive HTTP/1.1 connection over a blocking socket, sending a prepared request and
/// reading each answer to its end (`Content-Length` or chunked); reconnects when the server
/// closes. Cheap on purpose: no allocation per exchange once the buffer has grown, no parsing
/// beyond the status line and the framing headers.
final class LoadConnection {
    let host: String
    let port: Int
    private var fd: Int32 = -1
    private var buffer = [UInt8](repeating: 0, count: 1 << 16)
    /// Bytes in `buffer` not yet consumed (never more than one answer's worth: no pipelining).
    private var filled = 0

    /// Largest head and body accepted, so a hostile server cannot make it grow without bound.
    static let maxHead = 64 << 10
    static let maxBody = 64 << 20

    enum Failure: Error, Equatable {
        case connect(String), send, receive, closed, malformed, tooLarge
    }

    init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    deinit { close() }

    func close() {
        if fd >= 0 { _ = Glibc.close(fd) }
        fd = -1
        filled = 0
    }

    func connect(timeoutSeconds: Int = 10) throws(Failure) {
        close()
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &list) == 0, let first = list else {
            throw .connect("cannot resolve \(host)")
        }
        defer { freeaddrinfo(list) }
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let info = entry {
            let s = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
            if s >= 0 {
                if Glibc.connect(s, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 {
                    var one: Int32 = 1
                    setsockopt(s, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
                    var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
                    setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                    setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                    fd = s
                    return
                }
                _ = Glibc.close(s)
            }
            entry = info.pointee.ai_next
        }
        throw .connect("cannot connect to \(host):\(port): \(String(cString: strerror(errno)))")
    }

    /// Sends `request` and reads the answer; returns its status code and body. Reconnects first
    /// when the connection is closed.
    func exchange(_ request: [UInt8]) throws(Failure) -> (status: Int, body: ArraySlice<UInt8>) {
        if fd < 0 { try connect() }
        let sent = request.withUnsafeBytes { bytes -> Bool in
            var offset = 0
            while offset < bytes.count {
                let n = send(fd, bytes.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
                if n > 0 { offset += n } else if n < 0, errno == EINTR { continue } else { return false }
            }
            return true
        }
        guard sent else { close(); throw .send }
        return try readAnswer()
    }

    private func readAnswer() throws(Failure) -> (status: Int, body: ArraySlice<UInt8>) {
        // The head.
        var headEnd = -1
        while headEnd < 0 {
            headEnd = Self.find(buffer, filled, [13, 10, 13, 10])
            if headEnd >= 0 { break }
            guard filled < Self.maxHead else { close(); throw .tooLarge }
            try fill()
        }
        let head = buffer[0..<headEnd]
        guard head.count > 12, head.starts(with: Array("HTTP/1.".utf8)) else { close(); throw .malformed }
        let digits = head[(head.startIndex + 9)..<(head.startIndex + 12)]
        guard digits.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { close(); throw .malformed }
        let status = digits.reduce(0) { $0 * 10 + Int($1 - 48) }
        var length: Int?
        var chunked = false
        var closeAfter = false
        for line in head.split(separator: 10) {
            let text = line.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }  // lower-case ASCII
            if text.starts(with: Array("content-length:".utf8)) {
                let value = text.dropFirst(15).filter { $0 >= 48 && $0 <= 57 }
                guard !value.isEmpty, value.count <= 12 else { close(); throw .malformed }
                length = value.reduce(0) { $0 * 10 + Int($1 - 48) }
            } else if text.starts(with: Array("transfer-encoding:".utf8)), Self.find(Array(text), text.count, Array("chunked".utf8)) >= 0 {
                chunked = true
            } else if text.starts(with: Array("connection:".utf8)), Self.find(Array(text), text.count, Array("close".utf8)) >= 0 {
                closeAfter = true
            }
        }
        let bodyStart = headEnd + 4
        var body: ArraySlice<UInt8>
        if chunked {
            body = try readChunked(from: bodyStart)
        } else {
            let size = length ?? 0
            guard size <= Self.maxBody else { close(); throw .tooLarge }
            try ensure(bodyStart + size)
            body = buffer[bodyStart..<(bodyStart + size)]
            consume(bodyStart + size)
        }
        if closeAfter { close() }
        return (status, body)
    }

    /// A chunked body: chunk sizes in hex, each chunk, then the last `0` chunk and its CRLFs.
    private func readChunked(from start: Int) throws(Failure) -> ArraySlice<UInt8> {
        var position = start
        var total = 0
        while true {
            var lineEnd = Self.find(buffer[position..<filled], filled - position, [13, 10])
            while lineEnd < 0 {
                guard filled - position < 1024 else { close(); throw .malformed }
                try fill()
                lineEnd = Self.find(buffer[position..<filled], filled - position, [13, 10])
            }
            var size = 0
            for byte in buffer[position..<(position + lineEnd)] {
                guard let digit = Self.hex(byte) else { break }
                size = size * 16 + digit
                guard size <= Self.maxBody else { close(); throw .tooLarge }
            }
            total += size
            guard total <= Self.maxBody else { close(); throw .tooLarge }
            position += lineEnd + 2
            try ensure(position + size + 2)
            position += size + 2
            if size == 0 {
                consume(position)
                return []  // the body's bytes are not needed by the load test
            }
        }
    }

    private static func hex(_ byte: UInt8) -> Int? {
        switch byte {
        case 48...57: Int(byte - 48)
        case 97...102: Int(byte - 87)
        case 65...70: Int(byte - 55)
        default: nil
        }
    }

    /// Reads until `buffer` holds `count` bytes.
    private func ensure(_ count: Int) throws(Failure) {
        if buffer.count < count { buffer += [UInt8](repeating: 0, count: count - buffer.count) }
        while filled < count { try fill() }
    }

    /// One `recv` into the free part of the buffer (grown when full).
    private func fill() throws(Failure) {
        if filled == buffer.count { buffer += [UInt8](repeating: 0, count: buffer.count) }
        let n = buffer.withUnsafeMutableBytes { bytes in recv(fd, bytes.baseAddress! + filled, bytes.count - filled, 0) }
        if n > 0 { filled += n; return }
        if n < 0, errno == EINTR { return }
        close()
        throw n == 0 ? .closed : .receive
    }

    /// Drops the first `count` bytes (the answer just read).
    private func consume(_ count: Int) {
        let rest = filled - count
        if rest > 0 {
            buffer.withUnsafeMutableBytes { bytes in
                _ = memmove(bytes.baseAddress!, bytes.baseAddress! + count, rest)
            }
        }
        filled = rest
    }

    /// The offset of `pattern` in the first `count` bytes of `bytes`, or -1.
    static func find<C: Collection>(_ bytes: C, _ count: Int, _ pattern: [UInt8]) -> Int where C.Element == UInt8, C.Index == Int {
        guard count >= pattern.count else { return -1 }
        let start = bytes.startIndex
        var i = 0
        while i + pattern.count <= count {
            var match = true
            for j in 0..<pattern.count where bytes[start + i + j] != pattern[j] {
                match = false
                break
            }
            if match { return i }
            i += 1
        }
        return -1
    }
}
