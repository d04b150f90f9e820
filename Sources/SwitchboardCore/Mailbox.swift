/// The mailbox a thread is shown in. No mailbox column is stored: it is derived from
/// `assigned_sitter_id` and `scope`, by one rule that exists here twice, in Swift and as
/// SQL, and a test proves the two agree on every combination.
///
/// - A sitter's mailbox: client threads (`client_booking`, `client_general`) assigned to them.
/// - The owner inbox: every other thread, including unassigned client threads (waiting for
///   triage) and `owner_sitter` threads that name a sitter.
///
/// ```swift
/// Mailbox.of(assignedSitterID: 7, scope: .clientGeneral)   // .sitter(7)
/// Mailbox.of(assignedSitterID: 7, scope: .ownerSitter)     // .owner
/// ```
public enum Mailbox: Hashable, Sendable, CustomStringConvertible {
    case owner
    case sitter(RowID)

    public static func of(assignedSitterID: RowID?, scope: ThreadScope) -> Mailbox {
        if let sitterID = assignedSitterID, scope.isClientThread {
            return .sitter(sitterID)
        }
        return .owner
    }

    /// The integer the SQL rule yields: `0` for the owner inbox, else the sitter's id.
    /// Sitter ids are rowids, which start at 1, so `0` never names a sitter.
    public var key: RowID {
        switch self {
        case .owner: 0
        case .sitter(let id): id
        }
    }

    public init(key: RowID) {
        self = key == 0 ? .owner : .sitter(key)
    }

    /// The same rule as a SQL expression over `message_thread`'s columns. It is also the
    /// expression of the index `message_thread_mailbox`, so a mailbox's thread list is an
    /// index range scan: SQLite uses an expression index only when a query spells the same
    /// expression, so always use this constant, never a copy of it.
    public static let sqlKeyExpression = sqlKey(of: "")

    /// The rule over the columns of a named row, such as `NEW.` or `OLD.` in a trigger.
    /// Same text as ``sqlKeyExpression`` but for the prefix: one template for both.
    public static func sqlKey(of row: String) -> String {
        "(CASE WHEN \(row)assigned_sitter_id IS NOT NULL AND \(row)scope IN ('client_booking','client_general') THEN \(row)assigned_sitter_id ELSE 0 END)"
    }

    /// Whether a row is an unassigned client thread (the owner's triage queue), as SQL.
    public static func sqlIsUnassigned(of row: String) -> String {
        "(\(row)assigned_sitter_id IS NULL AND \(row)scope IN ('client_booking','client_general'))"
    }

    public var description: String {
        switch self {
        case .owner: "owner"
        case .sitter(let id): "sitter \(id)"
        }
    }
}
