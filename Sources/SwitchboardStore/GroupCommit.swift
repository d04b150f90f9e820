import GRDB
import Synchronization

/// Group commit: writes submitted while another transaction is committing wait, then share
/// one transaction, so `synchronous=FULL` pays one fsync for a whole batch rather than one
/// per webhook.
///
/// Each write runs in its own savepoint: one that throws is rolled back alone and gets its
/// error, and the others still commit. Every caller is resumed only after the transaction
/// that holds its write has committed (or with the commit's error), so "answered" always
/// means "durable".
///
/// There is no background task to start or stop: the first caller that finds nobody
/// committing becomes the leader, commits batches until none is pending, then steps down.
///
/// ```swift
/// let answer = try await queue.submit { db in try store.ingestInbound(db, request, now: now) }
/// ```
public final class GroupCommitQueue: Sendable {
    typealias Work = @Sendable (Database) throws -> any Sendable

    struct Job {
        var work: Work
        var continuation: CheckedContinuation<any Sendable, any Error>
    }

    struct State {
        var pending: [Job] = []
        var leading = false
    }

    private let writer: any DatabaseWriter
    private let state = Mutex(State())
    /// The most writes one transaction takes, so one batch's latency stays bounded.
    let maxBatch: Int

    public init(writer: any DatabaseWriter, maxBatch: Int = 512) {
        self.writer = writer
        self.maxBatch = maxBatch
    }

    /// Runs `work` in a transaction shared with the writes submitted at the same moment and
    /// returns its result once that transaction has committed.
    public func submit<T: Sendable>(_ work: @escaping @Sendable (Database) throws -> T) async throws -> T {
        let result = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<any Sendable, any Error>) in
            let becomeLeader = state.withLock { state in
                state.pending.append(Job(work: { try work($0) }, continuation: continuation))
                if state.leading { return false }
                state.leading = true
                return true
            }
            if becomeLeader {
                Task { await self.lead() }
            }
        }
        return result as! T
    }

    /// Commits batches until none is pending.
    private func lead() async {
        while true {
            let batch = state.withLock { state -> [Job] in
                let taken = Array(state.pending.prefix(maxBatch))
                state.pending.removeFirst(taken.count)
                if taken.isEmpty { state.leading = false }
                return taken
            }
            if batch.isEmpty { return }
            await commit(batch)
        }
    }

    private func commit(_ batch: [Job]) async {
        let outcomes: [Result<any Sendable, any Error>]
        do {
            outcomes = try await writer.write { db in
                var outcomes: [Result<any Sendable, any Error>] = []
                outcomes.reserveCapacity(batch.count)
                for job in batch {
                    var outcome: Result<any Sendable, any Error> = .failure(CancellationError())
                    do {
                        try db.inSavepoint {
                            outcome = .success(try job.work(db))
                            return .commit
                        }
                    } catch {
                        outcome = .failure(error)
                    }
                    outcomes.append(outcome)
                }
                return outcomes
            }
        } catch {
            for job in batch { job.continuation.resume(throwing: error) }
            return
        }
        for (job, outcome) in zip(batch, outcomes) {
            job.continuation.resume(with: outcome)
        }
    }
}
