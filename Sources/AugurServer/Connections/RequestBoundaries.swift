import NIOCore
import NIOHTTPTypes

/// Tells the connection's `ConnectionGuard` where requests and responses begin and end, marks a
/// response `Connection: close` when the connection will not be reused, and drops what the
/// application writes after the guard answered on its own. Sits after the HTTP codec.
final class RequestBoundaries: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private var guardHandler: ConnectionGuard?

    func handlerAdded(context: ChannelHandlerContext) {
        guardHandler = try? context.pipeline.syncOperations.handler(type: ConnectionGuard.self)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        guardHandler = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if let guardHandler {
            switch unwrapInboundIn(data) {
            case .head: guardHandler.requestHead()
            case .end: guardHandler.requestEnd()
            case .body: break
            }
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard let guardHandler else { return context.write(data, promise: promise) }
        if guardHandler.answered {
            promise?.fail(ChannelError.ioOnClosedChannel)
            return
        }
        switch unwrapOutboundIn(data) {
        case .head(var head):
            if guardHandler.responseHead() {
                head.headerFields[.connection] = "close"
                context.write(wrapOutboundOut(.head(head)), promise: promise)
            } else {
                context.write(data, promise: promise)
            }
        case .end:
            guard guardHandler.responseEnd() else { return context.write(data, promise: promise) }
            let flushed = context.eventLoop.makePromise(of: Void.self)
            flushed.futureResult.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
            if let promise { flushed.futureResult.cascade(to: promise) }
            context.writeAndFlush(data, promise: flushed)
        case .body:
            context.write(data, promise: promise)
        }
    }
}
