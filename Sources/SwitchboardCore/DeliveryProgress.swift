extension DeliveryStatus {
    /// How far along its life a message is. Status callbacks can arrive out of order (a late
    /// `sent` after `delivered`); a status never replaces one that is further along.
    public var progress: Int {
        switch self {
        case .accepted, .scheduled: 0
        case .queued, .received: 1
        case .sending: 2
        case .sent: 3
        case .delivered, .undelivered, .failed, .canceled: 4
        case .read: 5
        }
    }
}
