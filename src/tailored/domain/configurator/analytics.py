"""Which choices and combinations users pick, from counts over their saved designs.

Shares are of all designs saved from the template. Choices a newer version removed still
count (labelled by their id); text groups are personal and not counted.

>>> from tailored.domain.configurator.definition import template_from_dict
>>> mug = template_from_dict({"id": "mug", "groups": [
...     {"id": "colour", "kind": "single", "choices": [{"id": "red"}, {"id": "blue"}]},
...     {"id": "size", "kind": "single", "choices": [{"id": "s"}, {"id": "l"}]}]})
>>> stats = summarize(mug, designs=4,
...                   picks=[("colour", "red", 3), ("colour", "blue", 1), ("size", "l", 4)],
...                   groups={"colour": 4, "size": 4},
...                   pairs=[("colour", "red", "size", "l", 3), ("colour", "blue", "size", "l", 1)])
>>> [(c.choice_id, c.count, c.share) for c in stats.groups[0].choices]
[('red', 3, 0.75), ('blue', 1, 0.25)]
>>> top = stats.pairs[0]
>>> (top.first, top.second, top.count, top.label)
('colour.red', 'size.l', 3, 'colour: red + size: l')
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from tailored.domain.configurator.template import Template, ref


@dataclass(frozen=True, slots=True)
class ChoiceCount:
    """How many designs picked one choice, and their share of all designs.

    >>> ChoiceCount("milk", "oat", "Oat milk", 3, 0.3).share
    0.3
    """

    group_id: str
    choice_id: str
    label: str
    count: int
    share: float


@dataclass(frozen=True, slots=True)
class GroupCounts:
    """One group: designs that picked anything in it, and its choices, most picked first.

    >>> GroupCounts("milk", "Milk", 10, 1.0, ()).designs
    10
    """

    group_id: str
    label: str
    designs: int
    share: float
    choices: tuple[ChoiceCount, ...]


@dataclass(frozen=True, slots=True)
class PairCount:
    """Two choices saved together in that many designs (`first` sorts before `second`).

    >>> PairCount("milk.oat", "size.L", "Milk: Oat milk + Size: Large", 2, 0.2).count
    2
    """

    first: str
    second: str
    label: str
    count: int
    share: float


@dataclass(frozen=True, slots=True)
class ConfiguratorAnalytics:
    """Choice counts per group and the most frequent pairs, over `designs` designs.

    >>> ConfiguratorAnalytics("mug", 0, (), ()).designs
    0
    """

    template_id: str
    designs: int
    groups: tuple[GroupCounts, ...]
    pairs: tuple[PairCount, ...]


def summarize(
    template: Template,
    *,
    designs: int,
    picks: Iterable[tuple[str, str, int]],
    groups: Mapping[str, int],
    pairs: Iterable[tuple[str, str, str, str, int]],
    top_pairs: int = 20,
) -> ConfiguratorAnalytics:
    """Counts from the store, labelled and ranked: choices by count (then the template's
    order), pairs by count (then by name), so equal counts rank the same everywhere."""

    def share(count: int) -> float:
        return round(count / designs, 4) if designs else 0.0

    counted: dict[str, dict[str, int]] = {}
    for group_id, choice_id, count in picks:
        counted.setdefault(group_id, {})[choice_id] = count
    summaries: list[GroupCounts] = []
    for group in template.groups:
        if group.kind == "text":
            continue
        seen = counted.pop(group.id, {})
        order = [c.id for c in group.choices] + sorted(c for c in seen if group.choice(c) is None)
        choices = [
            ChoiceCount(group.id, c, _choice_label(template, group.id, c), seen.get(c, 0), 0.0)
            for c in order
        ]
        choices.sort(key=lambda c: -c.count)  # stable: template order among equals
        used = groups.get(group.id, 0)
        summaries.append(
            GroupCounts(
                group.id,
                group.label,
                used,
                share(used),
                tuple(
                    ChoiceCount(c.group_id, c.choice_id, c.label, c.count, share(c.count))
                    for c in choices
                ),
            )
        )
    for group_id in sorted(counted):  # groups a newer version removed
        retired = sorted(counted[group_id].items(), key=lambda kv: (-kv[1], kv[0]))
        used = groups.get(group_id, 0)
        summaries.append(
            GroupCounts(
                group_id,
                group_id,
                used,
                share(used),
                tuple(ChoiceCount(group_id, c, c, n, share(n)) for c, n in retired),
            )
        )
    ranked = sorted((tuple(sorted((ref(g1, c1), ref(g2, c2)))), n) for g1, c1, g2, c2, n in pairs)
    ranked.sort(key=lambda pair: -pair[1])
    top = tuple(
        PairCount(
            first,
            second,
            f"{_pick_label(template, first)} + {_pick_label(template, second)}",
            count,
            share(count),
        )
        for (first, second), count in ranked[: max(top_pairs, 0)]
    )
    return ConfiguratorAnalytics(template.id, designs, tuple(summaries), top)


def _pick_label(template: Template, reference: str) -> str:
    group_id, _, choice_id = reference.partition(".")
    group = template.group(group_id)
    return f"{group.label if group else group_id}: {_choice_label(template, group_id, choice_id)}"


def _choice_label(template: Template, group_id: str, choice_id: str) -> str:
    group = template.group(group_id)
    choice = group.choice(choice_id) if group is not None else None
    return choice.label if choice is not None else choice_id


__all__ = ["ChoiceCount", "ConfiguratorAnalytics", "GroupCounts", "PairCount", "summarize"]
