"""JSON Schema validation of credentials against the pinned schemas (not public API).

Two schemas ship in ``schemas/json/`` (see its README):

- the W3C VC Data Model 2.0 structural schema (draft 2020-12), applied to every VCDM 2.0 document;
- the 1EdTech Open Badges 3.0 ``AchievementCredential`` schema (draft 2019-09), applied to
  documents typed ``OpenBadgeCredential`` or ``AchievementCredential``.

Nothing is ever fetched: the schemas refer only to their own ``$defs``, the validators get a
``referencing`` registry holding just these two documents, and any other reference fails.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from functools import cache
from typing import TYPE_CHECKING, Any, Final

import jsonschema_rs

from ._contexts import CREDENTIALS_V1, CREDENTIALS_V2
from ._jsonio import types_of
from ._resources import data_path
from .errors import MalformedValueError

if TYPE_CHECKING:
    from jsonschema import FormatChecker
    from jsonschema.protocols import Validator

# The Python validator (jsonschema) is imported only to explain a rejection: jsonschema-rs
# accepts valid documents, and importing jsonschema costs more than a whole verification.
# The pinned schemas are checked against their metaschemas by the tests, not at run time.

__all__ = ["SCHEMA_INVALID", "validate_credential_schemas"]

SCHEMA_INVALID: Final = "schema_invalid"

_OB_SCHEMA_FILE = "ob_v3p0_achievementcredential_schema.json"
_VC_SCHEMA_FILE = "verifiable-credential-schema.json"
_OB_TYPES: Final = frozenset({"OpenBadgeCredential", "AchievementCredential"})
_MAX_MESSAGE = 200

# RFC 3339 date-time as the schemas mean it (jsonschema checks "date-time" only when the optional
# rfc3339-validator package is installed, so the check is done here, without new dependencies).
_DATE_TIME = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})", re.ASCII
)


def _check_date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True  # formats only constrain strings; "type" handles the rest
    if not _DATE_TIME.fullmatch(value):
        return False
    try:
        datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def _check_date(value: object) -> bool:
    if not isinstance(value, str):
        return True
    try:
        return re.fullmatch(r"\d{4}-\d{2}-\d{2}", value, re.ASCII) is not None and bool(
            date.fromisoformat(value)
        )
    except ValueError:
        return False


def _format_checker() -> FormatChecker:
    from jsonschema import FormatChecker

    checker = FormatChecker(formats=())
    checker.checks("date-time")(_check_date_time)
    checker.checks("date")(_check_date)
    return checker


def _references(node: object) -> Iterable[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from _references(value)
    elif isinstance(node, list):
        for item in node:
            yield from _references(item)


@cache
def _schema_documents() -> dict[str, dict[str, Any]]:
    """The pinned schemas by file name, read once; a remote ``$ref`` fails closed here."""
    schemas = {}
    for file in (_VC_SCHEMA_FILE, _OB_SCHEMA_FILE):
        schema = json.loads(data_path("json", file).read_text(encoding="utf-8"))
        # Fail closed at load time rather than let a remote $ref decide later what "valid" is.
        remote = [ref for ref in _references(schema) if not ref.startswith("#")]
        if remote:
            raise RuntimeError(f"{file} refers to other documents: {remote}")
        schemas[file] = schema
    return schemas


@cache
def _validators() -> tuple[Validator, Validator]:
    """The (VC 2.0, OB 3.0) Python validators, compiled once (used to explain rejections)."""
    from jsonschema import Draft201909Validator, Draft202012Validator
    from referencing import Registry, Resource

    schemas = _schema_documents()
    # A Registry without `retrieve` fails on any URI it does not hold (jsonschema adds only the
    # bundled metaschemas); passing one also turns off jsonschema's deprecated remote fetching.
    registry: Registry[Any] = Registry().with_resources(
        (schema["$id"], Resource.from_contents(schema)) for schema in schemas.values()
    )
    checker = _format_checker()
    vc_schema, ob_schema = schemas[_VC_SCHEMA_FILE], schemas[_OB_SCHEMA_FILE]
    # No check_schema() here: the files are pinned, a test checks them against their
    # metaschemas, and doing it at run time made the first verification of a process cost
    # hundreds of milliseconds (inside its deadline).
    return (
        Draft202012Validator(vc_schema, registry=registry, format_checker=checker),
        Draft201909Validator(ob_schema, registry=registry, format_checker=checker),
    )


def _no_retrieval(uri: str) -> Any:
    raise ValueError(f"schema reference {uri} is not available offline")


@cache
def _fast_validators() -> dict[str, Any]:
    """The same schemas compiled by jsonschema-rs: valid documents (the common case) are
    accepted in microseconds; the Python validator then only runs to explain a rejection."""
    out = {}
    for name, file in (
        ("VC Data Model 2.0", _VC_SCHEMA_FILE),
        ("Open Badges 3.0", _OB_SCHEMA_FILE),
    ):
        schema = _schema_documents()[file]
        out[name] = jsonschema_rs.validator_for(
            schema, validate_formats=True, retriever=_no_retrieval
        )
    return out


def _pointer(parts: Iterable[object]) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def _raise_first(index: int, doc: Mapping[str, Any], name: str) -> None:
    if _fast_validators()[name].is_valid(doc):
        return
    from jsonschema.exceptions import ValidationError, best_match

    validator = _validators()[index]
    error: ValidationError | None = best_match(validator.iter_errors(doc))
    if error is None:
        return
    message = error.message
    if len(message) > _MAX_MESSAGE:
        message = message[: _MAX_MESSAGE - 1] + "…"
    parts: list[object] = list(error.absolute_path)
    required, instance = error.validator_value, error.instance
    if error.validator == "required" and isinstance(required, list) and isinstance(instance, dict):
        # Point at the missing member itself: "/validFrom" says more than "".
        parts.extend([name for name in required if name not in instance][:1])
    path = _pointer(parts)
    raise MalformedValueError(
        f"does not match the {name} schema ({error.validator}): {message}",
        code=SCHEMA_INVALID,
        path=path,
    )


def _as_ob_view(doc: Mapping[str, Any], version: str) -> dict[str, Any]:
    """The document as the OB 3.0 schema can judge it, without changing what it says.

    - A single ``proof`` object is a one-element proof set (VC DM and JSON-LD treat both alike),
      but the OB schema only accepts the array form, while Data Integrity signers emit an object.
    - VCDM 1.1 Open Badges (most in the wild) differ from 2.0 only in the base context and the
      names of the validity dates; the OB 3.0.3 schema is written for 2.0, so those are renamed
      for the check. Error paths are mapped back to the 1.1 names by the caller.
    """
    view = dict(doc)
    if isinstance(view.get("proof"), dict):
        view["proof"] = [view["proof"]]
    if version == CREDENTIALS_V1:
        context = view.get("@context")
        if isinstance(context, list) and context:
            view["@context"] = [CREDENTIALS_V2, *context[1:]]
        if "issuanceDate" in view:
            view["validFrom"] = view.pop("issuanceDate")
        if "expirationDate" in view:
            view["validUntil"] = view.pop("expirationDate")
    return view


def validate_credential_schemas(doc: Mapping[str, Any]) -> None:
    """Validate a credential against the JSON Schemas that apply to it.

    VCDM 2.0 documents (``@context[0]`` is the v2 context) are checked against the VC DM 2.0
    schema; VCDM 1.1 documents skip it. Open Badges credentials (typed ``OpenBadgeCredential``
    or ``AchievementCredential``) are also checked against the OB 3.0 schema. Any other base
    context is refused.

    Raises :class:`~skillpass.errors.MalformedValueError` with code ``schema_invalid`` and the
    JSON pointer of the most relevant error as ``path``.
    """
    if not isinstance(doc, Mapping):
        raise MalformedValueError(
            "a credential must be a JSON object", code=SCHEMA_INVALID, path=""
        )
    context = doc.get("@context")
    first = context[0] if isinstance(context, list) and context else context
    if first != CREDENTIALS_V1 and first != CREDENTIALS_V2:
        raise MalformedValueError(
            f"@context must start with {CREDENTIALS_V2} (or {CREDENTIALS_V1})",
            code=SCHEMA_INVALID,
            path="/@context",
        )
    if first == CREDENTIALS_V2:
        _raise_first(0, doc, "VC Data Model 2.0")
    if _OB_TYPES.intersection(types_of(doc)):
        view = _as_ob_view(doc, str(first))
        try:
            _raise_first(1, view, "Open Badges 3.0")
        except MalformedValueError as exc:
            if first == CREDENTIALS_V1 and exc.path is not None:
                exc.path = re.sub(
                    r"^/valid(From|Until)(?=/|$)",
                    lambda m: "/issuanceDate" if m[1] == "From" else "/expirationDate",
                    exc.path,
                )
            raise
