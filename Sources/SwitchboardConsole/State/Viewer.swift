import SwitchboardCore

/// Whose console this is. The owner's shows the business; a sitter's (`console --sitter`)
/// shows her mailbox, her pending offers and her own tier figures, and reads nothing else:
/// the screen's query is scoped by the mailbox rule (``ConsoleViewQuery``), the keys that
/// act on others are refused here, and her actions check each thread (``SitterActions``).
public enum Viewer: Equatable, Sendable {
    case owner
    case sitter(id: RowID, name: String)

    public var sitterId: RowID? {
        if case .sitter(let id, _) = self { id } else { nil }
    }

    /// Why a sitter's console does not run the `:` command `name`, or nil when it may: she
    /// replies and reads her own; the rest is the owner's.
    func refusal(ofCommand name: String) -> String? {
        guard sitterId != nil else { return nil }
        return ["reply", "help", "quit", "tiers"].contains(name) ? nil : "Only the owner uses :\(name); this console is yours alone."
    }

    /// Why a sitter's console does not do `action`, or nil when it may.
    func refusal(of action: Action) -> String? {
        guard sitterId != nil else { return nil }
        switch action {
        case .startAssign: return "Only the owner assigns threads; this console is yours alone."
        case .startOffer: return "Only the owner offers bookings; yours are in Your offers, answer them with y or n."
        case .toggleUnrouted, .routeSelected: return "Unrouted texts are the owner's to sort out."
        case .toggleReceipts: return "Webhook receipts hold every mailbox's texts; they are the owner's to inspect."
        case .nextOrg: return "This console shows your own business only."
        default: return nil
        }
    }
}
