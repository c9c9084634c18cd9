"""The schema. Alembic migrations in `migrations/versions` must produce exactly this
(a test compares them on every backend).

Each table that holds a user's data says so in its `info` (`user_data`): which columns
hold a user id and what a merge, an export and an erasure do to those rows (see
`storage/ownership.py`; a test fails when a table with a user column says nothing)."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from tailored.storage.columns import BigId, JSONColumn, UTCDateTime
from tailored.storage.ownership import Fold, Merge, PartOf, Role, not_user_data, user_data

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

ID = 256  # length of caller-supplied ids

items = Table(
    "items",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("title", Text, nullable=False),
    Column("description", Text, nullable=False),
    Column("categories", JSONColumn, nullable=False),
    Column("attributes", JSONColumn, nullable=False),
    Column("available", Boolean, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

# Denormalised lookups so category and attribute filters are plain indexed equality on
# every backend (JSON operators differ between SQLite and PostgreSQL).
item_categories = Table(
    "item_categories",
    metadata,
    Column("item_id", String(ID), ForeignKey("items.id", ondelete="CASCADE"), primary_key=True),
    Column("category", String(ID), primary_key=True),
    Index(None, "category", "item_id"),
)

item_facets = Table(
    "item_facets",
    metadata,
    Column("item_id", String(ID), ForeignKey("items.id", ondelete="CASCADE"), primary_key=True),
    Column("name", String(ID), primary_key=True),
    Column("value", String(ID), primary_key=True),
    Index(None, "name", "value", "item_id"),
)

users = Table(
    "users",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("traits", JSONColumn, nullable=False),
    Column("preferences", JSONColumn, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    info=user_data(Role("id", merge=Fold.FILL_GAPS, export="profile")),
)

consents = Table(
    "consents",
    metadata,
    Column("user_id", String(ID), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("purpose", String(64), primary_key=True),
    Column("granted", Boolean, nullable=False),
    Column("source", String(ID), nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    info=user_data(Role("user_id", merge=Fold.CARRY_UNDECIDED, export="consents")),
)

# Every consent decision ever made, for proof of consent. A merge drops the visitor's
# (the decisions it carries over are logged again, for the known user).
consent_log = Table(
    "consent_log",
    metadata,
    Column("seq", BigId, primary_key=True, autoincrement=True),
    Column("user_id", String(ID), ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("purpose", String(64), nullable=False),
    Column("granted", Boolean, nullable=False),
    Column("source", String(ID), nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
    Index(None, "user_id", "seq"),
    info=user_data(Role("user_id", merge=Merge.DELETE, export="consent_history")),
)

# An anonymous id merged into a known user; later events sent with the anonymous id are
# attributed to the known user. Ids merged into a visitor lead to its known user after.
user_merges = Table(
    "user_merges",
    metadata,
    Column("anonymous_id", String(ID), primary_key=True),
    Column("user_id", String(ID), nullable=False, index=True),
    Column("events_moved", BigId, nullable=False),
    Column("merged_at", UTCDateTime, nullable=False),
    info=user_data(
        Role("user_id", merge=Merge.MOVE, export="merged_ids"),
        Role("anonymous_id", merge=Merge.KEEP, export="merged_into"),
    ),
)

events = Table(
    "events",
    metadata,
    Column("seq", BigId, primary_key=True, autoincrement=True),
    # The writing transaction's id on PostgreSQL (0 on SQLite): the log's position is
    # (txid, seq), which reactions follow without passing a late commit (see
    # `domain/reactions.py`). The PostgreSQL default, pg_current_xact_id(), is set by
    # migration 0011: a column default cannot differ per backend here.
    Column("txid", BigInteger, nullable=False, server_default="0"),
    Column("event_id", String(ID), nullable=False, unique=True),
    Column("user_id", String(ID), nullable=False),
    Column("item_id", String(ID), nullable=True),
    Column("type", String(64), nullable=False),
    Column("value", Float, nullable=True),
    Column("context", JSONColumn, nullable=False),
    Column("timestamp", UTCDateTime, nullable=False),
    Column("received_at", UTCDateTime, nullable=False),
    # One secondary index only: a user's history, for real-time serving, profiles and
    # erasure. Every index costs a random page write per event at ingest (about half the
    # throughput each); training and admin queries scan by seq instead.
    Index(None, "user_id", "timestamp"),
    # Appended to at its end (transaction ids grow), so cheap to keep: readers of the
    # log by position (reactions) need it.
    Index(None, "txid", "seq"),
    info=user_data(Role("user_id", merge=Merge.MOVE, export="events")),
    sqlite_autoincrement=True,  # a deleted newest row's seq is never handed out again
)

event_types = Table(
    "event_types",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("requires_item", Boolean, nullable=False),
    Column("requires_value", Boolean, nullable=False),
    Column("description", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    # What the type means (see tailored.domain.events.EventType): its interaction weight,
    # what else it stands for, and how a reason names it.
    Column("weight", Float, nullable=False, server_default="0"),
    Column("meaning", String(16), nullable=True),
    Column("phrase", String(80), nullable=False, server_default="interacted with {item}"),
)

# Trained recommenders: one row per version; the artifact is a file in the models
# directory (arrays can be large), the row says what it learned from and how good it is.
model_versions = Table(
    "model_versions",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("model", String(64), nullable=False),
    Column("params", JSONColumn, nullable=False),
    Column("metrics", JSONColumn, nullable=False),
    Column("metrics_note", Text, nullable=True),  # why `metrics` is empty
    Column("data_from", UTCDateTime, nullable=True),
    Column("data_to", UTCDateTime, nullable=True),
    Column("interactions", BigId, nullable=False),
    Column("users", BigId, nullable=False),
    Column("items", BigId, nullable=False),
    Column("artifact", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("active", Boolean, nullable=False),
)

# Training requests, queued by the API or the retraining schedule and run by a background
# worker of any server process; `heartbeat_at` shows the worker is still alive.
training_jobs = Table(
    "training_jobs",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("model", String(64), nullable=False),
    Column("params", JSONColumn, nullable=False),
    Column("tune", Boolean, nullable=False),
    Column("activate", Boolean, nullable=False),
    Column("origin", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("started_at", UTCDateTime, nullable=True),
    Column("finished_at", UTCDateTime, nullable=True),
    Column("heartbeat_at", UTCDateTime, nullable=True),
    Column("worker", String(ID), nullable=True),
    Column("version_id", BigId, nullable=True),
    Column("error", Text, nullable=True),
    Index(None, "status", "id"),
)

# The preference fields a business defines; the newest row is the schema in force, the
# older ones say what it was when a stored value was written.
preference_schemas = Table(
    "preference_schemas",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("fields", JSONColumn, nullable=False),
    Column("created_by", String(ID), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    info=not_user_data("the business's preference fields; created_by names an API key"),
)

# Every change of a user's preferences, field by field: who, when, old -> new. A merge
# drops the visitor's (the values it carries over fill the known user's gaps unlogged).
preference_changes = Table(
    "preference_changes",
    metadata,
    Column("seq", BigId, primary_key=True, autoincrement=True),
    Column("user_id", String(ID), ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("field", String(64), nullable=False),
    Column("old", JSONColumn, nullable=True),
    Column("new", JSONColumn, nullable=True),
    Column("changed_by", String(ID), nullable=False),
    Column("changed_at", UTCDateTime, nullable=False),
    Index(None, "user_id", "seq"),
    info=user_data(Role("user_id", merge=Merge.DELETE, export="preference_history")),
)

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", String(16), primary_key=True),
    Column("name", String(ID), nullable=False),
    Column("key_hash", String(64), nullable=False, unique=True),
    Column("scopes", String(64), nullable=False),  # space-separated
    Column("created_at", UTCDateTime, nullable=False),
    Column("revoked_at", UTCDateTime, nullable=True),
    Column("expires_at", UTCDateTime, nullable=True),
    # After a rotation with an overlap: the secret before it, and when it stops working.
    Column("previous_key_hash", String(64), nullable=True, unique=True),
    Column("previous_expires_at", UTCDateTime, nullable=True),
    Column("rotated_at", UTCDateTime, nullable=True),
    # An optional rate limit: `rate_requests` per `rate_per` (second|minute), bursts of
    # up to `rate_burst`; all three or none.
    Column("rate_requests", Integer, nullable=True),
    Column("rate_per", String(8), nullable=True),
    Column("rate_burst", Integer, nullable=True),
    info=not_user_data("credentials of the business's systems and admins, not of users"),
)

# Console logins: the SHA-256 digest of each session's secret (the browser holds the
# secret), the admin key that logged in (deleting the key deletes its sessions).
console_sessions = Table(
    "console_sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("key_id", String(16), ForeignKey("api_keys.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_seen_at", UTCDateTime, nullable=False),
    Index(None, "key_id"),
    info=not_user_data("an admin's console login: it belongs to the API key, not to a user"),
)

# A user's lists: one "favorites" list (made on first save) and named wishlists, shareable.
lists = Table(
    "lists",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("user_id", String(ID), ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("name", String(200), nullable=False),
    Column("description", Text, nullable=False),
    Column("share_token", String(64), nullable=True, unique=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    UniqueConstraint("user_id", "kind", "name"),
    info=user_data(Role("user_id", merge=Fold.JOIN_SAME_NAME, export="lists")),
)

# A list's items in order; no foreign key to items, so a deleted item shows as deleted.
list_entries = Table(
    "list_entries",
    metadata,
    Column("list_id", BigId, ForeignKey("lists.id", ondelete="CASCADE"), primary_key=True),
    Column("item_id", String(ID), primary_key=True),
    Column("position", Integer, nullable=False),
    Column("note", Text, nullable=False),
    Column("added_at", UTCDateTime, nullable=False),
    info=user_data(PartOf("list_id", export="list_items")),
)

# Named carts a user orders again in one call ("my usual coffee").
saved_orders = Table(
    "saved_orders",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("user_id", String(ID), ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(200), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    UniqueConstraint("user_id", "name"),
    info=user_data(Role("user_id", merge=Fold.RENAME_CLASHES, export="saved_orders")),
)

# The (item, quantity, options) lines of a saved order, in the order given. One item can
# be on several lines with other options ({"size": "M"}, {"size": "XL"}), so a line is
# its place in the order; that no two lines have the same item and options is checked
# when they are written (`domain.orders.check_lines`).
saved_order_lines = Table(
    "saved_order_lines",
    metadata,
    Column("order_id", BigId, ForeignKey("saved_orders.id", ondelete="CASCADE"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("item_id", String(ID), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("options", JSONColumn, nullable=False, server_default="{}"),
    info=user_data(PartOf("order_id", export="saved_order_lines")),
)

# Back-in-stock and price-below alerts, armed while fired_at is null (item writes check).
subscriptions = Table(
    "subscriptions",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("user_id", String(ID), ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("item_id", String(ID), nullable=False, index=True),
    Column("kind", String(16), nullable=False),
    Column("threshold", Float, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("fired_at", UTCDateTime, nullable=True),
    UniqueConstraint("user_id", "item_id", "kind"),
    info=user_data(Role("user_id", merge=Fold.KEEP_THEIRS, export="alerts")),
)

# The notification outbox: written with the item change that fired an alert.
notifications = Table(
    "notifications",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("user_id", String(ID), ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("item_id", String(ID), nullable=False),
    Column("subscription_id", BigId, nullable=True),
    Column("old_value", JSONColumn, nullable=True),
    Column("new_value", JSONColumn, nullable=True),
    Column("message", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("read_at", UTCDateTime, nullable=True),
    Column("delivered_at", UTCDateTime, nullable=True),
    Index(None, "user_id", "id"),
    Index(None, "delivered_at", "id"),
    info=user_data(Role("user_id", merge=Merge.MOVE, export="notifications")),
)

# Product configurator templates: one row per template, naming its current version.
configurators = Table(
    "configurators",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

# Every version of every template (never changed once written): designs keep theirs.
configurator_versions = Table(
    "configurator_versions",
    metadata,
    Column(
        "configurator_id",
        String(64),
        ForeignKey("configurators.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("version", Integer, primary_key=True),
    Column("definition", JSONColumn, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

# Designs users saved, with the price (exact decimal text) and template version of saving.
designs = Table(
    "designs",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("user_id", String(ID), nullable=False),
    Column("configurator_id", String(64), ForeignKey("configurators.id"), nullable=False),
    Column("template_version", Integer, nullable=False),
    Column("name", String(ID), nullable=False),
    Column("choices", JSONColumn, nullable=False),
    Column("price", String(32), nullable=False),
    Column("currency", String(8), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Index(None, "user_id", "id"),
    Index(None, "configurator_id"),
    info=user_data(Role("user_id", merge=Merge.MOVE, export="designs")),
)

# One row per picked choice of a design: choice analytics are indexed counts.
design_picks = Table(
    "design_picks",
    metadata,
    Column("design_id", BigId, ForeignKey("designs.id", ondelete="CASCADE"), primary_key=True),
    Column("group_id", String(64), primary_key=True),
    Column("choice_id", String(64), primary_key=True),
    Column("configurator_id", String(64), nullable=False),
    Index(None, "configurator_id", "group_id", "choice_id"),
    info=user_data(PartOf("design_id", export="design_choices")),
)

# Placements (slots such as 'home'): one row each, naming the version in force ('version',
# which a rollback moves back) and the newest one ('latest').
placements = Table(
    "placements",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("latest", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

# Every version of every placement's strategy (never changed once written), so a
# rollback restores exactly what served, and an answer's version says what ranked it.
placement_versions = Table(
    "placement_versions",
    metadata,
    Column(
        "placement_id",
        String(ID),
        ForeignKey("placements.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("version", Integer, primary_key=True),
    Column("description", Text, nullable=False),
    Column("strategy", JSONColumn, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

# Every item write, in commit order as events are, for reactions (alerts fire from it).
# Rows every consumer has passed are pruned.
item_changes = Table(
    "item_changes",
    metadata,
    Column("seq", BigId, primary_key=True, autoincrement=True),
    Column("txid", BigInteger, nullable=False, server_default="0"),  # as events.txid
    Column("item_id", String(ID), nullable=False),
    Column("deleted", Boolean, nullable=False),
    Column("available_before", Boolean, nullable=True),
    Column("price_before", Float, nullable=True),
    Column("changed_at", UTCDateTime, nullable=False),
    Index(None, "txid", "seq"),
    Index(None, "item_id", "txid", "seq"),  # an item's latest change
    info=not_user_data("changes to the business's catalog"),
    sqlite_autoincrement=True,  # pruned to empty, it must not start again at 1
)

# Where each reaction consumer stands in its stream, and whether it is failing.
reaction_positions = Table(
    "reaction_positions",
    metadata,
    Column("consumer", String(64), primary_key=True),
    Column("stream", String(32), nullable=False),
    Column("txid", BigInteger, nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("failures", Integer, nullable=False),
    Column("last_error", Text, nullable=True),
    Column("retry_at", UTCDateTime, nullable=True),
    Column("updated_at", UTCDateTime, nullable=False),
    info=not_user_data("a consumer's place in a stream, not the records themselves"),
)

# Records a consumer failed on too often, set aside so the ones after them go on.
reaction_dead_letters = Table(
    "reaction_dead_letters",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("consumer", String(64), nullable=False),
    Column("stream", String(32), nullable=False),
    Column("txid", BigInteger, nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("error", Text, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("failed_at", UTCDateTime, nullable=False),
    UniqueConstraint("consumer", "txid", "seq"),
    info=not_user_data("a pointer to a record in a stream, not the record itself"),
)

# Erased people, as keyed hashes of their ids (HMAC-SHA256, `domain/suppression.py`): a
# later event or profile write for one of them is rejected instead of bringing them back,
# and nobody reading the table learns who they were without the key.
suppressions = Table(
    "suppressions",
    metadata,
    Column("id_hash", String(64), primary_key=True),
    Column("erased_at", UTCDateTime, nullable=False),
    info=not_user_data("keyed hashes of erased ids, from which no id can be read back"),
)


# The audit log: every admin action, key change, consent change and model activation,
# appended in the transaction of the change (a rolled-back change leaves no entry).
# Append-only: a trigger on each backend refuses UPDATE and DELETE (migration 0016).
audit_log = Table(
    "audit_log",
    metadata,
    Column("seq", BigId, primary_key=True, autoincrement=True),
    Column("at", UTCDateTime, nullable=False),
    Column("actor_kind", String(16), nullable=False),
    Column("actor", String(ID), nullable=False),
    Column("client_ip", String(64), nullable=True),
    Column("action", String(64), nullable=False),
    Column("target", String(2 * ID), nullable=False),
    Column("detail", JSONColumn, nullable=False),
    Index(None, "action", "seq"),
    Index(None, "actor", "seq"),
    Index(None, "target", "seq"),
    Index(None, "at"),
    info=not_user_data(
        "the business's record of what its keys and admins did; a consent change names "
        "the user as its target (proof of consent, GDPR Art. 7(1)), nothing else about them"
    ),
    sqlite_autoincrement=True,
)
