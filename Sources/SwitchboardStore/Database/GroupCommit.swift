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
final class GroupCommitQueue: Sendable {
    typealias Work = @Sendable (Database) throws -> any Sendable

    struct Job {
        var work: Work
        var continuation: CheckedContinuation<any Sendable, any Error>
    }

    struct State {
        var pending: [Job] = []
        var leading = false
        var batchObserver: (@Sendable (Int) -> Void)?
    }

    private let writer: any DatabaseWriter
    private let state = Mutex(State())
    /// The webhook statements, kept prepared on the writer's connection across batches.
    private let hotStatements = HotStatementSet()
    /// The most writes one transaction takes, so one batch's latency stays bounded.
    let maxBatch: Int

    init(writer: any DatabaseWriter, maxBatch: Int = 512) {
        self.writer = writer
        self.maxBatch = maxBatch
    }

    /// Calls `observer` with the number of writes of every batch committed from now on (the
    /// listener's metrics).
    func observeBatches(_ observer: @escaping @Sendable (Int) -> Void) {
        state.withLock { $0.batchObserver = observer }
    }

    /// Runs `work` in a transaction shared with the writes submitted at the same moment and
    /// returns its result once that transaction has committed.
    func submit<T: Sendable>(_ work: @escaping @Sendable (Database) throws -> T) async throws -> T {
        let result = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<any Sendable, any Error>) in
            let becomeLeader = state.withLock { state in
                state.pending.append(Job(work: { try work($0) }, continuation: continuation))
                if state.leading { return false }
                state.leading = true
                return true
            }
            if becomeLeader { commitNextBatch() }
        }
        return result as! T
    }

    /// Takes up to ``maxBatch`` pending writes and commits them as one transaction on the
    /// writer's queue; once committed, answers them and commits the next batch, until none is
    /// pending. Chained through GRDB's callbacks rather than a leader task, so a batch costs
    /// no extra hop through the concurrency runtime.
    private func commitNextBatch() {
        let (batch, observer) = state.withLock { state -> ([Job], (@Sendable (Int) -> Void)?) in
            let taken = Array(state.pending.prefix(maxBatch))
            state.pending.removeFirst(taken.count)
            if taken.isEmpty { state.leading = false }
            return (taken, state.batchObserver)
        }
        if batch.isEmpty { return }
        observer?(batch.count)
        writer.asyncWrite { [hotStatements] db in
            try hotStatements.withCurrent {
                var outcomes: [Result<any Sendable, any Error>] = []
                outcomes.reserveCapacity(batch.count)
                for job in batch {
                    outcomes.append(try Self.run(job.work, inSavepointOf: db))
                }
                return outcomes
            }
        } completion: { _, result in
            switch result {
            case .success(let outcomes):
                for (job, outcome) in zip(batch, outcomes) { job.continuation.resume(with: outcome) }
            case .failure(let error):
                for job in batch { job.continuation.resume(throwing: error) }
            }
            self.commitNextBatch()
        }
    }

    /// Runs one write in its own savepoint: its error rolls back its changes only. The
    /// savepoint statements are cached (`Database.inSavepoint` prepares them anew each time,
    /// twice per webhook). Throws only when the savepoint itself fails, which fails the batch.
    private static func run(_ work: Work, inSavepointOf db: Database) throws -> Result<any Sendable, any Error> {
        try db.run(hot: .savepoint)
        do {
            let value = try work(db)
            try db.run(hot: .releaseSavepoint)
            return .success(value)
        } catch {
            try db.run(hot: .rollbackSavepoint)
            try db.run(hot: .releaseSavepoint)
            return .failure(error)
        }
    }
}
