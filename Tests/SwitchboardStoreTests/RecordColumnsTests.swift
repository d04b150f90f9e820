import GRDB
import SwitchboardCore
@testable import SwitchboardStore
import Testing

/// Each record names its columns once (`Columns`): the names must be the table's, in order.
struct RecordColumnsTests {
    static let records: [(table: String, columns: [Column])] = [
        ("org", Org.Columns.all), ("sitter", Sitter.Columns.all), ("client", Client.Columns.all),
        ("booking", Booking.Columns.all), ("message_number", MessageNumber.Columns.all),
        ("message_thread", MessageThread.Columns.all), ("message_event", MessageEvent.Columns.all),
        ("message_media", MessageMedia.Columns.all),
        ("message_response_link", MessageResponseLink.Columns.all), ("offer_event", OfferEvent.Columns.all),
        ("sitter_metrics_window", SitterMetricsWindow.Columns.all), ("event_log", EventLog.Columns.all),
        ("webhook_receipt", WebhookReceipt.Columns.all),
    ]

    @Test("Every record's Columns are its table's columns, in order", arguments: records.map(\.table))
    func columnsMatchTheTable(table: String) throws {
        let columns = try #require(Self.records.first { $0.table == table }?.columns)
        let names = try AppDatabase.makeEmpty().reader.read { db in try db.columns(in: table).map(\.name) }
        #expect(columns.map(\.name) == names)
    }
}
