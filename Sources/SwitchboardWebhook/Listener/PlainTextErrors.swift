import Hummingbird
import Logging

/// Turns every error into a plain-text answer a person can read in a terminal or in
/// Twilio's debugger: `HTTPError`s keep their status and message; anything else is a `500`
/// that is logged (once a minute at most, with how many more there were), so the listener
/// keeps serving and a failing disk cannot flood the log.
struct PlainTextErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let failureLog = LogThrottle(interval: .seconds(60), now: { .now })

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError {
            var headers = error.headers
            headers[.contentType] = "text/plain; charset=utf-8"
            return Response(status: error.status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: (error.body ?? error.status.reasonPhrase) + "\n")))
        } catch let error as any HTTPResponseError {
            return Response(
                status: error.status, headers: [.contentType: "text/plain; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: error.status.reasonPhrase + "\n")))
        } catch {
            if let suppressed = failureLog.admit("failed") {
                let more = suppressed > 0 ? " (+\(suppressed) more failures in the last minute, not logged)" : ""
                context.logger.error("webhook failed: \(error)\(more)")
            }
            return Response(
                status: .internalServerError, headers: [.contentType: "text/plain; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: "internal error; the listener's log says why\n")))
        }
    }
}

/// Answers `405` with an `Allow` header when a known path is called with the wrong method,
/// where the router alone would answer `404`.
struct MethodGuardMiddleware<Context: RequestContext>: RouterMiddleware {
    let allowed: [String: [HTTPRequest.Method]]
    let onRefusal: @Sendable (Request, String) async -> Void

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        if let methods = allowed[request.uri.path], !methods.contains(request.method) {
            let names = methods.map(\.rawValue).joined(separator: ", ")
            let reason = "\(request.uri.path) accepts \(names) only, not \(request.method.rawValue)"
            await onRefusal(request, reason)
            throw HTTPError(.methodNotAllowed, headers: [.allow: names], message: reason)
        }
        return try await next(request, context)
    }
}
