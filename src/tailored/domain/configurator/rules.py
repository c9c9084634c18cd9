"""Validating and pricing a design: pure, and fast enough to run on every click.

Price rules, in order (every amount in the currency's minor unit, see `Template.decimals`):

1. the template's base price;
2. each pick's price delta (negative deltas are discounts), group by group;
3. per group, the `included` cheapest picks with a positive delta cost nothing
   (one "included" line with the amount waived);
4. each text: the text group's flat price plus its price per character;
5. multipliers of picked choices, applied in template order to the subtotal so far
   (one line each: the difference, rounded half-up to the minor unit).

Attributes: each picked choice's attributes and each text's attribute, in template
order; an attribute set to one value is that value, set to several different values is
the list of them.

>>> from tailored.domain.configurator.definition import template_from_dict
>>> coffee = template_from_dict({"id": "coffee", "name": "Coffee", "groups": [
...     {"id": "size", "label": "Size", "kind": "single", "required": True, "defaults": ["M"],
...      "choices": [{"id": "M", "label": "Medium", "price": 3}, {"id": "L", "label": "Large",
...                  "price": 3.5}]},
...     {"id": "temp", "label": "Temperature", "kind": "single", "choices": [
...      {"id": "hot", "label": "Hot"}, {"id": "iced", "label": "Iced"}]}],
...   "constraints": [{"name": "iced-only-large", "kind": "only_with", "when": "temp.iced",
...                    "targets": ["size.L"], "message": "Iced drinks come in L only"}]})
>>> result = validate(coffee, Design.of({"temp": "iced"}))
>>> result.total, result.defaults_applied, [v.name for v in result.violations]
(Decimal('3.00'), ('size',), ['iced-only-large'])
>>> validate(coffee, Design.of({"temp": "iced", "size": "L"})).valid
True
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from tailored.domain.configurator.template import (
    ZERO,
    Choice,
    Constraint,
    Design,
    OptionGroup,
    PriceLine,
    Selection,
    Template,
    Validation,
    Violation,
)
from tailored.types import JSONValue


def validate(template: Template, design: Design, *, version: int | None = None) -> Validation:
    """Price `design` and list every rule it breaks (never raises for a bad design)."""
    violations: list[Violation] = []
    picks: dict[str, tuple[str, ...]] = {}
    texts: dict[str, str] = {}
    defaults_applied: list[str] = []
    chosen = design.choices
    for group_id in chosen:
        if template.group(group_id) is None:
            violations.append(
                Violation(
                    "unknown_group",
                    "structure",
                    f"{template.name} has no option group {group_id!r}",
                    groups=(group_id,),
                )
            )
    present: set[str] = set()  # "group" and "group.choice" of everything chosen
    for group in template.groups:
        selection = chosen.get(group.id)
        if group.kind == "text":
            text = _read_text(group, selection, violations)
            if text:
                texts[group.id] = text
                present.add(group.id)
            continue
        if selection is None:
            ids = group.defaults
            if ids:
                defaults_applied.append(group.id)
        else:
            ids = _read_picks(group, selection, violations)
        picks[group.id] = ids
        _check_count(group, len(ids), violations)
        if ids:
            present.add(group.id)
            for choice_id in ids:
                present.add(group.reference(choice_id))
    violations.extend(_broken_constraints(template, present))
    lines, total = _price_lines(template, picks, texts)
    return Validation(
        template_id=template.id,
        version=version,
        total=total,
        currency=template.currency,
        lines=lines,
        picks=picks,
        texts=texts,
        attributes=_attributes(template, picks, texts),
        defaults_applied=tuple(defaults_applied),
        violations=tuple(violations),
    )


def _structure(name: str, group: OptionGroup, message: str, *choices: str) -> Violation:
    return Violation(
        name,
        "structure",
        f"{group.label}: {message}",
        groups=(group.id,),
        choices=tuple(group.reference(c) for c in choices),
    )


def _read_picks(
    group: OptionGroup, selection: Selection, violations: list[Violation]
) -> tuple[str, ...]:
    ids = (selection,) if isinstance(selection, str) else selection
    known: list[str] = []
    for choice_id in ids:
        if group.choice(choice_id) is None:
            message = f"{choice_id!r} is not one of its choices"
            violations.append(_structure("unknown_choice", group, message))
        elif choice_id in known:
            message = f"{choice_id!r} is chosen more than once"
            violations.append(_structure("duplicate_choice", group, message, choice_id))
        else:
            known.append(choice_id)
    return tuple(known)


def _check_count(group: OptionGroup, count: int, violations: list[Violation]) -> None:
    least = max(group.min_picks, 1)
    if count == 0:
        if group.required:
            wanted = "one" if group.kind == "single" else f"at least {least}"
            violations.append(_structure("required", group, f"choose {wanted}"))
    elif count < group.min_picks:
        message = f"choose at least {group.min_picks} (this design has {count})"
        violations.append(_structure("too_few", group, message))
    if count > group.max_picks:
        wanted = "only one" if group.max_picks == 1 else f"at most {group.max_picks}"
        message = f"choose {wanted} (this design has {count})"
        violations.append(_structure("too_many", group, message))


def _read_text(group: OptionGroup, selection: Selection | None, violations: list[Violation]) -> str:
    spec = group.text
    assert spec is not None  # text groups always have one (checked when defined)
    if selection is not None and not isinstance(selection, str):
        violations.append(_structure("text_expected", group, "expects a text, not a list"))
        return ""
    text = (selection or "").strip()
    if not text:
        if group.required:
            violations.append(_structure("required", group, "enter a text"))
        return ""
    if len(text) > spec.max_length:
        message = f"at most {spec.max_length} characters (this text has {len(text)})"
        violations.append(_structure("text_too_long", group, message))
    elif len(text) < spec.min_length:
        message = f"at least {spec.min_length} characters (this text has {len(text)})"
        violations.append(_structure("text_too_short", group, message))
    problem = spec.problem(text)
    if problem is not None:
        violations.append(_structure("text_characters", group, problem))
    return text


def _broken_constraints(template: Template, present: set[str]) -> Iterable[Violation]:
    for rule in template.constraints:
        if rule.when not in present:
            continue
        if rule.kind == "requires":
            involved = [t for t in rule.targets if t not in present]
        elif rule.kind == "excludes":
            involved = [t for t in rule.targets if t in present]
        else:  # only_with: any one target will do
            involved = [] if any(t in present for t in rule.targets) else list(rule.targets)
        if involved:
            yield _constraint_violation(rule, involved)


def _constraint_violation(rule: Constraint, targets: list[str]) -> Violation:
    references = (rule.when, *targets)
    groups = tuple(dict.fromkeys(r.partition(".")[0] for r in references))
    return Violation(
        rule.name,
        rule.kind,
        rule.message,
        groups=groups,
        choices=tuple(r for r in references if "." in r),
    )


def _price_lines(
    template: Template, picks: dict[str, tuple[str, ...]], texts: dict[str, str]
) -> tuple[tuple[PriceLine, ...], Decimal]:
    lines = [PriceLine("base", "Base price", template.base_price)]
    subtotal = template.base_price
    multipliers: list[tuple[OptionGroup, Choice]] = []
    for group in template.groups:
        if group.kind == "text":
            text = texts.get(group.id)
            if text and group.text is not None:
                amount = group.text.price_of(text)
                lines.append(PriceLine("text", f'{group.label}: "{text}"', amount, group.id))
                subtotal += amount
            continue
        ids = picks[group.id]
        for choice_id in ids:
            line = group.price_line(choice_id)
            lines.append(line)
            subtotal += line.amount
        if group.included and ids:
            deltas = sorted(p for p in (group.price_line(c).amount for c in ids) if p > 0)
            free = deltas[: group.included]
            if free:
                waived = sum(free, ZERO)
                label = f"{group.label}: {len(free)} included"
                lines.append(PriceLine("included", label, -waived, group.id))
                subtotal -= waived
        if group.scales:
            multipliers.extend(
                (group, choice)
                for choice_id in ids
                if (choice := group.choice(choice_id)) is not None and choice.multiplier != 1
            )
    if not multipliers:
        return tuple(lines), subtotal
    quantum = Decimal(1).scaleb(-template.decimals)
    for group, choice in multipliers:
        scaled = (subtotal * choice.multiplier).quantize(quantum, rounding=ROUND_HALF_UP)
        label = f"{group.label}: {choice.label} (x{choice.multiplier.normalize():f})"
        lines.append(PriceLine("multiplier", label, scaled - subtotal, group.id, choice.id))
        subtotal = scaled
    return tuple(lines), subtotal


def _attributes(
    template: Template, picks: dict[str, tuple[str, ...]], texts: dict[str, str]
) -> dict[str, JSONValue]:
    values: dict[str, JSONValue] = {}
    several: dict[str, list[JSONValue]] = {}  # attributes set to different values

    def add(name: str, value: JSONValue) -> None:
        if name not in values:
            values[name] = value
        elif name in several:
            if value not in several[name]:
                several[name].append(value)
        elif values[name] != value:
            several[name] = [values[name], value]

    for group in template.groups:
        if group.kind == "text":
            text = texts.get(group.id)
            if text and group.text is not None and group.text.attribute:
                add(group.text.attribute, text)
            continue
        for choice_id in picks[group.id]:
            choice = group.choice(choice_id)
            assert choice is not None
            for name, value in choice.attributes.items():
                add(name, value)
    values.update(several)
    return values


__all__ = ["validate"]
