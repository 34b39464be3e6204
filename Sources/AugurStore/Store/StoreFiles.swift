#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// The POSIX operations the store is built from: durable writes (write + fsync + rename + fsync
/// of the folder), an exclusive lock file, and reads that never follow a symlink.
public enum StoreFiles {
    static func errorText(_ code: Int32 = errno) -> String { String(cString: strerror(code)) }

    /// What is at `path`, without following a final symlink.
    enum Entry { case missing, file, directory, symlink, other }

    static func entry(_ path: String) -> Entry {
        var info = stat()
        guard lstat(path, &info) == 0 else { return .missing }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .file
        case S_IFDIR: return .directory
        case S_IFLNK: return .symlink
        default: return .other
        }
    }

    /// Creates a folder if missing; refuses a symlink or a file in its place.
    static func makeDirectory(_ path: String) throws(StoreError) {
        switch entry(path) {
        case .directory: return
        case .missing:
            guard mkdir(path, 0o755) == 0 || errno == EEXIST else {
                throw StoreError(.io, "cannot create folder '\(path)': \(errorText()).")
            }
            guard entry(path) == .directory else { throw StoreError(.io, "'\(path)' is not a folder.") }
            syncDirectory(parent(of: path))
        case .symlink: throw StoreError(.integrity, "'\(path)' is a symlink; the store never follows symlinks.")
        default: throw StoreError(.io, "'\(path)' exists and is not a folder.")
        }
    }

    static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// Writes `bytes` to a new file and flushes it to disk.
    static func writeNew(_ path: String, _ bytes: [UInt8]) throws(StoreError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw StoreError(.io, "cannot create '\(path)': \(errorText()).") }
        defer { close(fd) }
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { raw in write(fd, raw.baseAddress! + offset, raw.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                throw StoreError(.io, "cannot write '\(path)': \(errorText()).")
            }
            offset += written
        }
        guard fsync(fd) == 0 else { throw StoreError(.io, "cannot flush '\(path)' to disk: \(errorText()).") }
    }

    /// Replaces `path` atomically: a reader sees the old file or the new one, never a mix.
    static func replace(_ path: String, with bytes: [UInt8], staging: String) throws(StoreError) {
        let temporary = "\(staging)/file-\(uniqueSuffix())"
        try writeNew(temporary, bytes)
        guard rename(temporary, path) == 0 else {
            let text = errorText()
            unlink(temporary)
            throw StoreError(.io, "cannot replace '\(path)': \(text).")
        }
        syncDirectory(parent(of: path))
    }

    /// Reads a model file a user named (a configuration's path, `augur inspect`, `augur predict
    /// --model`, `augur models import`): the path is canonicalised first, so a symlink the user
    /// chose (a Kubernetes ConfigMap's, say) is followed once, explicitly; the file it names is
    /// then opened as `read` opens it, refusing a symlink swapped in since, with the size limit.
    public static func readModelFile(_ path: String, limit: Int) throws(StoreError) -> [UInt8] {
        guard let resolved = realpath(path, nil) else {
            let code = errno
            if code == ENOENT { throw StoreError(.notFound, "'\(path)' does not exist.") }
            throw StoreError(.io, "cannot open '\(path)': \(errorText(code)).")
        }
        defer { free(resolved) }
        return try read(String(cString: resolved), limit: limit)
    }

    /// Reads a regular file, refusing a symlink.
    public static func read(_ path: String, limit: Int = Int.max) throws(StoreError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            if code == ELOOP { throw StoreError(.integrity, "'\(path)' is a symlink; the store never follows symlinks.") }
            if code == ENOENT { throw StoreError(.notFound, "'\(path)' does not exist.") }
            throw StoreError(.io, "cannot open '\(path)': \(errorText(code)).")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            throw StoreError(.integrity, "'\(path)' is not a regular file.")
        }
        let size = Int(info.st_size)
        guard size <= limit else { throw StoreError(.integrity, "'\(path)' is \(size) bytes, over the limit of \(limit).") }
        var bytes = [UInt8](repeating: 0, count: size)
        var offset = 0
        while offset < size {
            let count = bytes.withUnsafeMutableBytes { raw in posixRead(fd, raw.baseAddress! + offset, size - offset) }
            if count < 0 {
                if errno == EINTR { continue }
                throw StoreError(.io, "cannot read '\(path)': \(errorText()).")
            }
            if count == 0 { break }
            offset += count
        }
        guard offset == size else { throw StoreError(.integrity, "'\(path)' changed while it was read.") }
        return bytes
    }

    static func syncDirectory(_ path: String) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        fsync(fd)
        close(fd)
    }

    /// Names in a folder (no `.`/`..`), sorted; empty when the folder is missing.
    static func list(_ path: String) -> [String] {
        guard let dir = opendir(path) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let item = readdir(dir) {
            let name = withUnsafeBytes(of: item.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    /// Removes a file or a folder tree without following symlinks.
    static func removeTree(_ path: String) {
        switch entry(path) {
        case .missing: return
        case .directory:
            for name in list(path) { removeTree("\(path)/\(name)") }
            rmdir(path)
        default: unlink(path)
        }
    }

    static func uniqueSuffix() -> String {
        "\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
    }

    /// UTC now as ISO 8601 with seconds.
    public static func timestamp() -> String {
        UTCTime.iso8601(Double(time(nil)))
    }
}

private func posixRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    Glibc.read(fd, buffer, count)
    #else
    Darwin.read(fd, buffer, count)
    #endif
}

/// An exclusive `flock` on the store's lock file, held by one writer (in any process) at a time.
final class StoreLock {
    private let fd: Int32

    init(path: String) throws(StoreError) {
        let fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw StoreError(.io, "cannot open the store lock '\(path)': \(StoreFiles.errorText()).") }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else {
                let text = StoreFiles.errorText()
                close(fd)
                throw StoreError(.io, "cannot lock the store ('\(path)'): \(text).")
            }
        }
        self.fd = fd
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
