"""`tailored configurators ...`: product templates, live validation, designs, analytics."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from tailored.cli.apps import App
from tailored.cli.common import DatabaseOption, console, fail, open_engine
from tailored.demo.configurators import install_examples
from tailored.domain.configurator.designs import SavedDesign, TemplateVersion
from tailored.domain.configurator.template import Validation

app = App(
    help="Product configurators: build-your-own templates, prices, designs.",
    no_args_is_help=True,
)

ChoiceOption = Annotated[
    list[str] | None,
    typer.Option(
        "--choice", "-c", help="group=choice; repeat, also for several picks of one group"
    ),
]
TextOption = Annotated[
    list[str] | None, typer.Option("--text", "-t", help="group=text for a text group")
]
ConfiguratorArgument = Annotated[
    str, typer.Argument(metavar="ID", help="the configurator's id, e.g. sneaker (see 'list')")
]


@app.command()
def examples(database_url: DatabaseOption = None) -> None:
    """Install the example templates: a sneaker, a coffee drink, a subscription plan."""
    with open_engine(database_url, create=True) as engine:
        installed = install_examples(engine)
    console.print(_templates(installed))
    console.print("[dim]try: tailored configurators validate coffee -c temperature=iced[/]")


@app.command()
def define(
    file: Annotated[Path, typer.Argument(help="a template as JSON", exists=True, dir_okay=False)],
    database_url: DatabaseOption = None,
) -> None:
    """Define a template from a JSON file, or change it (a change makes a new version)."""
    try:
        definition = json.loads(file.read_text("utf-8"))
    except (OSError, ValueError) as error:
        fail(f"{file}: not a JSON document ({error})")
    with open_engine(database_url, create=True) as engine:
        defined = engine.configurators.define(definition)
    console.print(f"{defined.template.id}: version {defined.version}")


@app.command("list")
def list_templates(database_url: DatabaseOption = None) -> None:
    """Every template, at its current version."""
    with open_engine(database_url) as engine:
        found = engine.configurators.list()
    if not found:
        console.print("no configurator yet: try 'tailored configurators examples'")
        return
    console.print(_templates(found))


@app.command()
def show(
    configurator_id: ConfiguratorArgument,
    version: Annotated[int | None, typer.Option(help="default: the current one")] = None,
    database_url: DatabaseOption = None,
) -> None:
    """A template's groups, choices with prices, and constraints."""
    with open_engine(database_url) as engine:
        found = engine.configurators.get(configurator_id, version=version)
    template = found.template
    console.print(
        f"[bold]{escape(template.name)}[/] ({template.id}, version {found.version}): "
        f"base price {template.currency} {template.base_price}"
    )
    groups = Table("group", "kind", "rule", "choices (price delta)")
    for group in template.groups:
        if group.text is not None:
            spec = group.text
            rule = f"{spec.min_length}-{spec.max_length} chars"
            offered = f"text: {spec.describe_allowed()}, {spec.price}"
        else:
            rule = (
                "pick one"
                if group.kind == "single"
                else f"{group.min_picks}-{group.max_picks} picks"
            )
            offered = ", ".join(
                f"{c.id}{'*' if c.id in group.defaults else ''} ({c.price}"
                + (f", x{c.multiplier.normalize():f}" if c.multiplier != 1 else "")
                + ")"
                for c in group.choices
            )
        required = "required, " if group.required else ""
        groups.add_row(group.id, group.kind, required + rule, escape(offered))
    console.print(groups)
    console.print("[dim]* default[/]")
    if template.constraints:
        rules = Table("constraint", "kind", "when", "targets", "message")
        for constraint in template.constraints:
            targets = ", ".join(constraint.targets)
            rules.add_row(
                constraint.name,
                constraint.kind,
                constraint.when,
                targets,
                escape(constraint.message),
            )
        console.print(rules)


@app.command()
def validate(
    configurator_id: ConfiguratorArgument,
    choice: ChoiceOption = None,
    text: TextOption = None,
    database_url: DatabaseOption = None,
) -> None:
    """Price a design and list every rule it breaks (exit code 1 when it breaks any)."""
    choices = _choices(choice or [], text or [])
    with open_engine(database_url) as engine:
        result = engine.configurators.validate(configurator_id, choices)
    _print_validation(result)
    if not result.valid:
        raise typer.Exit(1)


@app.command()
def save(
    user_id: Annotated[str, typer.Argument(help="whose design")],
    configurator_id: ConfiguratorArgument,
    name: Annotated[str, typer.Argument(help="what the user calls it")],
    choice: ChoiceOption = None,
    text: TextOption = None,
    database_url: DatabaseOption = None,
) -> None:
    """Save a design for a user (refused, naming every rule broken, when invalid)."""
    choices = _choices(choice or [], text or [])
    with open_engine(database_url) as engine:
        saved = engine.configurators.save_design(user_id, configurator_id, name, choices)
    console.print(f"saved design {saved.id} for {user_id}: {saved.currency} {saved.price}")


@app.command()
def designs(
    user_id: Annotated[str, typer.Argument(help="whose designs")],
    database_url: DatabaseOption = None,
) -> None:
    """A user's designs, with the price saved and the price today."""
    with open_engine(database_url) as engine:
        page = engine.configurators.list_designs(user_id, limit=1000)
    if not page.items:
        console.print(f"{user_id} has no saved design")
        return
    console.print(_designs(page.items))


@app.command()
def reorder(
    user_id: Annotated[str, typer.Argument(help="whose design")],
    design_id: Annotated[int, typer.Argument(help="the id shown by 'designs'")],
    order_id: Annotated[str | None, typer.Option(help="your order id (retries count once)")] = None,
    database_url: DatabaseOption = None,
) -> None:
    """Order a saved design again at today's price (records a purchase event)."""
    with open_engine(database_url) as engine:
        done = engine.configurators.reorder(user_id, design_id, order_id=order_id)
    again = " (already recorded)" if done.duplicate else ""
    console.print(
        f"ordered {escape(repr(done.design.name))} for {done.currency} {done.price}: "
        f"purchase of {done.item_id}, event {done.event_id}{again}"
    )


@app.command()
def analytics(
    configurator_id: ConfiguratorArgument,
    pairs: Annotated[int, typer.Option(help="how many top pairs")] = 10,
    database_url: DatabaseOption = None,
) -> None:
    """Most picked choices per group and the most frequent pairs of choices."""
    with open_engine(database_url) as engine:
        stats = engine.configurators.analytics(configurator_id, top_pairs=pairs)
    console.print(f"[bold]{stats.template_id}[/]: {stats.designs} saved designs")
    table = Table("group", "choice", "designs", "share")
    for group in stats.groups:
        for rank, counted in enumerate(group.choices):
            table.add_row(
                escape(group.label) if rank == 0 else "",
                escape(counted.label),
                str(counted.count),
                f"{counted.share:.0%}",
            )
    console.print(table)
    if stats.pairs:
        top = Table("picked together", "designs", "share")
        for pair in stats.pairs:
            top.add_row(escape(pair.label), str(pair.count), f"{pair.share:.0%}")
        console.print(top)


def _choices(choice: list[str], text: list[str]) -> dict[str, Any]:
    picked: dict[str, Any] = {}
    for option, value in [("--choice", c) for c in choice] + [("--text", t) for t in text]:
        group, sep, chosen = value.partition("=")
        if not sep or not group:
            fail(f"{option}: expected group=value, got {value!r}")
        if option == "--text":
            picked[group] = chosen
        else:
            picked.setdefault(group, []).append(chosen)
    return picked


def _print_validation(result: Validation) -> None:
    table = Table("", title=f"{result.template_id} (version {result.version})")
    table.add_column("price", justify="right")
    for line in result.lines:
        table.add_row(escape(line.label), f"{line.amount}")
    table.add_row("[bold]total[/]", f"[bold]{result.currency} {result.total}[/]")
    console.print(table)
    if result.defaults_applied:
        console.print(f"[dim]defaults used for: {', '.join(result.defaults_applied)}[/]")
    if result.attributes:
        shown = ", ".join(f"{k}={v}" for k, v in result.attributes.items())
        console.print(f"attributes: {escape(shown)}")
    if result.valid:
        console.print("[green]valid[/]")
        return
    console.print(f"[bold red]{len(result.violations)} violation(s):[/]")
    for violation in result.violations:
        where = ", ".join(violation.choices or violation.groups)
        console.print(
            f"  [red]{violation.name}[/] ({violation.kind}; {where}): {escape(violation.message)}"
        )


def _templates(found: list[TemplateVersion]) -> Table:
    table = Table("id", "name", "version", "groups", "constraints", "updated")
    for entry in found:
        template = entry.template
        table.add_row(
            template.id,
            escape(template.name),
            str(entry.version),
            str(len(template.groups)),
            str(len(template.constraints)),
            f"{entry.updated_at:%Y-%m-%d %H:%M}",
        )
    return table


def _designs(found: tuple[SavedDesign, ...]) -> Table:
    table = Table("id", "configurator", "name", "saved price", "price now", "status")
    for design in found:
        status = "ok" if design.valid_now else ", ".join(v.name for v in design.violations_now)
        now = f"{design.price_now}" + (" (changed)" if design.price_changed else "")
        table.add_row(
            str(design.id),
            f"{design.template_id} v{design.template_version}",
            escape(design.name),
            f"{design.currency} {design.price}",
            now,
            status,
        )
    return table


__all__ = ["app"]
