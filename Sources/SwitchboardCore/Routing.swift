/// Where an inbound SMS goes (SPEC §3, steps 4 to 6), decided from facts the store looked
/// up: the number it was sent to, and whether the sender is a sitter.
///
/// The rules, in order:
/// 1. `To` is not one of our numbers → ``InboundRoute/unrouted``.
/// 2. The sender is a sitter:
///    - a consent keyword (STOP, START, HELP…) → the sitter's `owner_sitter` thread, so it
///      never reaches a client;
///    - an offer command (`YES`, `N B1042`…) → ``InboundRoute/offerCommand(sitterId:command:)``;
///    - to their own masked number → ``InboundRoute/sitterReply(sitterId:)`` (relayed to the
///      client waiting for an answer on that number, else the `owner_sitter` thread);
///    - to any other number (the front desk, a pool number, another sitter's number) →
///      ``InboundRoute/sitterToOwner(sitterId:)``.
/// 3. Anyone else is a client:
///    - to a number assigned to a sitter → ``InboundRoute/clientToSitter(sitterId:)``;
///    - to the front desk, or a number with no sitter → ``InboundRoute/clientToFrontDesk``.
public enum InboundRoute: Equatable, Sendable {
    case unrouted
    case offerCommand(sitterId: RowID, command: OfferCommand)
    case sitterReply(sitterId: RowID)
    case sitterToOwner(sitterId: RowID)
    case clientToSitter(sitterId: RowID)
    case clientToFrontDesk

    /// What the store knows about the `To` number.
    public struct Number: Equatable, Sendable {
        public var numberClass: NumberClass
        public var assignedSitterId: RowID?
        public init(numberClass: NumberClass, assignedSitterId: RowID?) {
            self.numberClass = numberClass
            self.assignedSitterId = assignedSitterId
        }
    }

    /// Decides the route. `senderSitterId` is the sitter whose personal phone sent the SMS.
    public static func decide(
        number: Number?, senderSitterId: RowID?, body: String, consent: ConsentKeyword?
    ) -> InboundRoute {
        guard let number else { return .unrouted }
        if let sitterId = senderSitterId {
            if consent != nil { return .sitterToOwner(sitterId: sitterId) }
            if let command = OfferCommand.parse(body) { return .offerCommand(sitterId: sitterId, command: command) }
            if number.numberClass != .frontDesk, number.assignedSitterId == sitterId {
                return .sitterReply(sitterId: sitterId)
            }
            return .sitterToOwner(sitterId: sitterId)
        }
        if number.numberClass != .frontDesk, let sitterId = number.assignedSitterId {
            return .clientToSitter(sitterId: sitterId)
        }
        return .clientToFrontDesk
    }
}
