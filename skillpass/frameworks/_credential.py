"""Reading qualification-level alignments out of an Open Badges 3.0 credential."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from skillpass._contexts import CREDENTIALS_V1
from skillpass.errors import MalformedValueError, SkillpassError

from ._compare import compare
from ._data import resolve


def level_alignments(credential: Any) -> Iterator[tuple[str, str]]:
    """Every distinct qualification-level alignment of the credential's achievement(s), read
    from its expanded (signed) form."""
    from skillpass._canon import check_and_expand
    from skillpass._view import credential_view

    if not isinstance(credential, dict):
        raise MalformedValueError("a credential is a JSON object", code="not_an_object")
    unsecured = {k: value for k, value in credential.items() if k != "proof"}
    context = unsecured.get("@context")
    vcdm1 = (context[0] if isinstance(context, list) and context else context) == CREDENTIALS_V1
    yield from credential_view(check_and_expand(unsecured), vcdm1=vcdm1).levels


def compare_credential(credential: dict[str, Any], to_framework: str) -> list[dict[str, Any]]:
    """See :func:`skillpass.frameworks.compare_credential`."""
    return compare_levels(level_alignments(credential), to_framework)


def compare_levels(levels: Iterable[tuple[str, str]], to_framework: str) -> list[dict[str, Any]]:
    """See :func:`skillpass.frameworks.compare_levels`."""
    target = resolve(to_framework).id  # an unknown target is the caller's error: raise
    out: list[dict[str, Any]] = []
    for framework, level in levels:
        entry: dict[str, Any] = {"alignment": {"framework": framework, "level": level}}
        try:
            entry.update(compare(framework, level, target).to_dict())
        except SkillpassError as exc:
            entry.update(error=exc.code, message=exc.message)
        out.append(entry)
    return out
