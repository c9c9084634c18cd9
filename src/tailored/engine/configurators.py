"""Product configurator use cases: templates (versioned), live validation and pricing,
designs saved per user and priced again when the template changes, reorders, orders of a
configuration without saving it, analytics."""

from __future__ import annotations

import builtins
import dataclasses
import hashlib
import threading
import uuid
from collections.abc import Callable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from tailored.domain.configurator.analytics import ConfiguratorAnalytics, summarize
from tailored.domain.configurator.definition import template_from_dict, template_to_dict
from tailored.domain.configurator.designs import (
    ConfiguredOrder,
    Reorder,
    SavedDesign,
    TemplateVersion,
    default_design_name,
)
from tailored.domain.configurator.rules import validate
from tailored.domain.configurator.template import Design, InvalidDesign, Template, Validation
from tailored.domain.events import PURCHASE
from tailored.domain.identifiers import check_identifier
from tailored.domain.results import Page
from tailored.engine.audit import Audit
from tailored.engine.cursors import check_limit, decode_number_cursor, encode_cursor
from tailored.engine.events import Events
from tailored.engine.suppression import SuppressionList, refuse_erased
from tailored.errors import InvalidInput, NotFound
from tailored.storage import configurators as store
from tailored.storage import users as user_store
from tailored.storage.database import Database
from tailored.types import JSONObject

# Same rule as every id in a URL path: no '/' and no control characters.
_CACHED_VERSIONS = 512
# Numbers past the columns' range cannot name a stored row (and would fail to bind).
_MAX_ID, _MAX_VERSION = 2**63, 2**31
_Key = tuple[str, int, datetime]  # template id, version, when the version was written


class Configurators:
    """`engine.configurators`: build-your-own products.

    >>> from tailored import Engine
    >>> engine = Engine.open("sqlite://")
    >>> from tailored.demo.configurators import example   # a template, as JSON
    >>> engine.configurators.define(example("coffee")).version
    1
    >>> check = engine.configurators.validate("coffee", {"temperature": "iced", "size": "S"})
    >>> check.total, [v.name for v in check.violations]
    (Decimal('2.80'), ['iced-only-in-m-or-l'])
    >>> saved = engine.configurators.save_design(
    ...     "u1", "coffee", "Iced oat latte",
    ...     {"temperature": "iced", "milk": "oat", "syrups": ["vanilla"]})
    >>> saved.price, saved.template_version
    (Decimal('3.80'), 1)
    >>> engine.close()
    """

    def __init__(
        self,
        db: Database,
        events: Events,
        *,
        now: Callable[[], datetime],
        suppression: SuppressionList | None = None,
        audit: Audit | None = None,
    ) -> None:
        self._suppression = suppression  # erased ids: not created again
        self._db = db
        self._audit = audit or Audit(db, now=now)
        self._events = events
        self._now = now
        self._parsed: dict[_Key, Template] = {}
        self._lock = threading.Lock()

    # Templates -----------------------------------------------------------------------

    def define(
        self, definition: Mapping[str, Any], *, template_id: str | None = None
    ) -> TemplateVersion:
        """Create a template or change it. A change makes a new version (designs keep
        theirs); the same definition again changes nothing. Raises `InvalidInput` naming
        the path of the first mistake, e.g. ``groups[2].choices[1].id``."""
        template = template_from_dict(definition, template_id=template_id)
        canonical = template_to_dict(template)
        now = self._now()
        with self._db.writing() as conn:
            version = store.lock_template(conn, template.id, now=now)
            current = store.get_version(conn, template.id, version) if version else None
            if current is None or current.definition != canonical:
                version += 1
                store.add_version(conn, template.id, version, canonical, now=now)
                detail = {"version": version}
                self._audit.record("configurator.set", target=template.id, detail=detail, conn=conn)
        return self.get(template.id, version=version)

    def update(self, template_id: str, definition: Mapping[str, Any]) -> TemplateVersion:
        """Change an existing template (`define` also creates one)."""
        with self._db.reading() as conn:
            if store.current_version(conn, template_id) is None:
                raise NotFound("configurator", template_id)
        return self.define(definition, template_id=template_id)

    def get(self, template_id: str, *, version: int | None = None) -> TemplateVersion:
        """The current version of a template, or the `version` asked for."""
        stored = None
        if version is None or 0 < version < _MAX_VERSION:
            with self._db.reading() as conn:
                stored = store.get_version(conn, template_id, version)
        if stored is None:
            what = f"{template_id} version {version}" if version is not None else template_id
            raise NotFound("configurator", what)
        return self._version_of(stored)

    def list(self) -> builtins.list[TemplateVersion]:
        """The current version of every template, by id."""
        with self._db.reading() as conn:
            stored = store.list_templates(conn)
        return [self._version_of(s) for s in stored]

    def _version_of(self, stored: store.StoredVersion) -> TemplateVersion:
        key = (stored.template_id, stored.version, stored.updated_at)
        template = self._template(key, lambda: stored.definition)
        return TemplateVersion(template, stored.version, stored.created_at, stored.updated_at)

    def _template(self, key: _Key, definition: Callable[[], Mapping[str, Any]]) -> Template:
        # Parsing checks every rule of a definition; versions never change once written,
        # so each is parsed once. The time it was written is part of the key, in case
        # the database is emptied or restored under a running engine.
        template = self._parsed.get(key)
        if template is None:
            template = template_from_dict(definition())
            with self._lock:
                if len(self._parsed) >= _CACHED_VERSIONS:
                    self._parsed.clear()
                self._parsed[key] = template
        return template

    def _current(self, template_id: str) -> tuple[Template, int]:
        with self._db.reading() as conn:
            stamp = store.current_stamp(conn, template_id)
            if stamp is None:
                raise NotFound("configurator", template_id)
            version, written = stamp
            if (template_id, version, written) in self._parsed:
                return self._parsed[(template_id, version, written)], version

            def definition() -> Mapping[str, Any]:
                stored = store.get_version(conn, template_id, version)
                assert stored is not None  # written with the header, never deleted
                return stored.definition

            return self._template((template_id, version, written), definition), version

    # Validation ----------------------------------------------------------------------

    def validate(self, template_id: str, choices: Mapping[str, Any] | None) -> Validation:
        """Price a design against the current version and list every rule it breaks;
        a design that breaks rules is an answer, not an error."""
        design = Design.of(choices)
        template, version = self._current(template_id)
        return validate(template, design, version=version)

    # Designs -------------------------------------------------------------------------

    def save_design(
        self,
        user_id: str,
        template_id: str,
        name: str | None,
        choices: Mapping[str, Any] | None,
    ) -> SavedDesign:
        """Save a user's design with its price; a design that breaks any rule is refused
        with `InvalidDesign` (a 422 naming every rule) and nothing is written. Without a
        `name` (None) it is called "My <template>", numbered when the user has one
        already ("My sneaker 2")."""
        user_id = check_identifier("user_id", user_id)
        if name is not None:
            name = _check_name(name)
        result = self.validate(template_id, choices)
        if not result.valid:
            raise InvalidDesign(result.violations)
        assert result.version is not None
        now = self._now()
        with self._db.writing() as conn:
            # Locked like every write of what a user owns: a merge moving the user's
            # designs waits for this one, or this one for the merge (designs have no
            # foreign key to users that would make the insert wait).
            refuse_erased(conn, self._suppression, user_id)
            user_store.lock_users(conn, [user_id], now=now)
            if name is None:  # chosen under the user's lock: two saves get two names
                taken = store.design_names(
                    conn, user_id, starting=default_design_name(template_id, ())
                )
                name = default_design_name(template_id, taken)
            design_id = store.insert_design(
                conn,
                user_id=user_id,
                template_id=template_id,
                version=result.version,
                name=name,
                choices=result.choices(),
                picks=result.picks,
                price=result.total,
                currency=result.currency,
                now=now,
            )
            saved = store.get_design(conn, user_id, design_id)
        assert saved is not None
        return dataclasses.replace(saved, current=result)

    def list_designs(
        self,
        user_id: str,
        *,
        template_id: str | None = None,
        cursor: str | None = None,
        limit: int = 50,
    ) -> Page[SavedDesign]:
        """A user's designs, newest first, each priced again against the current version
        of its template."""
        check_limit(limit)
        before = decode_number_cursor(cursor)
        with self._db.reading() as conn:
            found = store.list_designs(
                conn,
                user_id,
                template_id=template_id,
                before=before,
                limit=limit + 1,
            )
        more = len(found) > limit
        found = found[:limit]
        currents: dict[str, tuple[Template, int]] = {}
        for template_id in dict.fromkeys(d.template_id for d in found):
            currents[template_id] = self._current(template_id)
        priced = tuple(self._repriced(d, *currents[d.template_id]) for d in found)
        return Page(priced, encode_cursor(found[-1].id) if more else None)

    def get_design(self, user_id: str, design_id: int) -> SavedDesign:
        """One design of this user (another user's design is not found), priced again."""
        design = None
        if 0 < design_id < _MAX_ID:
            with self._db.reading() as conn:
                design = store.get_design(conn, user_id, design_id)
        if design is None:
            raise NotFound("design", str(design_id))
        return self._repriced(design, *self._current(design.template_id))

    def delete_design(self, user_id: str, design_id: int) -> None:
        deleted = False
        if 0 < design_id < _MAX_ID:
            with self._db.writing() as conn:
                deleted = store.delete_design(conn, user_id, design_id)
        if not deleted:
            raise NotFound("design", str(design_id))

    def reorder(self, user_id: str, design_id: int, *, order_id: str | None = None) -> Reorder:
        """Order a saved design again at today's price: records a `purchase` event for
        the template's catalog item (the template id when it names none), value = price,
        with the design and its choices in the context. `order_id` makes a retry record
        one purchase. A design the current template version no longer allows is refused,
        naming why."""
        if order_id is not None:
            order_id = check_identifier("order_id", order_id)
        design = self.get_design(user_id, design_id)
        if not design.valid_now:
            raise InvalidDesign(
                design.violations_now, prefix="the template changed since it was saved: "
            )
        template, version = self._current(design.template_id)
        event_id = f"design-{design.id}-{order_id or uuid.uuid4().hex}"
        item_id, duplicate = self._purchase(
            user_id,
            template,
            version,
            event_id,
            design.price_now,
            {"design_id": design.id, "choices": design.choices},
        )
        return Reorder(
            design=design,
            price=design.price_now,
            currency=template.currency,
            event_id=event_id,
            item_id=item_id,
            duplicate=duplicate,
        )

    def order(
        self,
        user_id: str,
        template_id: str,
        choices: Mapping[str, Any] | None,
        *,
        order_id: str | None = None,
    ) -> ConfiguredOrder:
        """Order a configuration as it is, without saving a design: records a `purchase`
        event like `reorder`, with the priced choices (defaults included) in the context.
        A configuration that breaks any rule is refused with `InvalidDesign` and nothing
        is recorded; `order_id` makes a retry record one purchase."""
        user_id = check_identifier("user_id", user_id)
        if order_id is not None:
            order_id = check_identifier("order_id", order_id)
        result = self.validate(template_id, choices)
        if not result.valid:
            raise InvalidDesign(result.violations)
        assert result.version is not None
        template, _ = self._current(template_id)
        event_id = _configured_event_id(user_id, template.id, order_id)
        picked = result.choices()
        item_id, duplicate = self._purchase(
            user_id, template, result.version, event_id, result.total, {"choices": picked}
        )
        return ConfiguredOrder(
            template_id=template.id,
            template_version=result.version,
            choices=picked,
            price=result.total,
            currency=result.currency,
            event_id=event_id,
            item_id=item_id,
            duplicate=duplicate,
        )

    def _purchase(
        self,
        user_id: str,
        template: Template,
        version: int,
        event_id: str,
        price: Decimal,
        context: JSONObject,
    ) -> tuple[str, bool]:
        """Record the purchase of a configured product: the template's catalog item (the
        template id when it names none), value = price, what was configured in the
        context. Returns the item and whether this event id was recorded before."""
        item_id = template.item_id or template.id
        result = self._events.record(
            {
                "event_id": event_id,
                "user_id": user_id,
                "type": PURCHASE,
                "item_id": item_id,
                "value": float(price),
                "context": {
                    "configurator_id": template.id,
                    "template_version": version,
                    "currency": template.currency,
                    "price": str(price),
                }
                | context,
            }
        )
        return item_id, result.duplicates > 0

    def _repriced(self, design: SavedDesign, template: Template, version: int) -> SavedDesign:
        current = validate(template, Design.of(design.choices), version=version)
        return dataclasses.replace(design, current=current)

    # Analytics -----------------------------------------------------------------------

    def analytics(self, template_id: str, *, top_pairs: int = 20) -> ConfiguratorAnalytics:
        """The most picked choices per group and the most frequent pairs of choices, with
        counts and shares of all designs saved from the template."""
        if not 0 <= top_pairs <= 1000:
            raise InvalidInput("pairs", "must be between 0 and 1000")
        template, _ = self._current(template_id)
        with self._db.reading() as conn:
            designs = store.count_designs(conn, template_id)
            picks = store.pick_counts(conn, template_id)
            groups = store.group_counts(conn, template_id)
            pairs = store.pair_counts(conn, template_id) if top_pairs else []
        return summarize(
            template, designs=designs, picks=picks, groups=groups, pairs=pairs, top_pairs=top_pairs
        )


def _check_name(name: str) -> str:
    if not isinstance(name, str) or not name.strip():
        raise InvalidInput("name", "is required: what the user calls this design")
    if len(name.strip()) > 200:
        raise InvalidInput("name", "must be at most 200 characters")
    return name.strip()


def _configured_event_id(user_id: str, template_id: str, order_id: str | None) -> str:
    """The purchase's event id: a user's `order_id` is theirs alone (another user's
    order with the same id is another purchase), hashed to stay within the id length."""
    if order_id is None:
        return f"configured-{uuid.uuid4().hex}"
    key = "\x1f".join((user_id, template_id, order_id)).encode()
    return f"configured-{hashlib.sha256(key).hexdigest()[:40]}"


__all__ = ["Configurators"]
