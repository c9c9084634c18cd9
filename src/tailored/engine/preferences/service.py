"""`engine.preferences`: the preference center and the onboarding survey.

The business defines the fields (`schema`, from the admin API or a file); users read
and change their values (`get`, `replace`, `update`), every change is logged field by
field (`history`), and new users are asked the questions that help recommendations
most (`onboarding`, `answer`). What users choose feeds the recommendation chain: see
`tailored.domain.preference_effects`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from tailored.domain.erasure import SUPPRESSED_REASON
from tailored.domain.identifiers import check_identifier
from tailored.domain.natural import natural_order
from tailored.domain.preferences import (
    PreferenceChange,
    PreferenceField,
    PreferenceSchema,
    Question,
    changes,
)
from tailored.engine.preferences.schemas import PreferenceSchemas
from tailored.engine.suppression import SuppressionList
from tailored.errors import InvalidInput
from tailored.storage import preferences as store
from tailored.storage.database import Database
from tailored.storage.users import lock_users

MAX_OPTIONS = 8  # options offered per onboarding question
Popularity = Callable[[str], list[tuple[str, float]]]
"""(value, share of activity on items holding it) of a catalog attribute's values, most
popular first."""


class Preferences:
    """Users' explicit choices, checked against the business's schema.

    >>> from tailored import Engine
    >>> engine = Engine.open("sqlite://")
    >>> engine.preferences.update("u1", {"theme": "dark"}, changed_by="u1")
    {'theme': 'dark'}
    >>> [(c.field, c.old, c.new) for c in engine.preferences.history("u1")]
    [('theme', None, 'dark')]
    >>> engine.close()
    """

    def __init__(
        self,
        db: Database,
        schemas: PreferenceSchemas,
        *,
        now: Callable[[], datetime],
        popularity: Popularity,
        suppression: SuppressionList | None = None,
    ) -> None:
        self._db = db
        self._schemas = schemas
        self._now = now
        self._popularity = popularity
        self._suppression = suppression  # erased ids: not created again

    # --- the schema ------------------------------------------------------------------

    def schema(self) -> PreferenceSchema:
        """The fields in force: the file's, else the latest set, else the defaults."""
        return self._schemas.get()

    def set_schema(
        self, fields: Sequence[Mapping[str, Any]], *, changed_by: str
    ) -> PreferenceSchema:
        """Replace the fields. Values stored for fields that are gone stay in the
        database (the history keeps them) but are no longer shown or used."""
        return self._schemas.set(fields, changed_by=changed_by)

    # --- the preference center -----------------------------------------------------------

    def get(self, user_id: str) -> dict[str, Any]:
        """The user's values for the fields in force ({} for a user never seen)."""
        schema = self.schema()
        names = {f.name for f in schema.fields}
        with self._db.reading() as conn:
            values = store.user_preferences(conn, user_id) or {}
        return {name: value for name, value in values.items() if name in names}

    def replace(
        self, user_id: str, values: Mapping[str, Any], *, changed_by: str
    ) -> dict[str, Any]:
        """Set exactly these values (fields left out are cleared)."""
        return self._write(user_id, values, changed_by=changed_by, merge=False)

    def update(self, user_id: str, values: Mapping[str, Any], *, changed_by: str) -> dict[str, Any]:
        """Change these fields only; a None clears one."""
        return self._write(user_id, values, changed_by=changed_by, merge=True)

    def history(self, user_id: str, *, limit: int = 100) -> list[PreferenceChange]:
        """The user's latest changes, newest first."""
        if not 1 <= limit <= 1000:
            raise InvalidInput("limit", "must be between 1 and 1000")
        with self._db.reading() as conn:
            return store.history(conn, user_id, limit=limit)

    # --- onboarding ------------------------------------------------------------------

    def onboarding(self, user_id: str) -> list[Question]:
        """The questions a user has not answered, the most useful first: those that
        shape recommendations, by how much an answer narrows the catalog's activity
        down, then the rest in schema order. Catalog fields offer their most popular
        values, in their natural order (`tailored.domain.natural`); a question without
        options is left out."""
        answered = self.get(user_id)
        questions = []
        for spec in self.schema().fields:
            if spec.question is None or spec.name in answered:
                continue
            options, usefulness = self._options(spec)
            if spec.kind in ("choice", "choices") and not options:
                continue
            questions.append(Question(spec, spec.question, options, usefulness))
        return sorted(questions, key=lambda q: -q.usefulness)

    def answer(self, user_id: str, answers: Mapping[str, Any]) -> dict[str, Any]:
        """Store onboarding answers as preferences (only questions of the survey)."""
        schema = self.schema()
        for name in answers:
            if schema.field(name).question is None:
                raise InvalidInput(f"answers.{name}", "is not an onboarding question")
        return self._write(user_id, answers, changed_by="onboarding", merge=True)

    # --- the parts -------------------------------------------------------------------

    def _options(self, spec: PreferenceField) -> tuple[tuple[str, ...], float]:
        if spec.choices:
            return spec.choices, 0.0
        if spec.attribute is None or spec.kind not in ("choice", "choices"):
            return (), 0.5 if spec.effect == "range" else 0.0
        ranked = self._popularity(spec.attribute)
        # The most popular values are offered, listed in their natural order (sizes
        # small to large, numbers by value), as a shop lists them.
        options = natural_order(value for value, _ in ranked[:MAX_OPTIONS])
        return options, _spread([share for _, share in ranked]) if spec.effect != "none" else 0.0

    def _write(
        self, user_id: str, values: Mapping[str, Any], *, changed_by: str, merge: bool
    ) -> dict[str, Any]:
        user_id = check_identifier("user_id", user_id)
        if not isinstance(values, Mapping):
            raise InvalidInput("preferences", "must be an object of field: value")
        schema = self.schema()
        with self._db.writing() as conn:
            if self._suppression is not None and self._suppression.among(conn, [user_id]):
                raise InvalidInput("user_id", SUPPRESSED_REASON)
            cache: dict[str, set[str]] = {}

            def catalog(attribute: str) -> set[str]:
                if attribute not in cache:
                    cache[attribute] = store.catalog_values(conn, attribute)
                return cache[attribute]

            checked = schema.check(values, catalog)  # raises before anything is written
            now = self._now()
            # Read under the user's row lock: concurrent changes of other fields are kept,
            # and each history row's "old" is what the previous writer left.
            before = dict(lock_users(conn, [user_id], now=now)[user_id].preferences)
            after = dict(before) if merge else {}
            after.update(checked)
            for name, value in values.items():
                if value is None:
                    after.pop(name, None)
            # On the values as they would stand: a PATCH of one field can contradict
            # another set earlier. Only a request that sets one of the two is refused (one
            # of another field must not fail on values stored before this rule). Nothing is
            # written: the transaction rolls back.
            found = schema.contradiction(after)
            if found is not None and {found.boost.name, found.block.name} & set(values):
                raise found.error(changed=values)
            store.write_preferences(
                conn, user_id, after, changes(before, after), changed_by=changed_by, now=now
            )
        names = {f.name for f in schema.fields}
        return {name: value for name, value in after.items() if name in names}


def _spread(shares: Sequence[float]) -> float:
    """How much an answer narrows things down: 1 minus the share of activity expected
    to remain, when a user picks value v with a chance in proportion to its share s_v
    and keeps the items holding it (1 - sum(p_v * s_v)). For an attribute with one value
    per item this is the Gini impurity; values most items share (a size "M") narrow
    little.

    >>> _spread([0.5, 0.5]), _spread([1.0]), round(_spread([0.1] * 10), 2)
    (0.5, 0.0, 0.9)
    >>> round(_spread([0.9, 0.9, 0.2]), 2)  # most items in both of the big values
    0.17
    """
    total = sum(shares)
    if total <= 0:
        return 0.0
    return max(0.0, 1.0 - sum(s * s for s in shares) / total)


__all__ = ["Preferences"]
