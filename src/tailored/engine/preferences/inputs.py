"""Preference schemas as a business writes them (a file, or the admin API), checked at
the trust boundary and turned into the domain's `PreferenceSchema`.

>>> schema = parse_schema([{"name": "theme", "kind": "choice", "choices": ["light", "dark"]}])
>>> schema.fields[0].label
'Theme'
>>> parse_schema([{"name": "bio", "kind": "text", "max_length": 0}])
Traceback (most recent call last):
tailored.errors.InvalidInput: fields[0].max_length: Input should be greater than or equal to 1
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, TypeAdapter, ValidationError

from tailored.domain.preferences import Effect, FieldKind, PreferenceField, PreferenceSchema
from tailored.errors import InvalidInput

Name = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_]+$")]
Text = Annotated[str, StringConstraints(min_length=1, max_length=256)]


class PreferenceFieldIn(BaseModel):
    """One preference field; see the README's "Preference center" for examples."""

    model_config = ConfigDict(extra="forbid")

    name: Name
    kind: FieldKind
    label: Text | None = Field(None, description="default: the name, capitalised")
    choices: list[Text] = Field([], description="allowed values; empty: the catalog's values")
    attribute: Text | None = Field(
        None, description="the catalog attribute the values are; 'category' for categories"
    )
    effect: Effect = Field("none", description="boost, block or range: how it shapes picks")
    minimum: float | None = None
    maximum: float | None = None
    max_picks: int | None = Field(None, ge=1)
    max_length: int = Field(200, ge=1, le=10_000)
    question: Text | None = Field(None, description="ask it in onboarding with this text")
    help: str = ""

    def value(self) -> PreferenceField:
        return PreferenceField(
            name=self.name,
            kind=self.kind,
            label=self.label or self.name.replace("_", " ").capitalize(),
            choices=tuple(dict.fromkeys(self.choices)),
            attribute=self.attribute,
            effect=self.effect,
            minimum=self.minimum,
            maximum=self.maximum,
            max_picks=self.max_picks,
            max_length=self.max_length,
            question=self.question,
            help=self.help,
        )


_FIELDS = TypeAdapter(list[PreferenceFieldIn])


def parse_schema(fields: Sequence[Mapping[str, Any]]) -> PreferenceSchema:
    """The schema, or InvalidInput naming the first bad part, e.g. `fields[2].kind`."""
    try:
        parsed = _FIELDS.validate_python(list(fields))
    except ValidationError as error:
        first = error.errors()[0]
        where = "fields" + "".join(
            f"[{part}]" if isinstance(part, int) else f".{part}" for part in first["loc"]
        )
        raise InvalidInput(where, first["msg"]) from None
    return PreferenceSchema(tuple(spec.value() for spec in parsed))


def read_schema_file(path: Path) -> list[dict[str, Any]]:
    """The `fields` of a JSON or TOML file (`[[fields]]` tables in TOML)."""
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text) if path.suffix == ".toml" else json.loads(text)
    except (OSError, ValueError) as error:
        raise InvalidInput("preference_schema_file", f"cannot read {path}: {error}") from None
    fields = data.get("fields") if isinstance(data, dict) else data
    if not isinstance(fields, list):
        raise InvalidInput("preference_schema_file", f'{path}: expected {{"fields": [...]}}')
    return fields


def schema_document(schema: PreferenceSchema) -> list[dict[str, Any]]:
    """The schema as stored and shown: one plain object per field."""
    return [
        PreferenceFieldIn(
            name=f.name, kind=f.kind, label=f.label, choices=list(f.choices),
            attribute=f.attribute, effect=f.effect, minimum=f.minimum, maximum=f.maximum,
            max_picks=f.max_picks, max_length=f.max_length, question=f.question, help=f.help,
        ).model_dump()
        for f in schema.fields
    ]  # fmt: skip


__all__ = ["PreferenceFieldIn", "parse_schema", "read_schema_file", "schema_document"]
