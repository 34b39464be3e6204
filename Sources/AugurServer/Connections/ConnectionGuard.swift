import AugurService
import NIOCore

/// One connection's timeouts, lingering close and graceful drain, first in its pipeline (after
/// TLS): it sees the raw bytes, hears about request and response boundaries from
/// `RequestBoundaries`, and writes its own answers (408, 503) as raw bytes.
///
/// Cost: per read a flag test (and a clock read while a body arrives); per request three clock
/// reads; one timer per connection, rescheduled only when it fires (at most every
/// `ConnectionTimeouts.tick`), never per request.
final class ConnectionGuard: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let timeouts: ConnectionTimeouts
    /// Over `max_connections`: answer 503 and close without reading a request.
    let refuse: Bool

    /// Requests whose head arrived and whose response has not ended.
    private var inFlight = 0
    /// A request head was read and its end was not.
    private var requestOpen = false
    /// The current response's head was written and its end was not.
    private var responseStarted = false
    /// Bytes of a request head arrived since the last response ended.
    private var headBytes = false
    /// No request yet: the header timeout runs from the connection's start.
    private var firstRequest = true
    /// When the wait for a head (or idling) began, when the oldest in-flight head arrived, the last read.
    private var waitStart = NIODeadline.now(), headTime = NIODeadline.now(), lastRead = NIODeadline.now()
    /// Discarding input until the client closes or stops sending: since when, for how long at most.
    private var linger: (start: NIODeadline, limit: TimeAmount)?
    /// Graceful shutdown began at this time.
    private var quiesced: NIODeadline?
    private var timer: Scheduled<Void>?
    private var context: ChannelHandlerContext?
    private var closed = false

    init(timeouts: ConnectionTimeouts, refuse: Bool) {
        self.timeouts = timeouts
        self.refuse = refuse
    }

    /// Our own answer was written: `RequestBoundaries` drops what the application writes after it.
    private(set) var answered = false

    func handlerAdded(context: ChannelHandlerContext) {
        // Added before the accepted channel is registered: the timer and any answer start at channelActive.
        self.context = context
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context)
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        self.context = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        closed = true
        timer?.cancel()
        timer = nil
        context.fireChannelInactive()
    }

    private func start(_ context: ChannelHandlerContext) {
        guard timer == nil, !closed else { return }
        waitStart = .now()
        if refuse {
            answer(context, status: "503 Service Unavailable", type: .tooManyConnections,
                   msg: "The server has \(timeouts.maxConnections) connections open, its limit; retry later.")
        }
        schedule(context, now: waitStart)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if linger != nil {
            lastRead = .now()
            return
        }
        if requestOpen {
            lastRead = .now()
        } else if !headBytes && inFlight == 0 {
            headBytes = true
            if !firstRequest { waitStart = .now() }
        }
        context.fireChannelRead(data)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        // While lingering nothing reaches the application, which may have stopped asking for reads.
        if linger != nil { context.read() } else { context.fireChannelReadComplete() }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if linger != nil, case ChannelEvent.inputClosed? = event as? ChannelEvent { return close(context) }
        guard event is ChannelShouldQuiesceEvent else { return context.fireUserInboundEventTriggered(event) }
        // Not passed on: Hummingbird would close idle connections at once, racing a client that is
        // sending its next request; they get `quiesceGrace` to send it (answered with Connection: close).
        quiesced = .now()
        schedule(context, now: .now())
    }

    // MARK: Boundaries, from RequestBoundaries

    func requestHead() {
        requestOpen = true
        inFlight += 1
        let now = NIODeadline.now()
        if inFlight == 1 { headTime = now }
        lastRead = now
        headBytes = false
        firstRequest = false
    }

    func requestEnd() { requestOpen = false }

    /// A response head is about to be written; true when it must say `Connection: close`.
    func responseHead() -> Bool {
        responseStarted = true
        return requestOpen || quiesced != nil
    }

    /// A response ended; true when the connection closes once it is flushed.
    func responseEnd() -> Bool {
        responseStarted = false
        inFlight = max(0, inFlight - 1)
        let now = NIODeadline.now()
        if inFlight > 0 { headTime = now; return false }
        if requestOpen, let context {
            // Answered before the body was read (413): read and discard the rest, then close, so a
            // client that sends its whole body before reading gets to read the answer.
            startLinger(context, limit: timeouts.lingerTime)
            return false
        }
        waitStart = now
        headBytes = false
        return quiesced != nil
    }

    // MARK: Timer

    private enum Action { case close, answer408(String), answer503(String) }

    /// The earliest deadline in the current state and what happens there.
    private func nextDeadline() -> (NIODeadline, Action)? {
        var best: (NIODeadline, Action)?
        func consider(_ start: NIODeadline, _ amount: TimeAmount?, _ action: Action) {
            guard let amount else { return }
            let deadline = start + amount
            if best == nil || deadline < best!.0 { best = (deadline, action) }
        }
        if let linger {
            consider(lastRead, timeouts.lingerTimeout, .close)
            consider(linger.start, linger.limit, .close)
            return best
        }
        if let quiesced {
            consider(quiesced, timeouts.drain, .close)
            if inFlight == 0 && !requestOpen && !headBytes { consider(max(quiesced, waitStart), timeouts.quiesceGrace, .close) }
        }
        if requestOpen {
            let late = responseStarted ? Action.close : .answer408("The request body did not arrive in time.")
            consider(lastRead, timeouts.body, late)
            consider(headTime, timeouts.request, late)
        } else if inFlight > 0 {
            consider(headTime, timeouts.request, responseStarted ? .close : .answer503("The request was not answered within \(timeouts.requestSeconds) s."))
        } else if headBytes {
            consider(waitStart, timeouts.header, .answer408("The request head was not complete within \(timeouts.headerSeconds) s."))
        } else if firstRequest {
            consider(waitStart, timeouts.header, .close)
        } else {
            consider(waitStart, timeouts.idle, .close)
        }
        return best
    }

    private func schedule(_ context: ChannelHandlerContext, now: NIODeadline) {
        timer?.cancel()
        guard !closed else { return }
        var at = now + timeouts.tick
        if let next = nextDeadline(), next.0 < at { at = next.0 }
        timer = context.eventLoop.assumeIsolatedUnsafeUnchecked().scheduleTask(deadline: at) { [weak self] in
            self?.fire()
        }
    }

    private func fire() {
        guard let context, !closed else { return }
        let now = NIODeadline.now()
        if let next = nextDeadline(), next.0 <= now {
            switch next.1 {
            case .close: return close(context)
            case .answer408(let msg): answer(context, status: "408 Request Timeout", type: .requestTimeout, msg: msg)
            case .answer503(let msg): answer(context, status: "503 Service Unavailable", type: .requestTimeout, msg: msg)
            }
        }
        schedule(context, now: now)
    }

    // MARK: Answers and closing

    /// Writes a complete response of ours with `Connection: close`, then lingers briefly.
    private func answer(_ context: ChannelHandlerContext, status: String, type: IssueType, msg: String) {
        answered = true
        let body = RequestError(status: 0, issues: [Issue(type: type, loc: [], msg: msg)]).body.serializedString
        let head = "HTTP/1.1 \(status)\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\nServer: augur\r\n\r\n"
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: head + body)), promise: nil)
        // Closing with unread input would reset the connection and could destroy the answer.
        startLinger(context, limit: timeouts.answerLinger)
    }

    private func startLinger(_ context: ChannelHandlerContext, limit: TimeAmount) {
        guard linger == nil else { return }
        let now = NIODeadline.now()
        linger = (now, limit)
        lastRead = now
        context.read()
        schedule(context, now: now)
    }

    private func close(_ context: ChannelHandlerContext) {
        guard !closed else { return }
        closed = true
        timer?.cancel()
        timer = nil
        context.close(promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A client resetting a lingering connection is its normal end.
        if linger != nil { return close(context) }
        context.fireErrorCaught(error)
    }
}

/// The timeouts of `ConnectionSettings` as NIO amounts (nil: off), with the lingering bounds.
struct ConnectionTimeouts: Sendable {
    var header, idle, body, request, drain: TimeAmount?
    var lingerTimeout = TimeAmount.seconds(Int64(ServiceDefaults.lingerTimeout))
    var lingerTime = TimeAmount.seconds(Int64(ServiceDefaults.lingerTime))
    /// How long an idle kept-alive connection stays open once graceful shutdown begins.
    var quiesceGrace = TimeAmount.milliseconds(500)
    /// How long input is read and discarded after an answer of our own (408, 503), before closing.
    var answerLinger = TimeAmount.milliseconds(250)
    var maxConnections: Int
    var headerSeconds: String, requestSeconds: String
    /// The longest the timer sleeps: the shortest per-request timeout, so no deadline a request
    /// sets is ever earlier than the timer.
    var tick: TimeAmount

    init(_ settings: ConnectionSettings) {
        func amount(_ seconds: Double) -> TimeAmount? { seconds > 0 ? .nanoseconds(Int64(seconds * 1e9)) : nil }
        header = amount(settings.headerTimeout)
        idle = amount(settings.idleTimeout)
        body = amount(settings.bodyTimeout)
        request = amount(settings.requestTimeout)
        drain = amount(settings.drainTimeout) ?? .nanoseconds(1)
        maxConnections = settings.maxConnections
        headerSeconds = Self.seconds(settings.headerTimeout)
        requestSeconds = Self.seconds(settings.requestTimeout)
        if let drain, drain < quiesceGrace { quiesceGrace = drain }
        // Deadlines the request events move (they do not reschedule the timer); the others (drain,
        // lingering) are set by events that reschedule it.
        tick = [header, idle, body, request].compactMap { $0 }.min() ?? .seconds(60)
    }

    static func seconds(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}
