import Foundation

/// A model version to add to the store.
public struct ModelImport: Sendable {
    public var name: String
    /// nil: the next integer after the highest integer version (1, 2, 3 …).
    public var version: String?
    public var bytes: [UInt8]
    /// Aliases to point at the new version once it is stored.
    public var aliases: [String] = []
    public var labels: [String: String] = [:]
    public var metadata: [String: String] = [:]
    public var signature: SignatureRecord?
    public var reference: ReferenceStatistics?
    /// The reference CSV itself (`reference.csv`), kept for explanations.
    public var referenceRows: [UInt8]?
    public var source: String?

    public init(name: String, version: String? = nil, bytes: [UInt8]) {
        self.name = name
        self.version = version
        self.bytes = bytes
    }
}

extension ModelStore {
    /// Stores a new immutable version (atomically) and points the requested aliases at it.
    @discardableResult
    public func importModel(_ request: ModelImport) throws(StoreError) -> VersionRecord {
        try StoreNames.check(request.name, as: "model name")
        if let version = request.version {
            try StoreNames.check(version, as: "version")
            guard version != "latest" else { throw StoreError(.invalidName, "'latest' is not a version name: it always means the newest version.") }
        }
        for alias in request.aliases { try Self.checkAlias(alias) }
        let lock = try StoreLock(path: "\(root)/.lock")
        defer { withExtendedLifetime(lock) {} }
        cleanStaging()

        let existing = StoreFiles.entry("\(root)/\(request.name)") == .missing ? [] : try versions(of: request.name)
        let version = request.version ?? String((existing.compactMap { Int($0.version) }.max() ?? 0) + 1)
        let folder = "\(root)/\(request.name)"
        if StoreFiles.entry("\(folder)/versions/\(version)") != .missing {
            throw StoreError(.conflict, "\(request.name):\(version) already exists; versions are immutable. Import under another version, or omit --version to get the next number.")
        }
        let record = VersionRecord(
            name: request.name, version: version, sha256: Digests.sha256(request.bytes), size: request.bytes.count,
            importedAt: StoreFiles.timestamp(), sequence: (existing.map(\.sequence).max() ?? 0) + 1,
            signature: request.signature, labels: request.labels, metadata: request.metadata,
            source: request.source, hasReference: request.reference != nil)

        let staging = "\(root)/.staging/version-\(StoreFiles.uniqueSuffix())"
        try StoreFiles.makeDirectory(staging)
        do throws(StoreError) {
            try StoreFiles.writeNew("\(staging)/\(Self.modelFileName)", request.bytes)
            if let reference = request.reference {
                try StoreFiles.writeNew("\(staging)/\(Self.referenceFileName)", try Self.encode(reference))
            }
            if let rows = request.referenceRows {
                try StoreFiles.writeNew("\(staging)/\(Self.referenceRowsFileName)", rows)
            }
            try StoreFiles.writeNew("\(staging)/\(Self.recordFileName)", try Self.encode(record))
            StoreFiles.syncDirectory(staging)
            try StoreFiles.makeDirectory(folder)
            try StoreFiles.makeDirectory("\(folder)/versions")
            guard rename(staging, "\(folder)/versions/\(version)") == 0 else {
                throw StoreError(.io, "cannot move \(record.tag) into the store: \(StoreFiles.errorText()).")
            }
            StoreFiles.syncDirectory("\(folder)/versions")
        } catch {
            StoreFiles.removeTree(staging)
            throw error
        }
        if !request.aliases.isEmpty {
            var aliases = try aliases(of: request.name)
            for alias in request.aliases { aliases[alias] = version }
            try writeAliases(aliases, of: request.name)
        }
        return record
    }

    /// Points `alias` at `name:version` (creating or moving it).
    public func setAlias(_ alias: String, name: String, version: String) throws(StoreError) {
        try Self.checkAlias(alias)
        let lock = try StoreLock(path: "\(root)/.lock")
        defer { withExtendedLifetime(lock) {} }
        _ = try record(name: name, version: version)
        var aliases = try aliases(of: name)
        aliases[alias] = version
        try writeAliases(aliases, of: name)
    }

    /// Removes an alias; returns the version it pointed at.
    @discardableResult
    public func removeAlias(_ alias: String, name: String) throws(StoreError) -> String {
        let lock = try StoreLock(path: "\(root)/.lock")
        defer { withExtendedLifetime(lock) {} }
        var aliases = try aliases(of: name)
        guard let version = aliases.removeValue(forKey: alias) else {
            throw StoreError(.notFound, "model '\(name)' has no alias '\(alias)'.")
        }
        try writeAliases(aliases, of: name)
        return version
    }

    /// Deletes a version. Refuses while an alias points at it unless `force` (which removes
    /// those aliases too). Returns the aliases removed.
    @discardableResult
    public func delete(name: String, version: String, force: Bool = false) throws(StoreError) -> [String] {
        let lock = try StoreLock(path: "\(root)/.lock")
        defer { withExtendedLifetime(lock) {} }
        cleanStaging()
        let record = try record(name: name, version: version)
        var aliases = try aliases(of: name)
        let pointing = aliases.filter { $0.value == version }.keys.sorted()
        if !pointing.isEmpty {
            guard force else {
                throw StoreError(.conflict, "\(record.tag) is still the target of alias\(pointing.count == 1 ? "" : "es") \(pointing.map { "'\($0)'" }.joined(separator: ", ")); move \(pointing.count == 1 ? "it" : "them") first, or delete with --force to remove \(pointing.count == 1 ? "it" : "them") too.")
            }
            for alias in pointing { aliases.removeValue(forKey: alias) }
            try writeAliases(aliases, of: name)
        }
        let folder = "\(root)/\(name)"
        let trash = "\(root)/.staging/deleted-\(StoreFiles.uniqueSuffix())"
        guard rename("\(folder)/versions/\(version)", trash) == 0 else {
            throw StoreError(.io, "cannot delete \(record.tag): \(StoreFiles.errorText()).")
        }
        StoreFiles.syncDirectory("\(folder)/versions")
        StoreFiles.removeTree(trash)
        if StoreFiles.list("\(folder)/versions").isEmpty {
            let emptied = "\(root)/.staging/deleted-\(StoreFiles.uniqueSuffix())"
            if rename(folder, emptied) == 0 {
                StoreFiles.syncDirectory(root)
                StoreFiles.removeTree(emptied)
            }
        }
        return pointing
    }

    /// Copies a version (model file, record, reference statistics) into `directory`, after
    /// checking its digest. Refuses to overwrite existing files.
    public func export(_ record: VersionRecord, to directory: String) throws(StoreError) -> [String] {
        let bytes = try modelBytes(record)
        let target = URL(fileURLWithPath: directory).standardizedFileURL.path
        do {
            try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
        } catch {
            throw StoreError(.io, "cannot create '\(target)': \(error.localizedDescription).")
        }
        var files: [(String, [UInt8])] = [(record.file, bytes), (Self.recordFileName, try Self.encode(record))]
        if let reference = try reference(record) { files.append((Self.referenceFileName, try Self.encode(reference))) }
        if let rows = try referenceRows(record) { files.append((Self.referenceRowsFileName, rows)) }
        for (name, _) in files where StoreFiles.entry("\(target)/\(name)") != .missing {
            throw StoreError(.conflict, "'\(target)/\(name)' already exists; export into an empty folder.")
        }
        var written: [String] = []
        for (name, content) in files {
            try StoreFiles.writeNew("\(target)/\(name)", content)
            written.append("\(target)/\(name)")
        }
        return written
    }

    static func checkAlias(_ alias: String) throws(StoreError) {
        try StoreNames.check(alias, as: "alias")
        guard alias != "latest" else {
            throw StoreError(.invalidName, "'latest' cannot be set as an alias: it always means the newest version.")
        }
    }

    private func writeAliases(_ aliases: [String: String], of name: String) throws(StoreError) {
        try StoreFiles.replace("\(root)/\(name)/\(Self.aliasesFileName)", with: try Self.encode(aliases), staging: "\(root)/.staging")
    }

    /// Called with the lock held: anything in `.staging` belongs to a writer that died.
    private func cleanStaging() {
        for item in StoreFiles.list("\(root)/.staging") { StoreFiles.removeTree("\(root)/.staging/\(item)") }
    }

    static func encode<T: Encodable>(_ value: T) throws(StoreError) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            return Array(try encoder.encode(value)) + [0x0A]
        } catch {
            throw StoreError(.io, "cannot encode \(T.self): \(error).")
        }
    }
}
