/// A failure the user must act on (bad file, bad rows): printed as `Error: …`, exit code 1.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
