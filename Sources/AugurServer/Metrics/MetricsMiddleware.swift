import Hummingbird

/// Counts every request (outermost, so refusals by auth and CORS count too): by endpoint,
/// method and status, its duration, the requests in flight, and the error types its answer
/// reported.
struct MetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServerMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let endpoint = metrics.endpoint(of: request.head.path ?? "")
        let errors = ErrorTypes()
        metrics.inFlight.increment()
        defer { metrics.inFlight.decrement() }
        do {
            let response = try await ErrorTypes.$current.withValue(errors) { try await next(request, context) }
            finish(endpoint, request, status: Int(response.status.code), start, errors)
            return response
        } catch {
            finish(endpoint, request, status: (error as? any HTTPResponseError)?.status.code ?? 500, start, errors)
            throw error
        }
    }

    private func finish(_ endpoint: EndpointMetrics, _ request: Request, status: Int, _ start: ContinuousClock.Instant, _ errors: ErrorTypes) {
        endpoint.duration.record(ContinuousClock.now - start)
        endpoint.count(request.method, status: status)
        let types = errors.all
        if !types.isEmpty { metrics.countErrors(endpoint: endpoint.label, types: types) }
    }
}
