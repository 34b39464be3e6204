import Foundation
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The real `augur` binary against a temporary store: `augur models …` from several processes,
/// processes killed mid-import, and `augur serve` following an alias (poll, SIGHUP, admin).
@Suite(.serialized) struct StoreCommandTests {
    let home: URL

    init() throws {
        home = FileManager.default.temporaryDirectory.appendingPathComponent("augur-home-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
    }

    var store: String { home.appendingPathComponent("models").path }

    func process(_ arguments: [String], environment extra: [String: String] = [:]) -> Process {
        let process = Process()
        process.executableURL = LiveServerTests.binary
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["AUGUR_HOME"] = home.path
        for (key, value) in extra { environment[key] = value }
        process.environment = environment
        process.standardOutput = Pipe()
        process.standardError = Pipe()
        return process
    }

    /// Runs `augur ARGS` to completion: exit status, stdout, stderr.
    @discardableResult
    func augur(_ arguments: String...) throws -> (Int32, String, String) {
        let p = process(arguments)
        try p.run()
        let out = (p.standardOutput as! Pipe).fileHandleForReading.readDataToEndOfFile()
        let err = (p.standardError as! Pipe).fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: LiveServerTests.binary.path), "needs swift build first"))
    func concurrentImportsFromSeveralProcesses() throws {
        let processes = (0..<6).map { _ in process(["models", "import", ReloadFixture.loanModel, "--name", "loan"]) }
        for p in processes { try p.run() }
        for p in processes { p.waitUntilExit() }
        #expect(processes.allSatisfy { $0.terminationStatus == 0 })
        let (status, list, _) = try augur("models", "list")
        #expect(status == 0)
        let versions = list.split(separator: "\n").dropFirst().map { $0.split(separator: " ", omittingEmptySubsequences: true)[1] }
        #expect(Set(versions) == Set((1...6).map { Substring(String($0)) }), "\(list)")
        #expect(try augur("models", "verify").0 == 0)
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: LiveServerTests.binary.path), "needs swift build first"))
    func importsKilledAtAnyMomentLeaveAWholeVersionOrNone() async throws {
        // The biggest fixture makes each import long enough to be killed half-way.
        let model = Support.root.appendingPathComponent("Tests/Fixtures/extra_trees_regressor/model.onnx").path
        var killed = 0
        for i in 0..<16 {
            let p = process(["models", "import", model, "--name", "forest", "--alias", "production", "--meta", "run=\(i)"])
            try p.run()
            try await Task.sleep(for: .microseconds(Int.random(in: 0...60_000)))
            if p.isRunning { kill(p.processIdentifier, SIGKILL); killed += 1 }
            p.waitUntilExit()
        }
        let (status, output, error) = try augur("models", "verify")
        #expect(status == 0, "\(output)\(error)")
        let (_, list, _) = try augur("models", "list", "forest")
        let versions = list.split(separator: "\n").count - 1
        #expect(versions <= 16)
        // Nothing half-written is visible, and the store still takes new versions.
        let (added, text, _) = try augur("models", "import", model, "--name", "forest")
        #expect(added == 0, "\(text)")
        #expect(try augur("models", "verify", "forest").0 == 0)
        print("import kill test: \(killed) of 16 imports killed, \(versions) whole versions kept")
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: LiveServerTests.binary.path), "needs swift build first"))
    func cliRefusesUnsafeOrBrokenInput() throws {
        let bad = home.appendingPathComponent("bad.onnx")
        try Data("not a model".utf8).write(to: bad)
        let (status, _, error) = try augur("models", "import", bad.path, "--name", "loan")
        #expect(status != 0 && error.contains("is not a model Augur can serve"))
        #expect(try augur("models", "import", ReloadFixture.loanModel, "--name", "../escape").2.contains("not a valid model name"))
        #expect(try augur("models", "show", "loan/../../etc").0 != 0)
        try augur("models", "import", ReloadFixture.loanModel, "--name", "loan", "--alias", "production")
        let (refused, _, why) = try augur("models", "delete", "loan:1")
        #expect(refused != 0 && why.contains("alias 'production'"))
        #expect(try augur("models", "delete", "loan:1", "--force").0 == 0)
    }

    /// Starts `augur serve` on the fixture's configuration and waits for /healthz.
    func serve(_ fixture: ReloadFixture, _ extra: [String], environment: [String: String] = [:]) async throws -> (Process, URL) {
        let port = LiveServerTests.freePort()
        let p = process(["serve", fixture.folder.path, "--port", "\(port)", "--store", fixture.store.root, "--log-level", "warning"] + extra,
                        environment: environment)
        try p.run()
        let base = URL(string: "http://127.0.0.1:\(port)")!
        for _ in 0..<200 {
            if let (status, _) = try? await LiveServerTests.request(base.appendingPathComponent("healthz")), status == 200 { return (p, base) }
            try await Task.sleep(for: .milliseconds(50))
        }
        p.terminate()
        throw CancellationError()
    }

    func servingVersion(_ base: URL) async throws -> String? {
        try await HotReloadTests.post(base.appendingPathComponent("loan_status"), ReloadFixture.applicant).1
    }

    func waitForVersion(_ version: String, _ base: URL) async throws -> Bool {
        for _ in 0..<100 {
            if try await servingVersion(base) == version { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: LiveServerTests.binary.path), "needs swift build first"))
    func servePollsTheStoreAndFollowsTheAlias() async throws {
        let fixture = try ReloadFixture()
        let (server, base) = try await serve(fixture, ["--reload-interval", "0.2"])
        defer { server.terminate(); server.waitUntilExit() }
        #expect(try await servingVersion(base) == "1")
        let (moved, _, _) = try augur("models", "alias", "loan:2", "production", "--store", fixture.store.root)
        #expect(moved == 0)
        #expect(try await waitForVersion("2", base), "the server did not pick up loan@production → 2 by polling")
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: LiveServerTests.binary.path), "needs swift build first"))
    func serveReloadsOnSIGHUPAndTheAdminEndpointAndReportsRefusals() async throws {
        let fixture = try ReloadFixture()
        let token = "test-token-0123456789abcdef"
        let (server, base) = try await serve(fixture, ["--reload-interval", "0", "--admin"], environment: ["AUGUR_ADMIN_TOKEN": token])
        defer { server.terminate(); server.waitUntilExit() }

        try fixture.store.setAlias("production", name: "loan", version: "2")
        try await Task.sleep(for: .milliseconds(300))
        #expect(try await servingVersion(base) == "1", "polling is off: nothing changes before SIGHUP")
        kill(server.processIdentifier, SIGHUP)
        #expect(try await waitForVersion("2", base), "SIGHUP did not reload")

        // A version that does not fit the route: refused, reported, version 2 keeps serving.
        let (imported, _, _) = try augur("models", "import", ReloadFixture.wrongShapeModel, "--name", "loan", "--alias", "production", "--store", fixture.store.root)
        #expect(imported == 0)
        var request = URLRequest(url: base.appendingPathComponent("admin/reload"))
        request.httpMethod = "POST"
        let (_, denied) = try await URLSession.shared.data(for: request)
        #expect((denied as? HTTPURLResponse)?.statusCode == 401)
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        let (data, response) = try await URLSession.shared.data(for: request)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains(#""version":"3""#) && text.contains("routes.loan_status"), "\(text)")
        #expect(try await servingVersion(base) == "2")
        let (_, ready) = try await LiveServerTests.request(base.appendingPathComponent("readyz"))
        let readiness = String(decoding: ready, as: UTF8.self)
        #expect(readiness.contains(#""error":{"version":"3""#) && readiness.contains(#""version":"2""#), "\(readiness)")
    }
}
