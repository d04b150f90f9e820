import GRDB

extension AppDatabase {
    /// The schema of SPEC §1. Migrations are append-only: never edit a shipped one.
    ///
    /// Each migration is frozen SQL: literal statements, nothing computed from the
    /// application's code, so what an old migration does can never change with that code
    /// (GRDB's Migrations guide). The statements are the ones SQLite keeps in
    /// `sqlite_master`; `SchemaTests` checks a fresh database against the schema captured
    /// before they were frozen.
    static let migrator: DatabaseMigrator = {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            for statement in v1Statements { try db.execute(sql: statement) }
        }
        migrator.registerMigration("v2 sitter list index") { db in
            // The sitters pane reads one page of sitters by name: an index in that order
            // makes it a range, however many sitters the org has.
            try db.execute(sql: "CREATE INDEX sitter_list ON sitter(org_id, name COLLATE NOCASE, id)")
        }
        migrator.registerMigration("v3 message media") { db in
            // MMS: each photo or file of a message, in the order Twilio listed it. Only the
            // address and type are kept; nothing is fetched.
            try db.execute(sql: """
                CREATE TABLE message_media (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    message_event_id INTEGER NOT NULL REFERENCES message_event(id) ON DELETE CASCADE,
                    position INTEGER NOT NULL,
                    url TEXT NOT NULL,
                    content_type TEXT NOT NULL,
                    UNIQUE (message_event_id, position))
                """)
        }
        migrator.registerMigration("v4 listener presence") { db in
            // Each listener process publishes itself here, so consoles in other processes
            // know whether one is up, where, and since when it is down.
            try db.execute(sql: """
                CREATE TABLE listener_presence (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    pid INTEGER NOT NULL,
                    address TEXT NOT NULL,
                    public_url TEXT NOT NULL,
                    started_at DATETIME NOT NULL,
                    heartbeat_at DATETIME NOT NULL,
                    stopped_at DATETIME)
                """)
        }
        migrator.registerMigration("v5 outbox") { db in
            // Replies and offers waiting for the listener to hand them to the sender, with
            // their retries. A row leaves when the provider takes the message or when its
            // delivery is given up (the message is then marked failed). Messages queued
            // before this migration were delivered by the process that queued them.
            try db.execute(sql: """
                CREATE TABLE outbox (
                    message_event_id INTEGER PRIMARY KEY REFERENCES message_event(id) ON DELETE CASCADE,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    next_attempt_at DATETIME NOT NULL,
                    claimed_until DATETIME,
                    last_error TEXT,
                    offer_event_id INTEGER REFERENCES offer_event(id))
                """)
            try db.execute(sql: "CREATE INDEX outbox_due ON outbox(next_attempt_at)")
            try db.execute(sql: "CREATE INDEX outbox_offer ON outbox(offer_event_id) WHERE offer_event_id IS NOT NULL")
            // An offer withdrawn, expired or declined before its text left must not be sent:
            // whatever closes it (a sweep, the console, the command line), its text is
            // cancelled here.
            try db.execute(sql: """
                CREATE TRIGGER outbox_cancel_closed_offer AFTER UPDATE OF status ON offer_event
                WHEN NEW.status <> 'offered'
                BEGIN
                    UPDATE message_event SET delivery_status = 'canceled'
                    WHERE id IN (SELECT message_event_id FROM outbox WHERE offer_event_id = NEW.id);
                    DELETE FROM outbox WHERE offer_event_id = NEW.id;
                END
                """)
        }
        migrator.registerMigration("v6 receipt latency, routing and retention") { db in
            // What the receipts view shows and does: how long a webhook took from arrival to
            // its write, when an unrouted text was routed later (`switchboard route`), and
            // when an old receipt's body was removed by retention (the row and verdict stay).
            try db.execute(sql: "ALTER TABLE webhook_receipt ADD COLUMN latency_seconds DOUBLE")
            try db.execute(sql: "ALTER TABLE webhook_receipt ADD COLUMN routed_at DATETIME")
            try db.execute(sql: "ALTER TABLE webhook_receipt ADD COLUMN body_pruned_at DATETIME")
            // No index on created_at: every webhook would pay for it. Ids grow with time, so
            // "since" is an id found by a binary search (AppDatabase.firstReceiptId).
        }
        migrator.registerMigration("v7-org-time-zone") { db in
            // The org's IANA time zone; NULL means the machine's.
            try db.execute(sql: "ALTER TABLE org ADD COLUMN time_zone TEXT")
        }
        migrator.registerMigration("v8 offers counted per sitter") { db in
            // A sitter's open offers (status 'offered'), counted in her mailbox's row by
            // triggers, as its threads are: the sitters pane showed each one's pending offers
            // by counting her range of `offer_event_pending`, a read that grew with the offers
            // out. The pane now subtracts only those past their expiry that the sweep has not
            // closed yet (none, where a listener runs).
            try db.execute(sql: "ALTER TABLE mailbox_stats ADD COLUMN offered INTEGER NOT NULL DEFAULT 0")
            try db.execute(
                sql: """
                    INSERT OR IGNORE INTO mailbox_stats (org_id, mailbox_key)
                    SELECT DISTINCT org_id, sitter_id FROM offer_event WHERE status = 'offered'
                    """)
            try db.execute(
                sql: """
                    UPDATE mailbox_stats SET offered = (
                        SELECT count(*) FROM offer_event
                        WHERE offer_event.org_id = mailbox_stats.org_id AND offer_event.sitter_id = mailbox_stats.mailbox_key
                          AND offer_event.status = 'offered')
                    WHERE mailbox_key <> 0
                    """)
            try db.execute(
                sql: """
                    CREATE TRIGGER offer_event_offered_insert AFTER INSERT ON offer_event WHEN NEW.status = 'offered' BEGIN
                    INSERT OR IGNORE INTO mailbox_stats (org_id, mailbox_key) VALUES (NEW.org_id, NEW.sitter_id);
                    UPDATE mailbox_stats SET offered = offered + 1 WHERE org_id = NEW.org_id AND mailbox_key = NEW.sitter_id;
                    END
                    """)
            try db.execute(
                sql: """
                    CREATE TRIGGER offer_event_offered_delete AFTER DELETE ON offer_event WHEN OLD.status = 'offered' BEGIN
                    UPDATE mailbox_stats SET offered = offered - 1 WHERE org_id = OLD.org_id AND mailbox_key = OLD.sitter_id;
                    END
                    """)
            try db.execute(
                sql: """
                    CREATE TRIGGER offer_event_offered_update AFTER UPDATE OF org_id, sitter_id, status ON offer_event
                    WHEN (OLD.status = 'offered' OR NEW.status = 'offered')
                      AND (OLD.status <> NEW.status OR OLD.org_id <> NEW.org_id OR OLD.sitter_id <> NEW.sitter_id)
                    BEGIN
                    UPDATE mailbox_stats SET offered = offered - (OLD.status = 'offered') WHERE org_id = OLD.org_id AND mailbox_key = OLD.sitter_id;
                    INSERT OR IGNORE INTO mailbox_stats (org_id, mailbox_key) VALUES (NEW.org_id, NEW.sitter_id);
                    UPDATE mailbox_stats SET offered = offered + (NEW.status = 'offered') WHERE org_id = NEW.org_id AND mailbox_key = NEW.sitter_id;
                    END
                    """)
        }
        return migrator
    }()

    /// The identifiers of the migrations, in order: the schema's versions, which the
    /// PostgreSQL store records under the same names (versioned together).
    public static var migrationIdentifiers: [String] { migrator.migrations }

    /// The v1 schema, statement by statement, in the order they ran.
    static let v1Statements: [String] = [
            """
                CREATE TABLE "org" ("id" INTEGER PRIMARY KEY AUTOINCREMENT, "name" TEXT NOT NULL UNIQUE)
                """,
            """
                CREATE TABLE "sitter" ("id" INTEGER PRIMARY KEY AUTOINCREMENT, "org_id" INTEGER NOT NULL REFERENCES "org"("id"), "name" TEXT NOT NULL, "phone_e164" TEXT NOT NULL, "active" BOOLEAN NOT NULL DEFAULT 1, "opted_out" BOOLEAN NOT NULL DEFAULT 0, UNIQUE ("org_id", "phone_e164"))
                """,
            // The listener recognises a sitter by personal phone whatever the org.
            """
                CREATE INDEX "sitter_phone" ON "sitter"("phone_e164")
                """,
            """
                CREATE TABLE "client" ("id" INTEGER PRIMARY KEY AUTOINCREMENT, "org_id" INTEGER NOT NULL REFERENCES "org"("id"), "name" TEXT, "phone_e164" TEXT NOT NULL, "opted_out" BOOLEAN NOT NULL DEFAULT 0, UNIQUE ("org_id", "phone_e164"))
                """,
            """
                CREATE TABLE "booking" ("id" INTEGER PRIMARY KEY AUTOINCREMENT, "org_id" INTEGER NOT NULL REFERENCES "org"("id"), "code" TEXT NOT NULL, "client_id" INTEGER NOT NULL REFERENCES "client"("id"), "service" TEXT NOT NULL, "starts_at" DATETIME NOT NULL, "ends_at" DATETIME NOT NULL, "status" TEXT NOT NULL CHECK ("status" IN ('open', 'assigned', 'cancelled')), "sitter_id" INTEGER REFERENCES "sitter"("id"), UNIQUE ("org_id", "code"))
                """,
            """
                CREATE INDEX "booking_on_client_id" ON "booking"("client_id")
                """,
            """
                CREATE INDEX "booking_on_sitter_id" ON "booking"("sitter_id")
                """,
            """
                CREATE TABLE "message_number" ("id" INTEGER PRIMARY KEY AUTOINCREMENT, "org_id" INTEGER NOT NULL REFERENCES "org"("id"), "e164" TEXT NOT NULL UNIQUE, "number_class" TEXT NOT NULL CHECK ("number_class" IN ('front_desk', 'sitter', 'pool')), "assigned_sitter_id" INTEGER REFERENCES "sitter"("id"))
                """,
            """
                CREATE INDEX "message_number_on_assigned_sitter_id" ON "message_number"("assigned_sitter_id")
                """,
            """
                CREATE TABLE "message_thread" ("id" INTEGER PRIMARY KEY AUTOINCREMENT, "org_id" INTEGER NOT NULL REFERENCES "org"("id"), "assigned_sitter_id" INTEGER REFERENCES "sitter"("id"), "scope" TEXT NOT NULL CHECK ("scope" IN ('client_booking', 'client_general', 'owner_sitter', 'internal')), "booking_id" INTEGER REFERENCES "booking"("id"), "client_id" INTEGER REFERENCES "client"("id"), "counterpart_e164" TEXT, "masked_number_e164" TEXT, "number_class" TEXT, "created_at" DATETIME NOT NULL, "last_message_at" DATETIME NOT NULL, "unread" INTEGER NOT NULL DEFAULT 0)
                """,
            """
                CREATE INDEX "message_thread_on_booking_id" ON "message_thread"("booking_id")
                """,
            """
                CREATE INDEX "message_thread_on_client_id" ON "message_thread"("client_id")
                """,
            // A mailbox's thread list, newest first, is a range of this index (SPEC §2). Its
            // expression is the mailbox rule as it stood when v1 shipped, written out: a later
            // change to `Mailbox.sqlKeyExpression` needs a new migration, not an edit here.
            """
                CREATE INDEX message_thread_mailbox
                ON message_thread(org_id, (CASE WHEN assigned_sitter_id IS NOT NULL AND scope IN ('client_booking','client_general') THEN assigned_sitter_id ELSE 0 END), last_message_at DESC, id DESC)
                """,
            // Per-mailbox counts (threads, threads with unread messages, unassigned client
            // threads), kept by the triggers below, so the console's counters cost a lookup per
            // mailbox rather than a count over its threads. The triggers spell out the same
            // mailbox rule as the index above.
            """
                CREATE TABLE "mailbox_stats" ("org_id" INTEGER NOT NULL REFERENCES "org"("id"), "mailbox_key" INTEGER NOT NULL, "threads" INTEGER NOT NULL DEFAULT 0, "unread_threads" INTEGER NOT NULL DEFAULT 0, "unassigned_threads" INTEGER NOT NULL DEFAULT 0, PRIMARY KEY ("org_id", "mailbox_key"))
                """,
            """
                CREATE TRIGGER message_thread_stats_insert AFTER INSERT ON message_thread BEGIN
                INSERT OR IGNORE INTO mailbox_stats (org_id, mailbox_key) VALUES (NEW.org_id, (CASE WHEN NEW.assigned_sitter_id IS NOT NULL AND NEW.scope IN ('client_booking','client_general') THEN NEW.assigned_sitter_id ELSE 0 END));
                UPDATE mailbox_stats SET
                    threads = threads + 1,
                    unread_threads = unread_threads + (NEW.unread > 0),
                    unassigned_threads = unassigned_threads + (NEW.assigned_sitter_id IS NULL AND NEW.scope IN ('client_booking','client_general'))
                WHERE org_id = NEW.org_id AND mailbox_key = (CASE WHEN NEW.assigned_sitter_id IS NOT NULL AND NEW.scope IN ('client_booking','client_general') THEN NEW.assigned_sitter_id ELSE 0 END);
                END
                """,
            """
                CREATE TRIGGER message_thread_stats_delete AFTER DELETE ON message_thread BEGIN
                INSERT OR IGNORE INTO mailbox_stats (org_id, mailbox_key) VALUES (OLD.org_id, (CASE WHEN OLD.assigned_sitter_id IS NOT NULL AND OLD.scope IN ('client_booking','client_general') THEN OLD.assigned_sitter_id ELSE 0 END));
                UPDATE mailbox_stats SET
                    threads = threads - 1,
                    unread_threads = unread_threads - (OLD.unread > 0),
                    unassigned_threads = unassigned_threads - (OLD.assigned_sitter_id IS NULL AND OLD.scope IN ('client_booking','client_general'))
                WHERE org_id = OLD.org_id AND mailbox_key = (CASE WHEN OLD.assigned_sitter_id IS NOT NULL AND OLD.scope IN ('client_booking','client_general') THEN OLD.assigned_sitter_id ELSE 0 END);
                END
                """,
            """
                CREATE TRIGGER message_thread_stats_update AFTER UPDATE OF org_id, assigned_sitter_id, scope, unread ON message_thread
                WHEN OLD.org_id <> NEW.org_id
                  OR (CASE WHEN OLD.assigned_sitter_id IS NOT NULL AND OLD.scope IN ('client_booking','client_general') THEN OLD.assigned_sitter_id ELSE 0 END) <> (CASE WHEN NEW.assigned_sitter_id IS NOT NULL AND NEW.scope IN ('client_booking','client_general') THEN NEW.assigned_sitter_id ELSE 0 END)
                  OR (OLD.unread > 0) <> (NEW.unread > 0)
                  OR (OLD.assigned_sitter_id IS NULL AND OLD.scope IN ('client_booking','client_general')) <> (NEW.assigned_sitter_id IS NULL AND NEW.scope IN ('client_booking','client_general'))
                BEGIN
                INSERT OR IGNORE INTO mailbox_stats (org_id, mailbox_key) VALUES (OLD.org_id, (CASE WHEN OLD.assigned_sitter_id IS NOT NULL AND OLD.scope IN ('client_booking','client_general') THEN OLD.assigned_sitter_id ELSE 0 END));
                UPDATE mailbox_stats SET
                    threads = threads - 1,
                    unread_threads = unread_threads - (OLD.unread > 0),
                    unassigned_threads = unassigned_threads - (OLD.assigned_sitter_id IS NULL AND OLD.scope IN ('client_booking','client_general'))
                WHERE org_id = OLD.org_id AND mailbox_key = (CASE WHEN OLD.assigned_sitter_id IS NOT NULL AND OLD.scope IN ('client_booking','client_general') THEN OLD.assigned_sitter_id ELSE 0 END);
                INSERT OR IGNORE INTO mailbox_stats (org_id, mailbox_key) VALUES (NEW.org_id, (CASE WHEN NEW.assigned_sitter_id IS NOT NULL AND NEW.scope IN ('client_booking','client_general') THEN NEW.assigned_sitter_id ELSE 0 END));
                UPDATE mailbox_stats SET
                    threads = threads + 1,
                    unread_threads = unread_threads + (NEW.unread > 0),
                    unassigned_threads = unassigned_threads + (NEW.assigned_sitter_id IS NULL AND NEW.scope IN ('client_booking','client_general'))
                WHERE org_id = NEW.org_id AND mailbox_key = (CASE WHEN NEW.assigned_sitter_id IS NOT NULL AND NEW.scope IN ('client_booking','client_general') THEN NEW.assigned_sitter_id ELSE 0 END);
                END
                """,
            // A sitter's threads by scope: every message a sitter sends to the front desk finds
            // their owner_sitter thread here in one probe, not by reading all their client
            // threads (about a thousand each on a large database). Also the index of the
            // foreign key. No changing column in it, so a new message does not rewrite it.
            """
                CREATE INDEX "message_thread_sitter_scope" ON "message_thread"("assigned_sitter_id", "scope")
                """,
            // Routing finds a conversation by the number it runs through and the other party.
            """
                CREATE INDEX "message_thread_conversation" ON "message_thread"("masked_number_e164", "counterpart_e164")
                """,
            """
                CREATE TABLE "message_event" ("id" INTEGER PRIMARY KEY AUTOINCREMENT, "org_id" INTEGER NOT NULL REFERENCES "org"("id"), "thread_id" INTEGER NOT NULL REFERENCES "message_thread"("id") ON DELETE CASCADE, "direction" TEXT NOT NULL CHECK ("direction" IN ('inbound', 'outbound')), "actor_type" TEXT NOT NULL CHECK ("actor_type" IN ('client', 'sitter', 'owner', 'system')), "body" TEXT NOT NULL, "provider_message_sid" TEXT UNIQUE, "created_at" DATETIME NOT NULL, "delivery_status" TEXT)
                """,
            """
                CREATE INDEX "message_event_thread" ON "message_event"("thread_id", "created_at", "id")
                """,
            """
                CREATE TABLE "message_response_link" ("id" INTEGER PRIMARY KEY AUTOINCREMENT, "org_id" INTEGER NOT NULL REFERENCES "org"("id"), "thread_id" INTEGER NOT NULL REFERENCES "message_thread"("id") ON DELETE CASCADE, "requires_response_event_id" INTEGER NOT NULL UNIQUE REFERENCES "message_event"("id"), "requires_at" DATETIME NOT NULL, "response_event_id" INTEGER REFERENCES "message_event"("id"), "response_seconds" DOUBLE)
                """,
            """
                CREATE INDEX "message_response_link_on_response_event_id" ON "message_response_link"("response_event_id")
                """,
            """
                CREATE INDEX "message_response_link_thread" ON "message_response_link"("thread_id", "requires_at")
                """,
            """
                CREATE TABLE "offer_event" ("id" INTEGER PRIMARY KEY AUTOINCREMENT, "org_id" INTEGER NOT NULL REFERENCES "org"("id"), "sitter_id" INTEGER NOT NULL REFERENCES "sitter"("id"), "booking_id" INTEGER NOT NULL REFERENCES "booking"("id"), "status" TEXT NOT NULL CHECK ("status" IN ('offered', 'accepted', 'declined', 'expired', 'withdrawn')), "offered_at" DATETIME NOT NULL, "accepted_at" DATETIME, "declined_at" DATETIME, "expires_at" DATETIME NOT NULL, "closed_at" DATETIME)
                """,
            """
                CREATE INDEX "offer_event_on_booking_id" ON "offer_event"("booking_id")
                """,
            """
                CREATE INDEX "offer_event_sitter" ON "offer_event"("sitter_id", "status", "offered_at")
                """,
            // Pending offers per sitter (the console's sitter list): a range of the pending
            // ones only, however many offers history holds.
            """
                CREATE INDEX offer_event_pending ON offer_event(org_id, sitter_id, expires_at) WHERE status = 'offered'
                """,
            """
                CREATE TABLE "sitter_metrics_window" ("id" INTEGER PRIMARY KEY AUTOINCREMENT, "org_id" INTEGER NOT NULL REFERENCES "org"("id"), "sitter_id" INTEGER NOT NULL UNIQUE REFERENCES "sitter"("id"), "window_start" DATETIME NOT NULL, "window_end" DATETIME NOT NULL, "avg_response_seconds" DOUBLE, "median_response_seconds" DOUBLE, "response_rate" DOUBLE, "offer_accept_rate" DOUBLE, "offer_median_response_seconds" DOUBLE, "response_required_count" INTEGER NOT NULL, "response_sample_count" INTEGER NOT NULL, "offer_sample_count" INTEGER NOT NULL, "offer_accepted_count" INTEGER NOT NULL, "offer_response_sample_count" INTEGER NOT NULL, "tier" TEXT NOT NULL, "computed_at" DATETIME NOT NULL)
                """,
            // Sitters whose metrics changed since they were last computed: a write marks the
            // sitter here (one indexed insert) and the tier engine recomputes after commit.
            """
                CREATE TABLE "metrics_stale" ("sitter_id" INTEGER PRIMARY KEY REFERENCES "sitter"("id") ON DELETE CASCADE)
                """,
            """
                CREATE TABLE "event_log" ("id" INTEGER PRIMARY KEY AUTOINCREMENT, "org_id" INTEGER NOT NULL REFERENCES "org"("id"), "event_type" TEXT NOT NULL, "status" TEXT NOT NULL, "metadata" TEXT NOT NULL DEFAULT '{}', "booking_id" INTEGER REFERENCES "booking"("id"), "created_at" DATETIME NOT NULL)
                """,
            """
                CREATE INDEX "event_log_on_booking_id" ON "event_log"("booking_id")
                """,
            """
                CREATE INDEX "event_log_type" ON "event_log"("event_type", "created_at")
                """,
            """
                CREATE TABLE "webhook_receipt" ("id" INTEGER PRIMARY KEY AUTOINCREMENT, "org_id" INTEGER REFERENCES "org"("id"), "path" TEXT NOT NULL, "message_sid" TEXT, "dedupe_key" TEXT UNIQUE, "raw_body" TEXT NOT NULL, "headers" TEXT NOT NULL, "verdict" TEXT NOT NULL, "status_code" INTEGER NOT NULL, "response_body" TEXT NOT NULL, "created_at" DATETIME NOT NULL)
                """,
            """
                CREATE INDEX "webhook_receipt_verdict" ON "webhook_receipt"("verdict", "id")
                """,
            // Every webhook counted by verdict: refused requests are counted here and only
            // sampled in webhook_receipt, so a flood of forgeries cannot fill the disk (SPEC §6).
            """
                CREATE TABLE "webhook_tally" ("verdict" TEXT PRIMARY KEY NOT NULL, "count" INTEGER NOT NULL DEFAULT 0, "last_at" DATETIME)
                """,
        ]
}
