"""Property-based fuzzing of a running server with schemathesis, over its own OpenAPI.

`fuzz` loads ``/openapi.json`` from the server and sends every operation requests
generated from it, with an API key: the coverage phase walks each parameter's
boundaries, wrong types and missing values; the fuzzing phase draws valid and invalid
inputs at random; the stateful phase chains operations (create, then read or change
what was created). Each answer is checked: no server error, and a status code, content
type and body that the description documents for that operation. The report counts
the requests and lists each distinct failure with the response and a ``curl`` command
that reproduces it.

A run is reproducible: a fixed seed, derandomized generation that does not adapt to the
server's answers, and nothing kept between runs send the same coverage and fuzzing
requests every time; the stateful phase follows links through the answers. Hypothesis
also draws constants from the project's modules that are imported, so the same seed
can send slightly different requests from a process that imported other modules (one
test file alone versus the whole suite). Ids the database holds, given as `stored_ids`,
are drawn for the parameters of those names, so requests reach stored records instead
of only 404s; and every integer or string parameter now and then gets one of `EDGES`.

Needs the `test` extra. This drives the engine behind schemathesis's command line
(`schemathesis.engine`), not its pytest plugin, whose fixture-based tests break on pytest
9.2 (they set the removed `Node._nodeid`). That engine is not a documented API: hence
the upper bound on schemathesis in pyproject.toml.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import schemathesis
from schemathesis.core.failures import ServerError
from schemathesis.engine import events, from_schema
from schemathesis.engine.statistic import GroupedFailures, Statistic

CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
)
# Values at the edges of what parsing and storage handle, drawn now and then for any
# integer or string parameter (path or query): past 64 bits, control characters, ids no
# client can address, very long strings, timestamps whose conversion to UTC overflows.
EDGES: tuple[str | int, ...] = (
    -1,
    2**63 - 1,
    2**63,
    -(2**63) - 1,
    2**64,
    10**30,
    ".",
    "..",
    "\x00",
    "a\x00b",
    "tab\tand\nnewline",
    "\u00e9\u6f22\U0001f600",
    "x" * 300,
    "0001-01-01T00:00:00+01:00",
    "9999-12-31T23:59:59-01:00",
)
EDGE_SHARE = 0.1  # of the values of parameters without stored ids


@dataclass(frozen=True)
class Finding:
    """One distinct failure: where, whether the server broke or only answered otherwise
    than documented, and schemathesis's account of it (ending in a curl command)."""

    operation: str
    server_error: bool
    codes: tuple[str, ...]  # schemathesis's failure codes: ST101 server error, ...
    text: str

    @property
    def kind(self) -> str:
        return "server error" if self.server_error else "conformance"


@dataclass
class FuzzReport:
    """What a run sent and what it found.

    >>> report = FuzzReport(seed=11, described=2, cases=40, operations={"GET /a", "GET /b"})
    >>> report.kinds.update({"coverage negative": 25, "fuzzing positive": 15})
    >>> report.findings.append(Finding("GET /b", True, ("ST101",), "curl ..."))
    >>> report.ok
    False
    >>> print(report.summary())  # doctest: +NORMALIZE_WHITESPACE
    40 requests to 2 of 2 operations in 0 s (seed 11; coverage negative 25, fuzzing positive
    15): 1 server errors, 0 conformance failures, 0 errors
    """

    seed: int
    described: int = 0  # operations in the description
    cases: int = 0
    kinds: Counter[str] = field(default_factory=Counter)  # requests by phase, by mode
    operations: set[str] = field(default_factory=set)  # those that got requests
    seconds: float = 0.0
    seconds_by_operation: dict[str, float] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # what schemathesis could not test

    @property
    def server_errors(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.server_error]

    @property
    def ok(self) -> bool:
        return not self.findings and not self.errors

    def summary(self) -> str:
        sent = ", ".join(f"{kind} {n}" for kind, n in sorted(self.kinds.items()))
        return (
            f"{self.cases} requests to {len(self.operations)} of {self.described} operations in "
            f"{self.seconds:.0f} s (seed {self.seed}; {sent}): "
            f"{len(self.server_errors)} server errors, "
            f"{len(self.findings) - len(self.server_errors)} conformance failures, "
            f"{len(self.errors)} errors"
        )

    def slowest(self, n: int = 3) -> str:
        """The operations that took the most time, to see where a budget goes."""
        ranked = sorted(self.seconds_by_operation.items(), key=lambda pair: -pair[1])[:n]
        return ", ".join(f"{label} {seconds:.1f} s" for label, seconds in ranked)

    def details(self) -> str:
        """Every finding (server errors first) and error, for a test failure message."""
        parts = [self.summary()]
        for finding in sorted(self.findings, key=lambda f: (not f.server_error, f.operation)):
            parts.append(f"--- {finding.operation} ({finding.kind})\n{finding.text}")
        parts.extend(f"--- error\n{error}" for error in self.errors)
        return "\n\n".join(parts)


def fuzz(
    base_url: str,
    *,
    key: str,
    seed: int,
    max_examples: int,
    stored_ids: Mapping[str, Sequence[str | int]] | None = None,
    stored_share: float = 0.6,
    stateful: bool = True,
) -> FuzzReport:
    """Fuzz the server at `base_url` with the API key `key`.

    `max_examples` bounds the requests the fuzzing phase draws per operation (the
    coverage phase sends what each operation's parameters call for). `stored_ids` maps
    parameter names (``user_id``) to ids the database holds: path and query parameters
    of that name take one of them, or one of `EDGES`, in `stored_share` of the requests.
    """
    config = schemathesis.Config.from_dict(
        _settings(seed, key, max_examples, stored_ids or {}, stored_share, stateful)
    )
    schema = schemathesis.openapi.from_url(f"{base_url}/openapi.json", config=config)
    report = FuzzReport(seed=seed, described=len(schema))
    statistic = Statistic()
    started = time.monotonic()
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished) and event.is_test_scenario:
            statistic.on_scenario_finished(event.recorder)
            label = event.label or event.recorder.label
            spent = report.seconds_by_operation.get(label, 0.0) + event.elapsed_time
            report.seconds_by_operation[label] = spent
            for node in event.recorder.cases.values():
                report.operations.add(node.value.operation.label)
                meta = node.value.meta
                if meta is not None:
                    report.kinds[f"{meta.phase.name} {meta.generation.mode}"] += 1
        elif isinstance(event, events.NonFatalError):
            report.errors.append(f"{event.label}: {event.info.format()}")
        elif isinstance(event, events.FatalError):
            report.errors.append(f"schemathesis stopped: {event.exception!r}")
    report.seconds = time.monotonic() - started
    report.cases = statistic.total_cases
    for label, groups in sorted(statistic.failures.items()):
        report.findings.extend(_finding(label, group, schema) for group in groups.values())
    return report


def _finding(label: str, group: GroupedFailures, schema: schemathesis.BaseSchema) -> Finding:
    return Finding(
        operation=label,
        server_error=any(isinstance(failure, ServerError) for failure in group.failures),
        codes=tuple(sorted({failure.code for failure in group.failures})),
        text=group.format(index=None, curl=group.code_sample, config=schema.config.output),
    )


def _settings(
    seed: int,
    key: str,
    max_examples: int,
    stored_ids: Mapping[str, Sequence[str | int]],
    stored_share: float,
    stateful: bool,
) -> dict[str, Any]:
    """schemathesis's configuration (the keys of its `schemathesis.toml`)."""
    # A parameter with stored ids draws them or an edge, in about equal shares.
    dictionaries = {
        name: {"values": [*ids] * max(1, len(EDGES) // len(ids)) + list(EDGES)}
        for name, ids in stored_ids.items()
        if ids
    }
    edges = {"dictionary": "edges", "probability": EDGE_SHARE}
    return {
        "seed": seed,
        "headers": {"Authorization": f"Bearer {key}"},
        "workers": 1,
        "request-timeout": 60,  # a request that hangs fails the run instead of stalling it
        "continue-on-failure": True,  # every distinct failure of an operation, not the first
        "cache": {"enabled": False},  # nothing kept between runs, nothing written
        "generation": {
            "mode": "all",  # valid and invalid input
            "max-examples": max_examples,
            "deterministic": True,
            "database": "none",  # no example database: nothing replayed from older runs
            "dictionaries": {"integer": edges, "string": edges},
        },
        # Generation that does not learn from the server's answers: the same requests on
        # every run (answers vary with timing, e.g. of training jobs), and, measured, more
        # invalid input and more server errors found in the same budget.
        "phases": {
            "coverage": {"extra-data-sources": {"responses": False}},
            "fuzzing": {
                "extra-data-sources": {"responses": False},
                "error-feedback": {"enabled": False},
            },
            "stateful": {"enabled": stateful},
        },
        "checks": {"enabled": False, **{name: {"enabled": True} for name in CHECKS}},
        "dictionaries": {**dictionaries, "edges": {"values": list(EDGES)}},
        "parameters": {
            f"{where}.{name}": {"dictionary": name, "probability": stored_share}
            for name in dictionaries
            for where in ("path", "query")
        },
    }


__all__ = ["CHECKS", "EDGES", "Finding", "FuzzReport", "fuzz"]
