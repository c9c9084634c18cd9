"""The schema. Alembic migrations in `migrations/versions` must produce exactly this
(a test compares them on every backend)."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    MetaData,
    String,
    Table,
    Text,
)

from tailored.storage.columns import BigId, JSONColumn, UTCDateTime

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
)

consents = Table(
    "consents",
    metadata,
    Column("user_id", String(ID), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("purpose", String(64), primary_key=True),
    Column("granted", Boolean, nullable=False),
    Column("source", String(ID), nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

# Every consent decision ever made, for proof of consent.
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
)

# An anonymous id merged into a known user; later events sent with the anonymous id are
# attributed to the known user.
user_merges = Table(
    "user_merges",
    metadata,
    Column("anonymous_id", String(ID), primary_key=True),
    Column("user_id", String(ID), nullable=False, index=True),
    Column("events_moved", BigId, nullable=False),
    Column("merged_at", UTCDateTime, nullable=False),
)

events = Table(
    "events",
    metadata,
    Column("seq", BigId, primary_key=True, autoincrement=True),
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
)

event_types = Table(
    "event_types",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("requires_item", Boolean, nullable=False),
    Column("requires_value", Boolean, nullable=False),
    Column("description", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
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

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", String(16), primary_key=True),
    Column("name", String(ID), nullable=False),
    Column("key_hash", String(64), nullable=False, unique=True),
    Column("scopes", String(64), nullable=False),  # space-separated
    Column("created_at", UTCDateTime, nullable=False),
    Column("revoked_at", UTCDateTime, nullable=True),
)
