import Foundation

/// What `augur build` needs to know about the augur binary it packs: its architecture (from
/// the ELF header), whether it needs a dynamic loader, and if so the shared libraries it loads,
/// so an image `FROM scratch` can carry them at the paths the binary looks for them.
public struct ExecutableFile: Sendable {
    public struct Problem: Error, CustomStringConvertible {
        public let description: String
    }

    public enum Architecture: String, Sendable, CaseIterable {
        case amd64, arm64

        /// Lambda's and uname's spelling.
        public var lambdaName: String { self == .amd64 ? "x86_64" : "arm64" }
    }

    public let path: String
    public let bytes: [UInt8]
    public let architecture: Architecture
    /// The dynamic loader (`PT_INTERP`), or nil for a static executable.
    public let interpreter: String?

    /// Reads the file at `path` (`/proc/self/exe` is resolved to the file it names, so ldd
    /// lists that binary's libraries, not its own).
    public init(path: String) throws {
        guard let resolved = realpath(path, nil) else { throw Problem(description: "cannot find the augur binary '\(path)'.") }
        let real = String(cString: resolved)
        free(resolved)
        guard let data = FileManager.default.contents(atPath: real) else {
            throw Problem(description: "cannot read the augur binary '\(real)'.")
        }
        try self.init(path: real, bytes: [UInt8](data))
    }

    public init(path: String, bytes: [UInt8]) throws {
        self.path = path
        self.bytes = bytes
        func read<T: FixedWidthInteger>(_ offset: Int, as: T.Type) throws -> T {
            guard offset >= 0, offset <= bytes.count - MemoryLayout<T>.size else {
                throw Problem(description: "'\(path)' is not a complete ELF file.")
            }
            var value: T = 0
            for i in 0..<MemoryLayout<T>.size { value |= T(bytes[offset + i]) << (8 * i) }
            return value
        }
        guard bytes.count >= 64, bytes[0..<4].elementsEqual([0x7F, 0x45, 0x4C, 0x46]) else {
            throw Problem(description: "'\(path)' is not a Linux executable (no ELF header); an image or a Lambda package needs a Linux build of augur (--binary PATH).")
        }
        guard bytes[4] == 2, bytes[5] == 1 else { throw Problem(description: "'\(path)' is not a 64-bit little-endian ELF file.") }
        switch try read(18, as: UInt16.self) {
        case 62: architecture = .amd64
        case 183: architecture = .arm64
        case let machine: throw Problem(description: "'\(path)' is built for ELF machine \(machine), neither x86-64 (amd64) nor AArch64 (arm64).")
        }
        let tableOffset = try read(32, as: UInt64.self)
        let entrySize = Int(try read(54, as: UInt16.self))
        let count = Int(try read(56, as: UInt16.self))
        guard tableOffset < UInt64(bytes.count), entrySize >= 56 else { throw Problem(description: "'\(path)' has a damaged program header table.") }
        var interpreter: String?
        for index in 0..<count {
            let entry = Int(tableOffset) + index * entrySize
            guard try read(entry, as: UInt32.self) == 3 else { continue } // PT_INTERP
            let offset = try read(entry + 8, as: UInt64.self), size = try read(entry + 32, as: UInt64.self)
            guard size > 1, size < 4096, offset < UInt64(bytes.count), offset + size <= UInt64(bytes.count) else {
                throw Problem(description: "'\(path)' has a damaged PT_INTERP entry.")
            }
            interpreter = String(decoding: bytes[Int(offset)..<Int(offset + size - 1)], as: UTF8.self)
        }
        self.interpreter = interpreter
    }

    /// The machine this process runs on.
    public static var hostArchitecture: Architecture? {
        #if arch(x86_64)
        return .amd64
        #elseif arch(arm64)
        return .arm64
        #else
        return nil
        #endif
    }

    /// The shared libraries a dynamic executable loads, the loader included, as absolute path →
    /// contents, read from the paths the host's loader resolves (`ldd`). Empty for a static
    /// executable. Only possible on a host of the same architecture.
    public func sharedLibraries() throws -> [(path: String, bytes: [UInt8])] {
        guard let interpreter else { return [] }
        guard architecture == Self.hostArchitecture else {
            throw Problem(description: "'\(path)' is a dynamic \(architecture.rawValue) executable; its shared libraries can only be collected on an \(architecture.rawValue) machine. Build a static augur (see the README's static build) to pack it from here.")
        }
        let ldd = Process()
        ldd.executableURL = URL(fileURLWithPath: "/usr/bin/ldd")
        ldd.arguments = [path]
        let pipe = Pipe()
        ldd.standardOutput = pipe
        ldd.standardError = FileHandle.nullDevice
        do { try ldd.run() } catch { throw Problem(description: "cannot run ldd to list the shared libraries of '\(path)': \(error).") }
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        ldd.waitUntilExit()
        guard ldd.terminationStatus == 0 else { throw Problem(description: "ldd could not list the shared libraries of '\(path)'.") }
        var paths = [interpreter]
        for line in output.split(separator: "\n") {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if let arrow = fields.firstIndex(of: "=>") {
                guard arrow + 1 < fields.count, fields[arrow + 1] != "not" else {
                    throw Problem(description: "'\(path)' needs \(fields.first ?? "a library"), which is not found on this machine.")
                }
                if fields[arrow + 1].hasPrefix("/") { paths.append(String(fields[arrow + 1])) }
            }
        }
        var seen: Set<String> = []
        return try paths.filter { seen.insert($0).inserted }.map { library in
            let real = URL(fileURLWithPath: library).resolvingSymlinksInPath().path
            guard let data = FileManager.default.contents(atPath: real) else { throw Problem(description: "cannot read the shared library '\(real)'.") }
            return (library, [UInt8](data))
        }
    }
}
