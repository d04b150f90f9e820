import Foundation

/// The schema a fresh database had before the migrations were frozen into literal SQL
/// (captured from `sqlite_master` of a database migrated by the code of commit bce7030):
/// the frozen migrations must produce exactly this, object by object.
enum SchemaFixture {
    static let json = #"""
[
 {
  "type": "index",
  "name": "booking_on_client_id",
  "tbl_name": "booking",
  "sql": "CREATE INDEX \"booking_on_client_id\" ON \"booking\"(\"client_id\")"
 },
 {
  "type": "index",
  "name": "booking_on_sitter_id",
  "tbl_name": "booking",
  "sql": "CREATE INDEX \"booking_on_sitter_id\" ON \"booking\"(\"sitter_id\")"
 },
 {
  "type": "index",
  "name": "event_log_on_booking_id",
  "tbl_name": "event_log",
  "sql": "CREATE INDEX \"event_log_on_booking_id\" ON \"event_log\"(\"booking_id\")"
 },
 {
  "type": "index",
  "name": "event_log_type",
  "tbl_name": "event_log",
  "sql": "CREATE INDEX \"event_log_type\" ON \"event_log\"(\"event_type\", \"created_at\")"
 },
 {
  "type": "index",
  "name": "message_event_thread",
  "tbl_name": "message_event",
  "sql": "CREATE INDEX \"message_event_thread\" ON \"message_event\"(\"thread_id\", \"created_at\", \"id\")"
 },
 {
  "type": "index",
  "name": "message_number_on_assigned_sitter_id",
  "tbl_name": "message_number",
  "sql": "CREATE INDEX \"message_number_on_assigned_sitter_id\" ON \"message_number\"(\"assigned_sitter_id\")"
 },
 {
  "type": "index",
  "name": "message_response_link_on_response_event_id",
  "tbl_name": "message_response_link",
  "sql": "CREATE INDEX \"message_response_link_on_response_event_id\" ON \"message_response_link\"(\"response_event_id\")"
 },
 {
  "type": "index",
  "name": "message_response_link_thread",
  "tbl_name": "message_response_link",
  "sql": "CREATE INDEX \"message_response_link_thread\" ON \"message_response_link\"(\"thread_id\", \"requires_at\")"
 },
 {
  "type": "index",
  "name": "message_thread_conversation",
  "tbl_name": "message_thread",
  "sql": "CREATE INDEX \"message_thread_conversation\" ON \"message_thread\"(\"masked_number_e164\", \"counterpart_e164\")"
 },
 {
  "type": "index",
  "name": "message_thread_mailbox",
  "tbl_name": "message_thread",
  "sql": "CREATE INDEX message_thread_mailbox\nON message_thread(org_id, (CASE WHEN assigned_sitter_id IS NOT NULL AND scope IN ('client_booking','client_general') THEN assigned_sitter_id ELSE 0 END), last_message_at DESC, id DESC)"
 },
 {
  "type": "index",
  "name": "message_thread_on_booking_id",
  "tbl_name": "message_thread",
  "sql": "CREATE INDEX \"message_thread_on_booking_id\" ON \"message_thread\"(\"booking_id\")"
 },
 {
  "type": "index",
  "name": "message_thread_on_client_id",
  "tbl_name": "message_thread",
  "sql": "CREATE INDEX \"message_thread_on_client_id\" ON \"message_thread\"(\"client_id\")"
 },
 {
  "type": "index",
  "name": "message_thread_sitter_scope",
  "tbl_name": "message_thread",
  "sql": "CREATE INDEX \"message_thread_sitter_scope\" ON \"message_thread\"(\"assigned_sitter_id\", \"scope\")"
 },
 {
  "type": "index",
  "name": "offer_event_on_booking_id",
  "tbl_name": "offer_event",
  "sql": "CREATE INDEX \"offer_event_on_booking_id\" ON \"offer_event\"(\"booking_id\")"
 },
 {
  "type": "index",
  "name": "offer_event_pending",
  "tbl_name": "offer_event",
  "sql": "CREATE INDEX offer_event_pending ON offer_event(org_id, sitter_id, expires_at) WHERE status = 'offered'"
 },
 {
  "type": "index",
  "name": "offer_event_sitter",
  "tbl_name": "offer_event",
  "sql": "CREATE INDEX \"offer_event_sitter\" ON \"offer_event\"(\"sitter_id\", \"status\", \"offered_at\")"
 },
 {
  "type": "index",
  "name": "sitter_list",
  "tbl_name": "sitter",
  "sql": "CREATE INDEX sitter_list ON sitter(org_id, name COLLATE NOCASE, id)"
 },
 {
  "type": "index",
  "name": "sitter_phone",
  "tbl_name": "sitter",
  "sql": "CREATE INDEX \"sitter_phone\" ON \"sitter\"(\"phone_e164\")"
 },
 {
  "type": "index",
  "name": "webhook_receipt_verdict",
  "tbl_name": "webhook_receipt",
  "sql": "CREATE INDEX \"webhook_receipt_verdict\" ON \"webhook_receipt\"(\"verdict\", \"id\")"
 },
 {
  "type": "table",
  "name": "booking",
  "tbl_name": "booking",
  "sql": "CREATE TABLE \"booking\" (\"id\" INTEGER PRIMARY KEY AUTOINCREMENT, \"org_id\" INTEGER NOT NULL REFERENCES \"org\"(\"id\"), \"code\" TEXT NOT NULL, \"client_id\" INTEGER NOT NULL REFERENCES \"client\"(\"id\"), \"service\" TEXT NOT NULL, \"starts_at\" DATETIME NOT NULL, \"ends_at\" DATETIME NOT NULL, \"status\" TEXT NOT NULL CHECK (\"status\" IN ('open', 'assigned', 'cancelled')), \"sitter_id\" INTEGER REFERENCES \"sitter\"(\"id\"), UNIQUE (\"org_id\", \"code\"))"
 },
 {
  "type": "table",
  "name": "client",
  "tbl_name": "client",
  "sql": "CREATE TABLE \"client\" (\"id\" INTEGER PRIMARY KEY AUTOINCREMENT, \"org_id\" INTEGER NOT NULL REFERENCES \"org\"(\"id\"), \"name\" TEXT, \"phone_e164\" TEXT NOT NULL, \"opted_out\" BOOLEAN NOT NULL DEFAULT 0, UNIQUE (\"org_id\", \"phone_e164\"))"
 },
 {
  "type": "table",
  "name": "event_log",
  "tbl_name": "event_log",
  "sql": "CREATE TABLE \"event_log\" (\"id\" INTEGER PRIMARY KEY AUTOINCREMENT, \"org_id\" INTEGER NOT NULL REFERENCES \"org\"(\"id\"), \"event_type\" TEXT NOT NULL, \"status\" TEXT NOT NULL, \"metadata\" TEXT NOT NULL DEFAULT '{}', \"booking_id\" INTEGER REFERENCES \"booking\"(\"id\"), \"created_at\" DATETIME NOT NULL)"
 },
 {
  "type": "table",
  "name": "grdb_migrations",
  "tbl_name": "grdb_migrations",
  "sql": "CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY)"
 },
 {
  "type": "table",
  "name": "mailbox_stats",
  "tbl_name": "mailbox_stats",
  "sql": "CREATE TABLE \"mailbox_stats\" (\"org_id\" INTEGER NOT NULL REFERENCES \"org\"(\"id\"), \"mailbox_key\" INTEGER NOT NULL, \"threads\" INTEGER NOT NULL DEFAULT 0, \"unread_threads\" INTEGER NOT NULL DEFAULT 0, \"unassigned_threads\" INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (\"org_id\", \"mailbox_key\"))"
 },
 {
  "type": "table",
  "name": "message_event",
  "tbl_name": "message_event",
  "sql": "CREATE TABLE \"message_event\" (\"id\" INTEGER PRIMARY KEY AUTOINCREMENT, \"org_id\" INTEGER NOT NULL REFERENCES \"org\"(\"id\"), \"thread_id\" INTEGER NOT NULL REFERENCES \"message_thread\"(\"id\") ON DELETE CASCADE, \"direction\" TEXT NOT NULL CHECK (\"direction\" IN ('inbound', 'outbound')), \"actor_type\" TEXT NOT NULL CHECK (\"actor_type\" IN ('client', 'sitter', 'owner', 'system')), \"body\" TEXT NOT NULL, \"provider_message_sid\" TEXT UNIQUE, \"created_at\" DATETIME NOT NULL, \"delivery_status\" TEXT)"
 },
 {
  "type": "table",
  "name": "message_number",
  "tbl_name": "message_number",
  "sql": "CREATE TABLE \"message_number\" (\"id\" INTEGER PRIMARY KEY AUTOINCREMENT, \"org_id\" INTEGER NOT NULL REFERENCES \"org\"(\"id\"), \"e164\" TEXT NOT NULL UNIQUE, \"number_class\" TEXT NOT NULL CHECK (\"number_class\" IN ('front_desk', 'sitter', 'pool')), \"assigned_sitter_id\" INTEGER REFERENCES \"sitter\"(\"id\"))"
 },
 {
  "type": "table",
  "name": "message_response_link",
  "tbl_name": "message_response_link",
  "sql": "CREATE TABLE \"message_response_link\" (\"id\" INTEGER PRIMARY KEY AUTOINCREMENT, \"org_id\" INTEGER NOT NULL REFERENCES \"org\"(\"id\"), \"thread_id\" INTEGER NOT NULL REFERENCES \"message_thread\"(\"id\") ON DELETE CASCADE, \"requires_response_event_id\" INTEGER NOT NULL UNIQUE REFERENCES \"message_event\"(\"id\"), \"requires_at\" DATETIME NOT NULL, \"response_event_id\" INTEGER REFERENCES \"message_event\"(\"id\"), \"response_seconds\" DOUBLE)"
 },
 {
  "type": "table",
  "name": "message_thread",
  "tbl_name": "message_thread",
  "sql": "CREATE TABLE \"message_thread\" (\"id\" INTEGER PRIMARY KEY AUTOINCREMENT, \"org_id\" INTEGER NOT NULL REFERENCES \"org\"(\"id\"), \"assigned_sitter_id\" INTEGER REFERENCES \"sitter\"(\"id\"), \"scope\" TEXT NOT NULL CHECK (\"scope\" IN ('client_booking', 'client_general', 'owner_sitter', 'internal')), \"booking_id\" INTEGER REFERENCES \"booking\"(\"id\"), \"client_id\" INTEGER REFERENCES \"client\"(\"id\"), \"counterpart_e164\" TEXT, \"masked_number_e164\" TEXT, \"number_class\" TEXT, \"created_at\" DATETIME NOT NULL, \"last_message_at\" DATETIME NOT NULL, \"unread\" INTEGER NOT NULL DEFAULT 0)"
 },
 {
  "type": "table",
  "name": "metrics_stale",
  "tbl_name": "metrics_stale",
  "sql": "CREATE TABLE \"metrics_stale\" (\"sitter_id\" INTEGER PRIMARY KEY REFERENCES \"sitter\"(\"id\") ON DELETE CASCADE)"
 },
 {
  "type": "table",
  "name": "offer_event",
  "tbl_name": "offer_event",
  "sql": "CREATE TABLE \"offer_event\" (\"id\" INTEGER PRIMARY KEY AUTOINCREMENT, \"org_id\" INTEGER NOT NULL REFERENCES \"org\"(\"id\"), \"sitter_id\" INTEGER NOT NULL REFERENCES \"sitter\"(\"id\"), \"booking_id\" INTEGER NOT NULL REFERENCES \"booking\"(\"id\"), \"status\" TEXT NOT NULL CHECK (\"status\" IN ('offered', 'accepted', 'declined', 'expired', 'withdrawn')), \"offered_at\" DATETIME NOT NULL, \"accepted_at\" DATETIME, \"declined_at\" DATETIME, \"expires_at\" DATETIME NOT NULL, \"closed_at\" DATETIME)"
 },
 {
  "type": "table",
  "name": "org",
  "tbl_name": "org",
  "sql": "CREATE TABLE \"org\" (\"id\" INTEGER PRIMARY KEY AUTOINCREMENT, \"name\" TEXT NOT NULL UNIQUE)"
 },
 {
  "type": "table",
  "name": "sitter",
  "tbl_name": "sitter",
  "sql": "CREATE TABLE \"sitter\" (\"id\" INTEGER PRIMARY KEY AUTOINCREMENT, \"org_id\" INTEGER NOT NULL REFERENCES \"org\"(\"id\"), \"name\" TEXT NOT NULL, \"phone_e164\" TEXT NOT NULL, \"active\" BOOLEAN NOT NULL DEFAULT 1, \"opted_out\" BOOLEAN NOT NULL DEFAULT 0, UNIQUE (\"org_id\", \"phone_e164\"))"
 },
 {
  "type": "table",
  "name": "sitter_metrics_window",
  "tbl_name": "sitter_metrics_window",
  "sql": "CREATE TABLE \"sitter_metrics_window\" (\"id\" INTEGER PRIMARY KEY AUTOINCREMENT, \"org_id\" INTEGER NOT NULL REFERENCES \"org\"(\"id\"), \"sitter_id\" INTEGER NOT NULL UNIQUE REFERENCES \"sitter\"(\"id\"), \"window_start\" DATETIME NOT NULL, \"window_end\" DATETIME NOT NULL, \"avg_response_seconds\" DOUBLE, \"median_response_seconds\" DOUBLE, \"response_rate\" DOUBLE, \"offer_accept_rate\" DOUBLE, \"offer_median_response_seconds\" DOUBLE, \"response_required_count\" INTEGER NOT NULL, \"response_sample_count\" INTEGER NOT NULL, \"offer_sample_count\" INTEGER NOT NULL, \"offer_accepted_count\" INTEGER NOT NULL, \"offer_response_sample_count\" INTEGER NOT NULL, \"tier\" TEXT NOT NULL, \"computed_at\" DATETIME NOT NULL)"
 },
 {
  "type": "table",
  "name": "webhook_receipt",
  "tbl_name": "webhook_receipt",
  "sql": "CREATE TABLE \"webhook_receipt\" (\"id\" INTEGER PRIMARY KEY AUTOINCREMENT, \"org_id\" INTEGER REFERENCES \"org\"(\"id\"), \"path\" TEXT NOT NULL, \"message_sid\" TEXT, \"dedupe_key\" TEXT UNIQUE, \"raw_body\" TEXT NOT NULL, \"headers\" TEXT NOT NULL, \"verdict\" TEXT NOT NULL, \"status_code\" INTEGER NOT NULL, \"response_body\" TEXT NOT NULL, \"created_at\" DATETIME NOT NULL)"
 },
 {
  "type": "table",
  "name": "webhook_tally",
  "tbl_name": "webhook_tally",
  "sql": "CREATE TABLE \"webhook_tally\" (\"verdict\" TEXT PRIMARY KEY NOT NULL, \"count\" INTEGER NOT NULL DEFAULT 0, \"last_at\" DATETIME)"
 },
 {
  "type": "trigger",
  "name": "message_thread_stats_delete",
  "tbl_name": "message_thread",
  "sql": "CREATE TRIGGER message_thread_stats_delete AFTER DELETE ON message_thread BEGIN\nINSERT OR IGNORE INTO mailbox_stats (org_id, mailbox_key) VALUES (OLD.org_id, (CASE WHEN OLD.assigned_sitter_id IS NOT NULL AND OLD.scope IN ('client_booking','client_general') THEN OLD.assigned_sitter_id ELSE 0 END));\nUPDATE mailbox_stats SET\n    threads = threads - 1,\n    unread_threads = unread_threads - (OLD.unread > 0),\n    unassigned_threads = unassigned_threads - (OLD.assigned_sitter_id IS NULL AND OLD.scope IN ('client_booking','client_general'))\nWHERE org_id = OLD.org_id AND mailbox_key = (CASE WHEN OLD.assigned_sitter_id IS NOT NULL AND OLD.scope IN ('client_booking','client_general') THEN OLD.assigned_sitter_id ELSE 0 END);\nEND"
 },
 {
  "type": "trigger",
  "name": "message_thread_stats_insert",
  "tbl_name": "message_thread",
  "sql": "CREATE TRIGGER message_thread_stats_insert AFTER INSERT ON message_thread BEGIN\nINSERT OR IGNORE INTO mailbox_stats (org_id, mailbox_key) VALUES (NEW.org_id, (CASE WHEN NEW.assigned_sitter_id IS NOT NULL AND NEW.scope IN ('client_booking','client_general') THEN NEW.assigned_sitter_id ELSE 0 END));\nUPDATE mailbox_stats SET\n    threads = threads + 1,\n    unread_threads = unread_threads + (NEW.unread > 0),\n    unassigned_threads = unassigned_threads + (NEW.assigned_sitter_id IS NULL AND NEW.scope IN ('client_booking','client_general'))\nWHERE org_id = NEW.org_id AND mailbox_key = (CASE WHEN NEW.assigned_sitter_id IS NOT NULL AND NEW.scope IN ('client_booking','client_general') THEN NEW.assigned_sitter_id ELSE 0 END);\nEND"
 },
 {
  "type": "trigger",
  "name": "message_thread_stats_update",
  "tbl_name": "message_thread",
  "sql": "CREATE TRIGGER message_thread_stats_update AFTER UPDATE OF org_id, assigned_sitter_id, scope, unread ON message_thread\nWHEN OLD.org_id <> NEW.org_id\n  OR (CASE WHEN OLD.assigned_sitter_id IS NOT NULL AND OLD.scope IN ('client_booking','client_general') THEN OLD.assigned_sitter_id ELSE 0 END) <> (CASE WHEN NEW.assigned_sitter_id IS NOT NULL AND NEW.scope IN ('client_booking','client_general') THEN NEW.assigned_sitter_id ELSE 0 END)\n  OR (OLD.unread > 0) <> (NEW.unread > 0)\n  OR (OLD.assigned_sitter_id IS NULL AND OLD.scope IN ('client_booking','client_general')) <> (NEW.assigned_sitter_id IS NULL AND NEW.scope IN ('client_booking','client_general'))\nBEGIN\nINSERT OR IGNORE INTO mailbox_stats (org_id, mailbox_key) VALUES (OLD.org_id, (CASE WHEN OLD.assigned_sitter_id IS NOT NULL AND OLD.scope IN ('client_booking','client_general') THEN OLD.assigned_sitter_id ELSE 0 END));\nUPDATE mailbox_stats SET\n    threads = threads - 1,\n    unread_threads = unread_threads - (OLD.unread > 0),\n    unassigned_threads = unassigned_threads - (OLD.assigned_sitter_id IS NULL AND OLD.scope IN ('client_booking','client_general'))\nWHERE org_id = OLD.org_id AND mailbox_key = (CASE WHEN OLD.assigned_sitter_id IS NOT NULL AND OLD.scope IN ('client_booking','client_general') THEN OLD.assigned_sitter_id ELSE 0 END);\nINSERT OR IGNORE INTO mailbox_stats (org_id, mailbox_key) VALUES (NEW.org_id, (CASE WHEN NEW.assigned_sitter_id IS NOT NULL AND NEW.scope IN ('client_booking','client_general') THEN NEW.assigned_sitter_id ELSE 0 END));\nUPDATE mailbox_stats SET\n    threads = threads + 1,\n    unread_threads = unread_threads + (NEW.unread > 0),\n    unassigned_threads = unassigned_threads + (NEW.assigned_sitter_id IS NULL AND NEW.scope IN ('client_booking','client_general'))\nWHERE org_id = NEW.org_id AND mailbox_key = (CASE WHEN NEW.assigned_sitter_id IS NOT NULL AND NEW.scope IN ('client_booking','client_general') THEN NEW.assigned_sitter_id ELSE 0 END);\nEND"
 }
]
"""#
}
