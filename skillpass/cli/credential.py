"""``skillpass credential new``: an unsigned credential from options or an answers file.

The four builders of :mod:`skillpass.credentials` do the work; this command only gathers their
input: an answers file (YAML or JSON, the builders' field names), then the options (which win),
then, when a terminal is attached, a prompt for each required value still missing.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from skillpass.errors import MalformedValueError, ParsingError, SkillpassError

from . import _common as c
from ._group import PlainCommand

app = typer.Typer(
    help="Write a new unsigned credential from options or an answers file.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


@app.callback()
def _group() -> None:
    """Write a new unsigned credential from options or an answers file."""


class Kind(StrEnum):
    """The kinds of credential (one builder each)."""

    qualification = "qualification"
    skill = "skill"
    experience = "experience"
    language = "language"


# The fields each kind's builder takes, beside issuer, holder, description and the dates.
_FIELDS: dict[Kind, frozenset[str]] = {
    Kind.qualification: frozenset(
        {"name", "achievement_type", "criteria", "levels", "skills", "completed_on"}
    ),
    Kind.skill: frozenset(
        {"name", "achievement_type", "criteria", "levels", "skill", "completed_on"}
    ),
    Kind.experience: frozenset({"role", "start_date", "end_date", "skills_used", "criteria"}),
    Kind.language: frozenset({"name", "criteria", "language", "language_name", "cefr_level"}),
}

# What a prompt asks for, per kind: (path in the input, question). Required values only.
_COMMON_PROMPTS = (
    (("issuer", "id"), "Issuer DID (the key that will sign it, e.g. did:key:z6Mk…)"),
    (("issuer", "name"), "Issuer name"),
    (("holder", "name"), "Holder's name"),
    (("description",), "Description"),
)
_PROMPTS: dict[Kind, tuple[tuple[tuple[str, ...], str], ...]] = {
    Kind.qualification: (
        (("name",), "Qualification name"),
        (("achievement_type",), "Achievement type (e.g. Certificate, Diploma, Degree)"),
        (("criteria",), "How it was earned (criteria)"),
    ),
    Kind.skill: (
        (("skill", "uri"), "ESCO skill URI (http://data.europa.eu/esco/skill/…)"),
        (("skill", "name"), "Skill name"),
        (("criteria",), "How it was assessed (criteria)"),
    ),
    Kind.experience: (
        (("role",), "Role or job title"),
        (("start_date",), "Start date (YYYY-MM-DD)"),
    ),
    Kind.language: (
        (("language",), "Language code (ISO 639, e.g. de)"),
        (("language_name",), "Language name (e.g. German)"),
        (("cefr_level",), "CEFR level (A1, A2, B1, B2, C1 or C2)"),
        (("criteria",), "How it was assessed (criteria)"),
    ),
}

_MAX_ANSWERS = 1_000_000


def _read_answers(path: str) -> dict[str, Any]:
    text = c.read_text(path, what="answers file", limit=_MAX_ANSWERS)
    if path.lower().endswith((".yaml", ".yml")):
        import yaml

        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise ParsingError(
                f"answers file {path} is not valid YAML: {exc}", code="not_yaml"
            ) from None
    else:
        from skillpass import parse_json

        data = parse_json(text, what=f"answers file {path}")
    if not isinstance(data, dict):
        raise ParsingError(
            f"answers file {path} must hold a mapping of field names to values",
            code="not_an_object",
        )
    return data


def _get(data: dict[str, Any], path: tuple[str, ...]) -> Any:
    value: Any = data
    for part in path:
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _put(data: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    for part in path[:-1]:
        inner = data.get(part)
        if not isinstance(inner, dict):
            inner = {}
            data[part] = inner
        data = inner
    data[path[-1]] = value


def _pair(value: str, separator: str, option: str, example: str) -> tuple[str, str]:
    left, found, right = value.partition(separator)
    if not found or not left.strip() or not right.strip():
        raise MalformedValueError(
            f"{option} {value!r} must look like {example}", code="invalid_credential_input"
        )
    return left.strip(), right.strip()


def _build(kind: Kind, data: dict[str, Any]) -> dict[str, Any]:
    from skillpass import credentials

    builders = {
        Kind.qualification: credentials.build_qualification,
        Kind.skill: credentials.build_skill,
        Kind.experience: credentials.build_work_experience,
        Kind.language: credentials.build_language_proficiency,
    }
    return builders[kind](data)


@app.command("new", cls=PlainCommand)
def new(
    kind: Annotated[
        Kind,
        typer.Argument(
            metavar="KIND",
            case_sensitive=False,
            help="qualification, skill, experience (work experience) or language.",
        ),
    ],
    answers: Annotated[
        str | None,
        typer.Option(
            "--answers",
            metavar="FILE",
            help="A YAML (.yaml/.yml) or JSON file of the builder's fields (see"
            " docs/credentials.md); options override it.",
        ),
    ] = None,
    issuer: Annotated[
        str | None,
        typer.Option("--issuer", metavar="DID", help="The issuer's DID (the signing key's)."),
    ] = None,
    issuer_name: Annotated[
        str | None, typer.Option("--issuer-name", metavar="TEXT", help="The issuer's name.")
    ] = None,
    holder_name: Annotated[
        str | None, typer.Option("--holder-name", metavar="TEXT", help="The holder's name.")
    ] = None,
    holder_did: Annotated[
        str | None,
        typer.Option("--holder-did", metavar="DID", help="The holder's DID, if they have one."),
    ] = None,
    name: Annotated[
        str | None,
        typer.Option(
            "--name", metavar="TEXT", help="Name of the qualification, skill or language level."
        ),
    ] = None,
    description: Annotated[
        str | None, typer.Option("--description", metavar="TEXT", help="What it certifies.")
    ] = None,
    criteria: Annotated[
        str | None,
        typer.Option("--criteria", metavar="TEXT", help="How it was earned or assessed."),
    ] = None,
    achievement_type: Annotated[
        str | None,
        typer.Option(
            "--achievement-type",
            metavar="TYPE",
            help="Open Badges achievement type (e.g. Certificate, Diploma).",
        ),
    ] = None,
    level: Annotated[
        list[str] | None,
        typer.Option(
            "--level",
            metavar="FRAMEWORK:LEVEL",
            help="A framework level, e.g. PH-PQF:2 (repeatable; qualification, skill).",
        ),
    ] = None,
    skill: Annotated[
        list[str] | None,
        typer.Option(
            "--skill",
            metavar="URI=NAME",
            help="An ESCO skill: its URI, '=', its name (repeatable; one for a skill).",
        ),
    ] = None,
    role: Annotated[
        str | None, typer.Option("--role", metavar="TEXT", help="Experience: the role.")
    ] = None,
    start_date: Annotated[
        str | None,
        typer.Option("--start-date", metavar="DATE", help="Experience: first day (YYYY-MM-DD)."),
    ] = None,
    end_date: Annotated[
        str | None,
        typer.Option("--end-date", metavar="DATE", help="Experience: last day (YYYY-MM-DD)."),
    ] = None,
    language: Annotated[
        str | None,
        typer.Option("--language", metavar="CODE", help="Language: ISO 639 code (e.g. de)."),
    ] = None,
    language_name: Annotated[
        str | None,
        typer.Option("--language-name", metavar="TEXT", help="Language: its name (German)."),
    ] = None,
    cefr_level: Annotated[
        str | None,
        typer.Option("--cefr-level", metavar="A1-C2", help="Language: the CEFR level."),
    ] = None,
    completed_on: Annotated[
        str | None,
        typer.Option("--completed-on", metavar="DATE", help="When it was completed."),
    ] = None,
    valid_from: Annotated[
        str | None,
        typer.Option("--valid-from", metavar="TIME", help="Valid from (default: now)."),
    ] = None,
    valid_until: Annotated[
        str | None, typer.Option("--valid-until", metavar="TIME", help="Valid until.")
    ] = None,
    interactive: Annotated[
        bool | None,
        typer.Option(
            "--interactive/--no-interactive",
            help="Ask for missing required values (default: when a terminal is attached).",
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", metavar="FILE", help="Write the JSON here, not to stdout."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace the --out file if it exists.")
    ] = False,
) -> None:
    """Write a new unsigned credential, ready for `skillpass sign`.

    Values come from --answers (the builder's field names, as in docs/credentials.md), then
    from the options, which win; with a terminal attached, each required value still missing
    is asked for. The credential is printed (or written to --out) as JSON.
    """
    try:
        data = _read_answers(answers) if answers else {}
        given: dict[tuple[str, ...], Any] = {
            ("issuer", "id"): issuer,
            ("issuer", "name"): issuer_name,
            ("holder", "name"): holder_name,
            ("holder", "id"): holder_did,
            ("description",): description,
            ("name",): name,
            ("criteria",): criteria,
            ("achievement_type",): achievement_type,
            ("role",): role,
            ("start_date",): start_date,
            ("end_date",): end_date,
            ("language",): language,
            ("language_name",): language_name,
            ("cefr_level",): cefr_level,
            ("completed_on",): completed_on,
            ("valid_from",): valid_from,
            ("valid_until",): valid_until,
        }
        if level:
            pairs = [_pair(item, ":", "--level", "PH-PQF:2") for item in level]
            given[("levels",)] = [{"framework": f, "level": v} for f, v in pairs]
        if skill:
            skills = [
                {"uri": uri, "name": label}
                for uri, label in (
                    _pair(item, "=", "--skill", "http://data.europa.eu/esco/skill/…=welding")
                    for item in skill
                )
            ]
            field = {Kind.skill: "skill", Kind.experience: "skills_used"}.get(kind, "skills")
            if field == "skill" and len(skills) > 1:
                raise MalformedValueError(
                    "a skill credential certifies one skill: give --skill once",
                    code="invalid_credential_input",
                )
            given[(field,)] = skills[0] if field == "skill" else skills
        common = {"issuer", "holder", "description", "valid_from", "valid_until"}
        for path, value in given.items():
            if value is None:
                continue
            if path[0] not in common and path[0] not in _FIELDS[kind]:
                option = "--" + path[0].replace("_", "-")
                raise MalformedValueError(
                    f"{option} does not apply to a {kind.value} credential",
                    code="invalid_credential_input",
                )
            _put(data, path, value)
        asking = interactive if interactive is not None else sys.stdin.isatty()
        if asking:
            for path, question in (*_COMMON_PROMPTS, *_PROMPTS[kind]):
                if _get(data, path) in (None, ""):
                    _put(data, path, typer.prompt(question, err=True).strip())
        try:
            credential = _build(kind, data)
        except MalformedValueError as exc:
            if not asking and "Field required" in exc.message:
                exc.message += (
                    "; give the missing values as options or in --answers, or run this in a"
                    " terminal to be asked for them"
                )
            raise
        c.write_output(c.dump_json(credential), out, force=force)
    except SkillpassError as exc:
        c.fail(exc)
    if out is not None:
        c.stderr.print(
            f"unsigned {kind.value} credential written to {out}; sign it with:"
            f" skillpass sign {out} --key KEY_FILE",
            markup=False,
        )
