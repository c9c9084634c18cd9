"""Validating and pricing configurator designs in-process: the cost of one live check.

Builds a template with 20 option groups (single and multi choice, 8 choices each, with
price deltas, attributes, an "included picks" rule, a price multiplier, and a free-text
group), 21 constraints (7 requires, 7 excludes, 7 only_with; some on whole groups and one
triggered by the text), then times `Design.of` + `validate` (what the engine runs for
POST /v1/configurators/{id}/validate after reading the template) over `--designs`
random designs: defaults left to apply, valid picks, and mistakes of every kind (unknown
groups and choices, too many picks, texts too long or with bad characters, broken
constraints; half of the designs with the picks that break rules taken out, as a
storefront that hides impossible combinations would send them). Each call is timed on the
wall clock (the target: p99 <= 2 ms) and in CPU time; the machine's load average before
and after is recorded, since other processes lengthen the wall-clock tail. Results go to
benchmarks/results/configurator.json.

    python benchmarks/configurator.py                  # 20,000 designs
    python benchmarks/configurator.py --designs 500    # a smoke run
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import statistics
import string
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ingest import machine, percentile  # benchmarks/ingest.py, beside this file
from tailored import __version__
from tailored.domain.configurator.definition import template_from_dict
from tailored.domain.configurator.rules import validate
from tailored.domain.configurator.template import Design, Template
from tailored.testing.provenance import source

RESULTS = Path(__file__).parent / "results" / "configurator.json"
TARGET_P99_MS = 2.0
GROUPS, CHOICES, CONSTRAINTS_PER_KIND = 20, 8, 7
WARMUP = 500


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--designs", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()

    rng = random.Random(args.seed)
    definition = build_definition(rng)
    template = template_from_dict(definition)
    designs = [random_design(template, rng) for _ in range(args.designs + WARMUP)]
    # Half of them as a storefront that hides what cannot be combined would send.
    designs = [d if n % 2 else repaired(template, d) for n, d in enumerate(designs)]
    load_before = os.getloadavg()[0]
    timings_ms, cpu_ms, outcomes = time_validation(template, designs)

    kinds = Counter(c.kind for c in template.constraints)
    result = {
        "designs": len(timings_ms),
        "valid_share": round(outcomes["valid"] / len(timings_ms), 4),
        "violations_per_design": round(outcomes["violations"] / len(timings_ms), 3),
        "p50_ms": round(percentile(timings_ms, 50), 4),
        "p90_ms": round(percentile(timings_ms, 90), 4),
        "p99_ms": round(percentile(timings_ms, 99), 4),
        "max_ms": round(max(timings_ms), 4),
        "mean_ms": round(statistics.fmean(timings_ms), 4),
        "cpu_p50_ms": round(percentile(cpu_ms, 50), 4),
        "cpu_p99_ms": round(percentile(cpu_ms, 99), 4),
        # Other processes on the machine lengthen the wall-clock tail, not the CPU time.
        "load_average_1min": [round(load_before, 2), round(os.getloadavg()[0], 2)],
    }
    report = {
        "benchmark": "configurator",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "tailored": __version__,
        "machine": machine(),
        "source": source(),
        "parameters": {"designs": args.designs, "seed": args.seed, "warmup": WARMUP},
        "template": {
            "groups": len(template.groups),
            "kinds": dict(Counter(g.kind for g in template.groups)),
            "choices": sum(len(g.choices) for g in template.groups),
            "constraints": dict(kinds),
        },
        "results": result,
        "targets": {"p99_ms": TARGET_P99_MS},
        "targets_met": {"p99_ms": result["p99_ms"] <= TARGET_P99_MS},
    }
    print(json.dumps(report, indent=2))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2) + "\n")
    print(f"written to {args.output}")


def build_definition(rng: random.Random) -> dict[str, Any]:
    """20 groups: every third one multi-choice (at most 3 picks, the first one free on
    some), the rest single choice (half of them required with a default), the 10th a
    billing choice with a multiplier, the last a personal text."""
    groups: list[dict[str, Any]] = []
    for g in range(GROUPS - 1):
        choices = [
            {
                "id": f"c{c}",
                "label": f"Choice {g}.{c}",
                "price": round(rng.choice([0, 0, 0.5, 1, 2.5, 5, 10, -1]) + c * 0.05, 2),
                "attributes": {f"attr{g % 7}": f"v{c}", "weight": c},
            }
            for c in range(CHOICES)
        ]
        group: dict[str, Any] = {"id": f"g{g}", "label": f"Group {g}", "choices": choices}
        if g == 9:
            choices[1]["multiplier"] = 10
            choices[2]["multiplier"] = 1.15
        if g % 3 == 2:
            group |= {"kind": "multi", "max_picks": 3, "included": 1 if g % 2 else 0}
        elif g % 2 == 0:
            group |= {"kind": "single", "required": True, "defaults": ["c0"]}
        else:
            group |= {"kind": "single"}
        groups.append(group)
    groups.append(
        {
            "id": "text",
            "label": "Personal text",
            "kind": "text",
            "text": {"max_length": 12, "allowed": "A-Z0-9 ", "price": 5, "attribute": "text"},
        }
    )
    constraints = []
    for kind in ("requires", "excludes", "only_with"):
        for n in range(CONSTRAINTS_PER_KIND):
            source, *others = rng.sample(range(GROUPS - 1), 3)
            when = f"g{source}.c{rng.randrange(CHOICES)}"
            if kind == "excludes" and n == 0:
                when = "text"  # a whole group (the text) as the trigger
            targets = [f"g{o}.c{rng.randrange(CHOICES)}" for o in others]
            if n == 1:
                targets[-1] = f"g{others[-1]}"  # a whole group as a target
            if kind == "requires":
                targets = targets[:1]
            constraints.append(
                {"name": f"{kind}-{n}", "kind": kind, "when": when, "targets": targets}
            )
    return {"id": "bench", "name": "Benchmark product", "base_price": 100, "groups": groups,
            "constraints": constraints}  # fmt: skip


def random_design(template: Template, rng: random.Random) -> dict[str, Any]:
    """Choices as a storefront sends them: most groups answered, some left to their
    defaults, and a mistake now and then (about 1 in 30 answers)."""
    design: dict[str, Any] = {}
    for group in template.groups:
        roll = rng.random()
        if roll < 0.15:
            continue  # left to its defaults
        mistake = rng.random() < 0.03
        if group.kind == "text":
            length = rng.randrange(13, 16) if mistake else rng.randrange(0, 13)
            alphabet = string.ascii_uppercase + string.digits + " "
            text = "".join(rng.choices(alphabet, k=length))
            design[group.id] = text.lower() if mistake and roll > 0.5 else text
            continue
        ids = [c.id for c in group.choices]
        if group.kind == "single":
            if not mistake:
                design[group.id] = rng.choice(ids)
            else:
                design[group.id] = rng.sample(ids, 2) if roll > 0.5 else "unknown"
        else:
            count = group.max_picks + 1 if mistake else rng.randrange(0, group.max_picks + 1)
            design[group.id] = rng.sample(ids, count)
    if rng.random() < 0.01:
        design["not-a-group"] = "x"
    return design


def repaired(template: Template, design: dict[str, Any]) -> dict[str, Any]:
    """The design with the picks that break rules taken out (groups with mistakes go
    back to their defaults; a broken constraint loses the pick that triggered it)."""
    design = dict(design)
    for _ in range(5):
        result = validate(template, Design.of(design))
        if result.valid:
            break
        for violation in result.violations:
            trigger = violation.choices[0] if violation.choices else violation.groups[0]
            if violation.kind == "structure" or "." not in trigger:
                design.pop(violation.groups[0], None)
                continue
            group_id, _, choice_id = trigger.partition(".")
            group = template.group(group_id)
            picked = design.get(group_id, group.defaults if group else ())
            kept = [c for c in ([picked] if isinstance(picked, str) else picked) if c != choice_id]
            design[group_id] = kept
    return design


def time_validation(
    template: Template, designs: list[dict[str, Any]]
) -> tuple[list[float], list[float], Counter[str]]:
    """Wall-clock and CPU milliseconds per design (the CPU time leaves out the moments
    other processes had the core), after `WARMUP` unmeasured designs."""
    outcomes: Counter[str] = Counter()
    wall: list[float] = []
    cpu: list[float] = []
    clock, cpu_clock = time.perf_counter_ns, time.thread_time_ns
    gc.collect()
    for n, choices in enumerate(designs):
        start, cpu_start = clock(), cpu_clock()
        result = validate(template, Design.of(choices), version=1)
        cpu_end, end = cpu_clock(), clock()
        if n < WARMUP:
            continue
        wall.append((end - start) / 1e6)
        cpu.append((cpu_end - cpu_start) / 1e6)
        outcomes["valid"] += result.valid
        outcomes["violations"] += len(result.violations)
    return wall, cpu, outcomes


if __name__ == "__main__":
    main()
