import GRDB
import SwitchboardCore

extension AppDatabase {
    /// The schema of SPEC §1. Migrations are append-only: never edit a shipped one.
    static let migrator: DatabaseMigrator = {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: "org") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("name", .text).notNull().unique()
            }
            try db.create(table: "sitter") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("org_id", .integer).notNull().references("org")
                t.column("name", .text).notNull()
                t.column("phone_e164", .text).notNull()
                t.column("active", .boolean).notNull().defaults(to: true)
                t.column("opted_out", .boolean).notNull().defaults(to: false)
                t.uniqueKey(["org_id", "phone_e164"])
            }
            // The listener recognises a sitter by personal phone whatever the org.
            try db.create(index: "sitter_phone", on: "sitter", columns: ["phone_e164"])
            try db.create(table: "client") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("org_id", .integer).notNull().references("org")
                t.column("name", .text)
                t.column("phone_e164", .text).notNull()
                t.column("opted_out", .boolean).notNull().defaults(to: false)
                t.uniqueKey(["org_id", "phone_e164"])
            }
            try db.create(table: "booking") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("org_id", .integer).notNull().references("org")
                t.column("code", .text).notNull()
                t.column("client_id", .integer).notNull().references("client").indexed()
                t.column("service", .text).notNull()
                t.column("starts_at", .datetime).notNull()
                t.column("ends_at", .datetime).notNull()
                t.column("status", .text).notNull()
                    .check { ["open", "assigned", "cancelled"].contains($0) }
                t.column("sitter_id", .integer).references("sitter").indexed()
                t.uniqueKey(["org_id", "code"])
            }
            try db.create(table: "message_number") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("org_id", .integer).notNull().references("org")
                t.column("e164", .text).notNull().unique()
                t.column("number_class", .text).notNull()
                    .check { ["front_desk", "sitter", "pool"].contains($0) }
                t.column("assigned_sitter_id", .integer).references("sitter").indexed()
            }
            try db.create(table: "message_thread") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("org_id", .integer).notNull().references("org")
                t.column("assigned_sitter_id", .integer).references("sitter")
                t.column("scope", .text).notNull()
                    .check { ["client_booking", "client_general", "owner_sitter", "internal"].contains($0) }
                t.column("booking_id", .integer).references("booking").indexed()
                t.column("client_id", .integer).references("client").indexed()
                t.column("counterpart_e164", .text)
                t.column("masked_number_e164", .text)
                t.column("number_class", .text)
                t.column("created_at", .datetime).notNull()
                t.column("last_message_at", .datetime).notNull()
                t.column("unread", .integer).notNull().defaults(to: 0)
            }
            // A mailbox's thread list, newest first, is a range of this index (SPEC §2).
            try db.execute(sql: """
                CREATE INDEX message_thread_mailbox
                ON message_thread(org_id, \(Mailbox.sqlKeyExpression), last_message_at DESC, id DESC)
                """)
            try createMailboxStats(db)
            // A sitter's threads by scope: every message a sitter sends to the front desk finds
            // their owner_sitter thread here in one probe, not by reading all their client
            // threads (about a thousand each on a large database). Also the index of the
            // foreign key. No changing column in it, so a new message does not rewrite it.
            try db.create(index: "message_thread_sitter_scope", on: "message_thread", columns: ["assigned_sitter_id", "scope"])

            // Routing finds a conversation by the number it runs through and the other party.
            try db.create(
                index: "message_thread_conversation", on: "message_thread",
                columns: ["masked_number_e164", "counterpart_e164"])

            try db.create(table: "message_event") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("org_id", .integer).notNull().references("org")
                t.column("thread_id", .integer).notNull().references("message_thread", onDelete: .cascade)
                t.column("direction", .text).notNull().check { ["inbound", "outbound"].contains($0) }
                t.column("actor_type", .text).notNull()
                    .check { ["client", "sitter", "owner", "system"].contains($0) }
                t.column("body", .text).notNull()
                t.column("provider_message_sid", .text).unique()
                t.column("created_at", .datetime).notNull()
                t.column("delivery_status", .text)
            }
            try db.create(index: "message_event_thread", on: "message_event", columns: ["thread_id", "created_at", "id"])

            try db.create(table: "message_response_link") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("org_id", .integer).notNull().references("org")
                t.column("thread_id", .integer).notNull().references("message_thread", onDelete: .cascade)
                t.column("requires_response_event_id", .integer).notNull().unique().references("message_event")
                t.column("requires_at", .datetime).notNull()
                t.column("response_event_id", .integer).references("message_event").indexed()
                t.column("response_seconds", .double)
            }
            try db.create(
                index: "message_response_link_thread", on: "message_response_link",
                columns: ["thread_id", "requires_at"])

            try db.create(table: "offer_event") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("org_id", .integer).notNull().references("org")
                t.column("sitter_id", .integer).notNull().references("sitter")
                t.column("booking_id", .integer).notNull().references("booking").indexed()
                t.column("status", .text).notNull()
                    .check { ["offered", "accepted", "declined", "expired", "withdrawn"].contains($0) }
                t.column("offered_at", .datetime).notNull()
                t.column("accepted_at", .datetime)
                t.column("declined_at", .datetime)
                t.column("expires_at", .datetime).notNull()
                t.column("closed_at", .datetime)
            }
            try db.create(index: "offer_event_sitter", on: "offer_event", columns: ["sitter_id", "status", "offered_at"])
            // Pending offers per sitter (the console's sitter list): a range of the pending
            // ones only, however many offers history holds.
            try db.execute(sql: """
                CREATE INDEX offer_event_pending ON offer_event(org_id, sitter_id, expires_at) WHERE status = 'offered'
                """)

            try db.create(table: "sitter_metrics_window") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("org_id", .integer).notNull().references("org")
                t.column("sitter_id", .integer).notNull().unique().references("sitter")
                t.column("window_start", .datetime).notNull()
                t.column("window_end", .datetime).notNull()
                t.column("avg_response_seconds", .double)
                t.column("median_response_seconds", .double)
                t.column("response_rate", .double)
                t.column("offer_accept_rate", .double)
                t.column("offer_median_response_seconds", .double)
                t.column("response_required_count", .integer).notNull()
                t.column("response_sample_count", .integer).notNull()
                t.column("offer_sample_count", .integer).notNull()
                t.column("offer_accepted_count", .integer).notNull()
                t.column("offer_response_sample_count", .integer).notNull()
                t.column("tier", .text).notNull()
                t.column("computed_at", .datetime).notNull()
            }

            // Sitters whose metrics changed since they were last computed: a write marks the
            // sitter here (one indexed insert) and the tier engine recomputes after commit.
            try db.create(table: "metrics_stale") { t in
                t.primaryKey("sitter_id", .integer).references("sitter", onDelete: .cascade)
            }

            try db.create(table: "event_log") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("org_id", .integer).notNull().references("org")
                t.column("event_type", .text).notNull()
                t.column("status", .text).notNull()
                t.column("metadata", .jsonText).notNull().defaults(to: "{}")
                t.column("booking_id", .integer).references("booking").indexed()
                t.column("created_at", .datetime).notNull()
            }
            try db.create(index: "event_log_type", on: "event_log", columns: ["event_type", "created_at"])

            try db.create(table: "webhook_receipt") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("org_id", .integer).references("org")
                t.column("path", .text).notNull()
                t.column("message_sid", .text)
                t.column("dedupe_key", .text).unique()
                t.column("raw_body", .text).notNull()
                t.column("headers", .jsonText).notNull()
                t.column("verdict", .text).notNull()
                t.column("status_code", .integer).notNull()
                t.column("response_body", .text).notNull()
                t.column("created_at", .datetime).notNull()
            }
            try db.create(index: "webhook_receipt_verdict", on: "webhook_receipt", columns: ["verdict", "id"])
            // Every webhook counted by verdict: refused requests are counted here and only
            // sampled in webhook_receipt, so a flood of forgeries cannot fill the disk (SPEC §6).
            try db.create(table: "webhook_tally") { t in
                t.primaryKey("verdict", .text)
                t.column("count", .integer).notNull().defaults(to: 0)
                t.column("last_at", .datetime)
            }
        }
        migrator.registerMigration("v2 sitter list index") { db in
            // The sitters pane reads one page of sitters by name: an index in that order
            // makes it a range, however many sitters the org has.
            try db.execute(sql: "CREATE INDEX sitter_list ON sitter(org_id, name COLLATE NOCASE, id)")
        }
        return migrator
    }()

    /// Per-mailbox counts (threads, threads with unread messages, unassigned client
    /// threads), kept by triggers on `message_thread`, so the console's counters cost a
    /// lookup per mailbox rather than a count over its threads. The triggers use the same
    /// mailbox rule as everything else (``Mailbox/sqlKey(of:)``).
    static func createMailboxStats(_ db: Database) throws {
        try db.create(table: "mailbox_stats") { t in
            t.column("org_id", .integer).notNull().references("org")
            t.column("mailbox_key", .integer).notNull()
            t.column("threads", .integer).notNull().defaults(to: 0)
            t.column("unread_threads", .integer).notNull().defaults(to: 0)
            t.column("unassigned_threads", .integer).notNull().defaults(to: 0)
            t.primaryKey(["org_id", "mailbox_key"])
        }
        func add(_ row: String, _ sign: String) -> String {
            """
            INSERT OR IGNORE INTO mailbox_stats (org_id, mailbox_key) VALUES (\(row)org_id, \(Mailbox.sqlKey(of: row)));
            UPDATE mailbox_stats SET
                threads = threads \(sign) 1,
                unread_threads = unread_threads \(sign) (\(row)unread > 0),
                unassigned_threads = unassigned_threads \(sign) \(Mailbox.sqlIsUnassigned(of: row))
            WHERE org_id = \(row)org_id AND mailbox_key = \(Mailbox.sqlKey(of: row));
            """
        }
        try db.execute(sql: """
            CREATE TRIGGER message_thread_stats_insert AFTER INSERT ON message_thread BEGIN
            \(add("NEW.", "+"))
            END;
            CREATE TRIGGER message_thread_stats_delete AFTER DELETE ON message_thread BEGIN
            \(add("OLD.", "-"))
            END;
            CREATE TRIGGER message_thread_stats_update AFTER UPDATE OF org_id, assigned_sitter_id, scope, unread ON message_thread
            WHEN OLD.org_id <> NEW.org_id
              OR \(Mailbox.sqlKey(of: "OLD.")) <> \(Mailbox.sqlKey(of: "NEW."))
              OR (OLD.unread > 0) <> (NEW.unread > 0)
              OR \(Mailbox.sqlIsUnassigned(of: "OLD.")) <> \(Mailbox.sqlIsUnassigned(of: "NEW."))
            BEGIN
            \(add("OLD.", "-"))
            \(add("NEW.", "+"))
            END;
            """)
    }
}
