"""The Engine facade: the one entry point the server, the CLI and Python callers use."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from types import TracebackType

from tailored.config import Settings
from tailored.domain.console_sessions import SessionLimits
from tailored.engine.analytics import Analytics
from tailored.engine.audit import Audit
from tailored.engine.catalog import Items
from tailored.engine.configurators import Configurators
from tailored.engine.console_sessions import ConsoleSessions
from tailored.engine.erasure import Erasure
from tailored.engine.events import Events, EventTypes
from tailored.engine.jobs import Jobs
from tailored.engine.keys import Keys
from tailored.engine.lists import Lists
from tailored.engine.orders import Orders
from tailored.engine.placements import Placements
from tailored.engine.preferences.schemas import PreferenceSchemas
from tailored.engine.preferences.service import Preferences
from tailored.engine.privacy import Privacy
from tailored.engine.profiles import Consents, Users
from tailored.engine.reactions import Consumer, Reactions
from tailored.engine.recommend import Recommendations
from tailored.engine.subscriptions import ALERTS, Subscriptions, fire_alerts
from tailored.engine.suppression import KEY_FILE, SuppressionList
from tailored.engine.training import Training
from tailored.storage import schema
from tailored.storage.database import Database


def utc_now() -> datetime:
    return datetime.now(UTC)


class Engine:
    """Catalog, profiles, consents, events and keys over one database.

    >>> engine = Engine.open("sqlite://")          # in memory; a file path or postgres URL
    >>> engine.items.upsert({"id": "sku-1", "title": "Mug"}).id
    'sku-1'
    >>> engine.events.record({"user_id": "u1", "type": "view", "item_id": "sku-1"}).accepted
    1
    >>> engine.close()
    """

    def __init__(
        self, db: Database, settings: Settings, *, clock: Callable[[], datetime] = utc_now
    ) -> None:
        self.db = db
        self.settings = settings
        # Every service that changes what admins own appends to it, in its transaction.
        self.audit = audit = Audit(db, now=clock)
        # Consumers follow what commits (events, item changes); writers wake their runner.
        self.reactions = Reactions(db, now=clock, audit=audit)
        # Items, recommendations and preferences read the schema from one component.
        schemas = PreferenceSchemas(
            db,
            now=clock,
            schema_file=settings.preference_schema_file,
            cache_seconds=settings.serving_refresh_seconds,
            audit=audit,
        )
        self.items = Items(
            db,
            schemas,
            now=clock,
            max_batch=settings.max_batch_items,
            changed=partial(self.reactions.nudge, "item_changes"),
            audit=audit,
        )
        # Erased ids, kept from coming back by every write that would create them.
        given = settings.suppression_key
        self.suppression = SuppressionList(
            given.get_secret_value() if given is not None else None,
            key_file=settings.models_dir / KEY_FILE,
        )
        self.consents = Consents(
            db,
            now=clock,
            purposes=settings.consent_purposes,
            suppression=self.suppression,
            audit=audit,
        )
        self.event_types = EventTypes(
            db,
            now=clock,
            weight_overrides=settings.event_weights,
            cache_seconds=settings.serving_refresh_seconds,
            audit=audit,
        )
        self.events = Events(
            db,
            self.event_types,
            now=clock,
            max_batch=settings.max_batch_events,
            future_tolerance_seconds=settings.future_tolerance_seconds,
            recorded=partial(self.reactions.nudge, "events"),
            suppression=self.suppression,
        )
        self.keys = Keys(db, now=clock, audit=audit)
        self.console_sessions = ConsoleSessions(
            db,
            now=clock,
            limits=SessionLimits(
                idle=timedelta(minutes=settings.console_session_idle_minutes),
                lifetime=timedelta(hours=settings.console_session_hours),
            ),
            audit=audit,
        )
        # Favorites and lists, saved orders, alerts: none is made for an erased id either.
        erased = self.suppression
        self.lists = Lists(db, now=clock, suppression=erased)
        self.orders = Orders(db, self.events, now=clock, suppression=erased)
        self.subscriptions = Subscriptions(db, now=clock, suppression=erased, audit=audit)
        self.reactions.register(Consumer(ALERTS, "item_changes", fire_alerts, start="beginning"))
        self.training = Training(
            db,
            self.event_types,
            now=clock,
            models_dir=settings.models_dir,
            half_life_days=settings.interaction_half_life_days,
            budget_seconds=settings.training_budget_seconds,
            audit=audit,
        )
        # Wired in dependency order: preferences asks recommendations which catalog
        # values are popular.
        self.recommendations = Recommendations(
            db,
            settings,
            schemas,
            now=clock,
            active=self.training.active,
            meanings=self.event_types.meanings_now,
        )
        self.preferences = Preferences(
            db,
            schemas,
            now=clock,
            popularity=self.recommendations.popular_values,
            suppression=self.suppression,
        )
        # A placement change asks serving to re-read its state, after the commit.
        self.placements = Placements(
            db, settings.placements, now=clock, changed=self.recommendations.refresh, audit=audit
        )
        self.jobs = Jobs(db, self.training, now=clock, audit=audit)
        self.erasure = Erasure(
            db,
            self.suppression,
            self.jobs,
            now=clock,
            forget=self.recommendations.forget,
            audit=audit,
        )
        self.users = Users(
            db,
            now=clock,
            max_batch=settings.max_batch_items,
            suppression=self.suppression,
            erasure=self.erasure,
        )
        self.configurators = Configurators(
            db, self.events, now=clock, suppression=erased, audit=audit
        )
        self.analytics = Analytics(db, self.event_types, now=clock)  # the console's dashboard
        # Data-subject requests; an export shows the person's current recommendations.
        self.privacy = Privacy(db, now=clock, recommend=self.recommendations.for_user, audit=audit)

    @classmethod
    def open(
        cls,
        url: str | None = None,
        *,
        settings: Settings | None = None,
        migrate: bool = True,
        clock: Callable[[], datetime] = utc_now,
    ) -> Engine:
        """Connect to `url` (default: settings from the environment) and, unless told
        otherwise, bring the schema up to date first."""
        settings = settings or Settings()
        if url is not None:
            settings = settings.model_copy(
                update={"database_url": Settings(database_url=url).database_url}
            )
        db = Database(settings.database_url, sqlite_synchronous=settings.sqlite_synchronous)
        if migrate:
            schema.upgrade(db)
        return cls(db, settings, clock=clock)

    def close(self) -> None:
        self.db.dispose()

    def __enter__(self) -> Engine:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
