import Foundation
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Starts the real `augur serve examples/loan` binary on a free port and talks to it over a
/// socket: the README's main command, end to end.
@Suite(.serialized) struct LiveServerTests {
    static let binary = Support.root.appendingPathComponent(".build/debug/augur")

    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func request(_ url: URL, body: String? = nil) async throws -> (Int, Data) {
        var request = URLRequest(url: url)
        if let body {
            request.httpMethod = "POST"
            request.httpBody = Data(body.utf8)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: binary.path), "needs swift build first"))
    func serveLoanExampleOverASocket() async throws {
        let port = Self.freePort()
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = ["serve", Support.examples.appendingPathComponent("loan").path, "--port", "\(port)", "--log-level", "warning"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        defer { process.terminate(); process.waitUntilExit() }
        let base = URL(string: "http://127.0.0.1:\(port)")!
        var ready = false
        for _ in 0..<100 where !ready {
            if let (status, _) = try? await Self.request(base.appendingPathComponent("healthz")), status == 200 { ready = true } else {
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        #expect(ready, "the server did not answer /healthz within 5 s")
        let body = #"{"ApplicantIncome": 5849, "LoanAmount": 128, "Credit_History": 1, "Property_Area": "Urban"}"#
        let (status, data) = try await Self.request(base.appendingPathComponent("loan_status"), body: body)
        #expect(status == 200)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"prediction\":\"Approved\""), "\(text)")
        let (bad, badData) = try await Self.request(base.appendingPathComponent("loan_status"), body: #"{"LoanAmount": -1}"#)
        #expect(bad == 422)
        #expect(String(decoding: badData, as: UTF8.self).contains("\"detail\""))
    }
}
