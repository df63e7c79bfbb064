"""``skillpass frameworks``: list, show and compare qualifications frameworks."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from skillpass.errors import SkillpassError
from skillpass.frameworks import (
    Comparison,
    Framework,
    compare,
    find_framework,
    framework_table_version,
    list_frameworks,
    not_encoded,
)

from ._common import dump_json, fail, write_output
from ._group import PlainCommand

app = typer.Typer(
    help="Qualifications frameworks: level tables and indicative level comparison.",
    no_args_is_help=True,
    rich_markup_mode=None,
)

JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
CountryOption = Annotated[
    str | None,
    typer.Option(
        "--country",
        metavar="CC",
        help="ISO 3166-1 country code that settles a shared acronym (NVQF: NP or PK).",
    ),
]
LangOption = Annotated[
    str | None,
    typer.Option(
        "--lang",
        metavar="TAG",
        help="Name frameworks and levels in this language where the sources do (fr, es, ar...).",
    ),
]


def _print_json(value: Any) -> None:
    write_output(dump_json(value), None)


def _console() -> Console:
    # Data text may contain square brackets: never read it as rich markup.
    return Console(markup=False, highlight=False)


def _name(fw: Framework, lang: str | None = None) -> str:
    shown = fw.display_name(lang)
    if fw.original_name and fw.original_name != shown:
        return f"{shown} ({fw.original_name})"
    return shown


@app.command("list", cls=PlainCommand)
def list_command(as_json: JsonOption = False) -> None:
    """List the frameworks SkillPass knows, with the frameworks each one is linked to."""
    frameworks = list_frameworks()
    if as_json:
        _print_json(
            {
                "framework_table_version": framework_table_version(),
                "frameworks": [
                    {
                        "id": fw.id,
                        "name": fw.name,
                        "country": fw.country,
                        "kind": fw.kind,
                        "status": fw.status,
                        "levels": list(fw.level_labels),
                        "referencing": [r.target for r in fw.referencing],
                    }
                    for fw in frameworks
                ],
                "not_encoded": [{"id": i, "reason": why} for i, why in not_encoded().items()],
            }
        )
        return
    table = Table(title=f"Qualifications frameworks (table version {framework_table_version()})")
    for column in ("ID", "Name", "Country", "Levels", "Compared via"):
        table.add_column(column)
    for fw in frameworks:
        superseded = fw.status == "superseded" and "superseded" not in fw.name
        name = fw.name + (" (superseded)" if superseded else "")
        linked = [r.target for r in fw.referencing if r.usable and r.levels]
        table.add_row(
            fw.id,
            name,
            fw.country or fw.region or "",
            str(len(fw.levels)),
            ", ".join(linked) or "-",
        )
    console = _console()
    console.print(table)
    console.print(
        "Left out for lack of a source for their levels (`show ID` says why): "
        + ", ".join(not_encoded())
    )


@app.command("show", cls=PlainCommand)
def show_command(
    framework_id: Annotated[
        str,
        typer.Argument(metavar="ID", help="Framework id, acronym or name, e.g. DE-DQR or DQR."),
    ],
    country: CountryOption = None,
    lang: LangOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show a framework's levels and its referencing, with sources."""
    try:
        fw = find_framework(framework_id, country)
    except SkillpassError as exc:
        fail(exc)
    if as_json:
        _print_json(fw.to_dict())
        return
    console = _console()
    console.print(f"{fw.id}: {_name(fw, lang)}")
    console.print(
        f"Country: {fw.country or fw.region or '-'}    Kind: {fw.kind}    Status: {fw.status}"
    )
    console.print(f"Legal basis: {fw.legal_basis}")
    console.print(f"Levels confidence: {fw.levels_confidence}")
    for note in fw.notes:
        console.print(f"Note: {note}")

    links: dict[str, list[str]] = {}
    for ref in fw.referencing:
        for link in ref.levels:
            targets = "/".join(link.targets) or "none"
            links.setdefault(link.level, []).append(f"{ref.target} {targets}")
    levels = Table(title="Levels")
    for column in ("Level", "Descriptor / typical qualifications", "Linked to"):
        levels.add_column(column)
    for lvl in fw.levels:
        text = "; ".join(
            filter(None, [lvl.display_name(lang), lvl.descriptor, *lvl.typical_qualifications])
        )
        levels.add_row(lvl.label, text, ", ".join(links.get(lvl.label, [])))
    console.print(levels)

    if fw.referencing:
        refs = Table(title="Referencing")
        for column in ("Target", "Kind", "Status", "Confidence", "Source"):
            refs.add_column(column)
        for ref in fw.referencing:
            refs.add_row(
                ref.target,
                ref.kind,
                ref.status,
                ref.confidence,
                f"{ref.source.title} ({ref.source.date})",
            )
        console.print(refs)


def _print_comparison(result: Comparison) -> None:
    console = _console()
    title = f"{result.from_framework} {result.from_level} → {result.to_framework}"
    names = dict(result.names)
    if names:
        title += f" ({names[result.from_framework]} → {names[result.to_framework]})"
    if not result.routes:
        console.print(
            f"{title}: no comparable level ({result.reason}): no referencing, comparison "
            "or ISCED 2011 bridge links these levels.",
        )
    else:
        table = Table(title=title)
        for column in ("Level", "Path", "Confidence", "Sources"):
            table.add_column(column)
        for route in result.routes:
            sources = "\n".join(
                f"{s.from_node} → {s.to_node}: {s.kind}, {s.status} ({s.confidence}); "
                f"{s.source.title} ({s.source.date})"
                for s in route.sources
            )
            table.add_row(route.level, " → ".join(route.path), route.confidence, sources)
        console.print(table)
    console.print(f"Caveat: {result.caveat}")


@app.command("map", cls=PlainCommand)
def map_command(
    from_framework: Annotated[
        str,
        typer.Option(
            "--from",
            metavar="ID",
            help="Framework of the level: id, acronym or name, e.g. PH-PQF, PQF or NVQF.",
        ),
    ],
    level: Annotated[str, typer.Option("--level", metavar="L", help="Level label, e.g. 5 or E3.")],
    to_framework: Annotated[
        str,
        typer.Option(
            "--to", metavar="ID", help="Framework to compare with: id, acronym or name (DE-DQR)."
        ),
    ],
    country: CountryOption = None,
    lang: LangOption = None,
    as_json: JsonOption = False,
) -> None:
    """Compare a level with another framework (indicative, not recognition).

    Frameworks may be given by id, acronym or name; an acronym several countries use (NVQF,
    NQF, TQF) needs --country for the --from framework, and the error lists the candidates.
    """
    try:
        source = find_framework(from_framework, country)
        target = find_framework(to_framework)
        result = compare(source.id, level, target.id, lang)
    except SkillpassError as exc:
        fail(exc)
    if as_json:
        _print_json(result.to_dict())
    else:
        _print_comparison(result)
