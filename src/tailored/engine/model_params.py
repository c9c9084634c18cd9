"""Check a model name and its hyper-parameters before any work is queued on them."""

from __future__ import annotations

import typing
from collections.abc import Mapping
from functools import cache
from typing import Any

from pydantic import TypeAdapter, ValidationError

from tailored.domain.json_values import check_json
from tailored.errors import InvalidInput
from tailored.models import MODELS, Recommender

# What the edges offer as choices: they name models, they never import them.
MODEL_NAMES: tuple[str, ...] = tuple(MODELS)
AUTO = "auto"
"""Not a model: training chooses one on validation (`engine.training`), and serving
serves that choice."""


def model_kind(model: str) -> type[Recommender]:
    """The model class registered as `model`, or `InvalidInput` naming the choices.

    >>> model_kind("ease").__name__
    'EASE'
    """
    kind = MODELS.get(model)
    if kind is None:
        raise InvalidInput("model", f"unknown model {model!r}; choose from {', '.join(MODELS)}")
    return kind


def checked_params(model: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """`params` validated against the model's constructor: known names, values of the
    declared types (an integral float is accepted for an integer). Errors name the
    parameter as `params.<name>`.

    >>> checked_params("item_knn", {"neighbors": 50.0})
    {'neighbors': 50}
    >>> checked_params("ease", {"l2": "high"})
    Traceback (most recent call last):
    ...
    tailored.errors.InvalidInput: params.l2: must be float (Input should be a valid number)
    >>> checked_params("ease", {"l2": float("nan")})
    Traceback (most recent call last):
    ...
    tailored.errors.InvalidInput: params.l2: must be a finite number (not NaN or Infinity)
    """
    if model == AUTO:
        if params:
            raise InvalidInput("params", "name the model they are for: 'auto' chooses its own")
        return {}
    hints = _hints(model_kind(model))
    check_json("params", dict(params))  # finite numbers, 64-bit integers
    checked: dict[str, Any] = {}
    for name, value in params.items():
        if name not in hints:
            known = ", ".join(hints) or "none"
            raise InvalidInput(f"params.{name}", f"{model} has no such parameter; it has {known}")
        checked[name] = _value(name, hints[name], value)
    return checked


@cache
def _hints(kind: type[Recommender]) -> dict[str, Any]:
    hints = typing.get_type_hints(kind.__init__)
    hints.pop("return", None)
    return hints


def _value(name: str, hint: Any, value: Any) -> Any:
    adapter: TypeAdapter[Any] = TypeAdapter(hint)
    try:
        return adapter.validate_python(value, strict=True)
    except ValidationError as error:
        if isinstance(value, float) and value.is_integer():
            try:
                return adapter.validate_python(int(value), strict=True)
            except ValidationError:
                pass
        message = error.errors()[0]["msg"]
        expected = getattr(hint, "__name__", None) or str(hint)
        raise InvalidInput(f"params.{name}", f"must be {expected} ({message})") from None


__all__ = ["AUTO", "MODEL_NAMES", "checked_params", "model_kind"]
