import Foundation

extension Date {
    /// The date as the store writes it: `YYYY-MM-DD HH:MM:SS.SSS`, UTC (what the sqlite3
    /// shell's `datetime()` reads), for binding on the hot path and for reports that show
    /// stored values as stored.
    ///
    /// GRDB formats every `Date` it binds through a `DateFormatter` (ICU), a few
    /// microseconds each, and the ingest path binds two or three per webhook. The text is
    /// the formatter's exactly (``StoredDate/text(_:)``, one writer for the hot path and the
    /// console's reads), so stored rows compare equal whichever way they were written
    /// (`HotStatementTests` checks it on 60,000 dates).
    public var storedText: String { StoredDate.text(self) }
}
