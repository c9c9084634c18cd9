"""Settings: one object, read from `TAILORED_*` environment variables or a `.env` file.

Nothing is read at import time; call `Settings()` (or `load_settings()`) where needed.

>>> s = Settings(database_url="sqlite:///./shop.db")
>>> s.max_batch_events
10000
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite:///./tailored.db"
DEFAULT_HALF_LIFE_DAYS = 60.0  # benchmarks/decay.py: the best on validation, all models
# URL schemes the engine can open: SQLite through the standard library, PostgreSQL
# through psycopg 3 (the `postgres` extra).
SUPPORTED_SCHEMES = ("sqlite", "sqlite+pysqlite", "postgresql", "postgres", "postgresql+psycopg")


class BoostSettings(BaseModel):
    """A business boost of a placement: items matching every condition given get their
    score multiplied by `factor`; `when` limits it to requests with that context."""

    model_config = ConfigDict(extra="forbid")

    factor: float = Field(gt=0, description="> 1 promotes, < 1 demotes")
    category: str | None = None
    attribute: str | None = None
    value: str | None = None
    items: list[str] = []
    when: dict[str, str] = Field(
        {}, description="e.g. {'season': 'winter'} or {'device': 'mobile'}"
    )

    @model_validator(mode="after")
    def _has_a_condition(self) -> BoostSettings:
        if (self.attribute is None) != (self.value is None):
            raise ValueError("give attribute and value together")
        if self.category is None and self.attribute is None and not self.items:
            raise ValueError("give a category, an attribute and value, or items to boost")
        return self


class PlacementSettings(BaseModel):
    """How one placement (a slot such as 'home' or 'item_page') ranks, in the short form
    of the settings: the seed for a placement not stored yet (see engine.placements)."""

    model_config = ConfigDict(extra="forbid")

    diversity: float = Field(
        0.0, ge=0, le=1, description="0: none; 0.5 halves each further item of a shown category"
    )
    boosts: list[BoostSettings] = []
    exclude_seen: bool = True
    exclude_purchased: bool = True
    preference_weight: float = Field(
        1.0,
        ge=0,
        description="How much what users chose counts: items matching a 'boost' preference "
        "score (1 + this) times higher; 0 ignores boosts ('block' and 'range' always apply)",
    )


class Settings(BaseSettings):
    """Runtime configuration of the engine and server."""

    model_config = SettingsConfigDict(
        env_prefix="TAILORED_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    database_url: str = Field(
        DEFAULT_DATABASE_URL,
        description="SQLAlchemy URL: sqlite:///path.db (default) or postgresql+psycopg://...",
    )
    sqlite_synchronous: Literal["NORMAL", "FULL"] = Field(
        "FULL",
        description="SQLite fsync policy in WAL mode. FULL survives power loss; NORMAL "
        "survives a process crash (kill -9) but may lose the last commits on power loss.",
    )
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)
    max_batch_events: int = Field(10_000, ge=1, description="Largest event batch accepted.")
    max_batch_items: int = Field(10_000, ge=1, description="Largest item/user batch accepted.")
    max_body_bytes: int = Field(32 * 1024 * 1024, ge=1024, description="Largest request body.")
    future_tolerance_seconds: float = Field(
        300.0, ge=0, description="Events stamped further than this in the future are rejected."
    )
    consent_purposes: tuple[str, ...] = Field(
        ("personalization", "analytics", "marketing"),
        description="Purposes a user can grant or withdraw consent for.",
    )

    models_dir: Path = Field(
        Path("./tailored-models"),
        description="Folder for trained model files (the database records each version).",
    )
    retrain_every_hours: float | None = Field(
        None,
        gt=0,
        description="Retrain on a schedule: the server queues a training job when the "
        "newest one is this many hours old (None: only when asked).",
    )
    retrain_models: tuple[str, ...] | None = Field(
        None,
        description="Models retrained on the schedule (None: each model with an active "
        "version, 'auto' for one that auto chose, else the training default: auto).",
    )
    retrain_tune: bool = Field(
        True, description="Scheduled retraining chooses hyper-parameters again."
    )
    reactions_poll_seconds: float = Field(
        1.0,
        gt=0,
        le=3600,
        description="How often the background runner looks for events and item changes "
        "written by other processes, for reactions such as alerts (writes through this "
        "process wake it at once).",
    )
    event_weights: dict[str, float] = Field(
        {},
        description="Overrides of built-in event types' interaction weights, e.g. "
        '{"view": 0.5, "share": 0} (0: not an interaction). Without one, a built-in type '
        "keeps its own (purchase 5, add_to_cart 3, click, like and share 2, view and rate "
        "1, the others 0); a custom type's weight is the one it was registered with.",
    )
    interaction_half_life_days: float | None = Field(
        DEFAULT_HALF_LIFE_DAYS,
        gt=0,
        description="Older events count less, in training and serving alike: weights "
        "halve every this many days of age, measured back from the newest event in "
        "training and from the request's time in serving (the default was chosen on "
        "validation splits of the benchmark data: docs/research/defaults.md). None "
        "(null): no decay.",
    )

    personalization_consent: Literal["opt_in", "opt_out"] = Field(
        "opt_out",
        description="opt_in: personalize only users who granted the 'personalization' "
        "consent; opt_out: everyone except users who withdrew it. Others get trending "
        "items, and are told so.",
    )
    recommend_model: str = Field(
        "auto",
        description="The model whose active version serves user recommendations; auto: "
        "the one training chose on validation ('tailored train' without --model).",
    )
    training_budget_seconds: float | None = Field(
        None,
        gt=0,
        description="How long training's automatic choice may spend comparing models and "
        "their hyper-parameters on validation (None: a minute plus a second per 1,000 "
        "interactions, at most an hour).",
    )
    similar_model: str = Field(
        "similar_blend",
        description="The model behind similar items: similar_blend (behaviour and the "
        "catalog's words together), item_knn (behaviour only) or content (words only).",
    )
    bought_together_model: str = Field(
        "cooccurrence", description="The model behind 'bought together'."
    )
    repeat_purchase_categories: tuple[str, ...] = Field(
        (),
        description="Categories of items people buy again and again (coffee, groceries, "
        'e.g. ["coffee"]): an item of one of them that a user bought may be recommended '
        "to them again. Any other item a user bought is not (recommendations, and similar "
        "items or bought together asked with a user_id).",
    )
    history_length: int = Field(
        100, ge=1, le=10_000, description="A user's latest interactions scored per request."
    )
    trending_window_days: float = Field(
        7.0, gt=0, description="What 'trending' counts: events in the latest this many days."
    )
    preference_schema_file: Path | None = Field(
        None,
        description="A JSON or TOML file with the preference fields users can set (see "
        "README); when set, it is the schema and the admin API cannot change it.",
    )
    answer_cache_size: int = Field(
        20_000,
        ge=0,
        description="Answers kept in memory per worker and reused while nothing that made "
        "them has changed (the user's events, consent and preferences, the catalog, the "
        "models, trending); 0: none.",
    )
    serving_refresh_seconds: float = Field(
        30.0,
        ge=0,
        description="How often serving re-reads the catalog and the active models, in the "
        "background (requests never wait for it); trending counts every 10th time; 0: on "
        "every request.",
    )
    placements: dict[str, PlacementSettings] = Field(
        {},
        description="Strategies of placements not stored yet (a stored version wins: "
        "engine.placements), as JSON, e.g. "
        '{"home": {"diversity": 0.3, "boosts": [{"category": "sale", "factor": 1.5}]}}; '
        "placements without one use 'default' if given, else the built-in strategy.",
    )

    suppression_key: SecretStr | None = Field(
        None,
        min_length=32,
        description="The secret of the suppression list (erased ids are kept only as "
        "HMAC-SHA256 hashes under it), at least 32 characters, e.g. from `openssl rand "
        "-hex 32`. None: a random key is made on the first erasure and kept in "
        "models_dir/suppression.key (mode 0600; every process of one deployment shares "
        "models_dir already). Never in the database: a copy of it alone cannot tell who "
        "was erased. Lose the key and the list no longer recognises anyone.",
    )

    console_session_idle_minutes: float = Field(
        120.0,
        gt=0,
        description="A console session ends after this many minutes without a request "
        "(log in again with the admin key).",
    )
    console_session_hours: float = Field(
        12.0,
        gt=0,
        description="A console session ends this many hours after its login, however busy.",
    )

    @model_validator(mode="after")
    def _personalization_is_a_purpose(self) -> Settings:
        if "personalization" not in self.consent_purposes:
            raise ValueError(
                "consent_purposes must include 'personalization': recommendations ask for it"
            )
        return self

    @field_validator("interaction_half_life_days", mode="before")
    @classmethod
    def _decay_can_be_off(cls, value: object) -> object:
        # Decay is on by default, so the environment needs a way to turn it off.
        if isinstance(value, str) and value.strip().lower() in ("", "none", "null", "off"):
            return None
        return value

    @field_validator("event_weights")
    @classmethod
    def _weights_are_finite(cls, weights: dict[str, float]) -> dict[str, float]:
        # Which names are allowed (the built-in types) is checked by the engine, which
        # knows them.
        for name, weight in weights.items():
            if not (math.isfinite(weight) and weight >= 0):
                raise ValueError(f"weight of {name!r} must be a finite number, 0 or more")
        return weights

    @field_validator("database_url")
    @classmethod
    def _known_backend(cls, url: str) -> str:
        scheme, separator, rest = url.partition("://")
        if not separator or scheme not in SUPPORTED_SCHEMES:
            # Other drivers (psycopg2, asyncpg, ...) would fail later, deep inside SQLAlchemy.
            # Named by its scheme only: the rest may hold a password.
            given = f"{scheme}://" if separator else "a URL without a scheme"
            raise ValueError(
                f"{given} is not supported: use sqlite:///path/to/file.db or "
                "postgresql+psycopg://user:password@host/database"
            )
        if scheme in ("postgresql", "postgres"):
            # Plain postgresql:// would pick psycopg2, which we do not depend on.
            url = "postgresql+psycopg://" + rest
        return url

    @field_validator("consent_purposes")
    @classmethod
    def _purposes_are_names(cls, purposes: tuple[str, ...]) -> tuple[str, ...]:
        for purpose in purposes:
            if not purpose.isidentifier():
                raise ValueError(f"purpose {purpose!r} must be a simple name like 'analytics'")
        return purposes


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment, with explicit overrides on top."""
    return Settings(**overrides)  # type: ignore[arg-type]


__all__ = [
    "DEFAULT_DATABASE_URL",
    "DEFAULT_HALF_LIFE_DAYS",
    "BoostSettings",
    "PlacementSettings",
    "Settings",
    "load_settings",
]
