"""Finding a framework from what people call it: its id, acronym, English or official name.

``compare`` and ``get_framework`` take ids only (a stored alignment names an id); this is for
people typing at a prompt. A name several frameworks share (``NQF``, ``TQF``, ``AQF``) is never
guessed: the answer is ``ambiguous_framework`` with the candidates, unless a country settles it.
"""

from __future__ import annotations

import difflib
import re
from functools import cache

from skillpass.errors import MalformedValueError

from ._data import registry, resolve, unknown
from ._model import Framework

# The UK's frameworks carry the ISO code GB; people type UK.
_COUNTRY_ALIASES = {"UK": "GB"}


def _key(text: str) -> str:
    """Case, spacing and punctuation do not matter: "NQF-KSA" == "nqf ksa" == "NQF KSA"."""
    return re.sub(r"[^\w]+", "", text.casefold())


def _acronym(fw: Framework) -> str | None:
    # The id's own acronym: NP-NVQF -> NVQF, UK-SCT-SCQF -> SCQF; meta-frameworks have none.
    last = fw.id.rsplit("-", 1)[-1]
    if fw.country is None or last.isdigit():  # IN-NSQF-2013 is "NSQF 2013", not "2013"
        return None
    return last


def _names(fw: Framework) -> set[str]:
    found = {fw.name, *(text for _, text in fw.names)}
    if fw.short_name:
        found.add(fw.short_name)
    if fw.original_name:
        found.add(fw.original_name)
    acronym = _acronym(fw)
    if acronym:
        found.add(acronym)
    # "Kenya National Qualifications Framework (KNQF)"-style names: the bracketed part too.
    found.update(m for name in list(found) for m in re.findall(r"\(([^)]+)\)", name))
    return {k for k in (_key(n) for n in found) if k}


@cache
def _by_name() -> dict[str, tuple[str, ...]]:
    table: dict[str, list[str]] = {}
    for fw in registry().frameworks.values():
        for name in _names(fw):
            table.setdefault(name, []).append(fw.id)
    return {name: tuple(sorted(ids)) for name, ids in table.items()}


def _country(code: str | None) -> str | None:
    if code is None:
        return None
    if not isinstance(code, str):
        raise TypeError(f"country must be a str, not {type(code).__name__}")
    wanted = code.strip().upper()
    if not re.fullmatch(r"[A-Z]{2}", wanted):
        raise MalformedValueError(
            f"country {code!r} is not an ISO 3166-1 alpha-2 code (e.g. NP, PK, DE)",
            code="unknown_framework",
        )
    return _COUNTRY_ALIASES.get(wanted, wanted)


def find_framework(query: str, country: str | None = None) -> Framework:
    """The framework a person means by ``query``: an id or alias (``NP-NVQF``), an acronym
    (``NVQF``), or a name in English or in its own language (``Deutscher
    Qualifikationsrahmen``), matched ignoring case, spaces and punctuation.

    ``country`` (ISO 3166-1 alpha-2; ``UK`` is read as ``GB``) narrows a name several
    frameworks share: ``find_framework("NVQF", "PK")`` is ``PK-NVQF``. When a name fits both a
    current framework and a superseded one, the current one is meant.

    Raises :class:`~skillpass.errors.MalformedValueError` with code ``ambiguous_framework``
    (the candidates are listed in the message) or ``unknown_framework`` (with the nearest ids
    when the query looks like a typo).
    """
    if not isinstance(query, str):
        raise TypeError(f"framework must be a str, not {type(query).__name__}")
    wanted = _country(country)
    reg = registry()
    if query.strip().upper() in reg.ids:
        fw = resolve(query)
        if wanted is not None and fw.country is not None and fw.country != wanted:
            raise MalformedValueError(
                f"{fw.id} is a framework of {fw.country}, not {wanted}",
                code="unknown_framework",
            )
        return fw
    ids = _by_name().get(_key(query), ())
    # A framework left out for lack of a source still owns its acronym: "NVQF" alone must not
    # silently mean Pakistan's to a Nepali worker just because Nepal's is not encoded.
    missing = tuple(i for i in reg.not_encoded if _key(i.split("-", 1)[-1]) == _key(query))
    if wanted is not None:
        ids = tuple(i for i in ids if reg.frameworks[i].country == wanted)
        missing = tuple(i for i in missing if i.startswith(f"{wanted}-"))
    if len(ids) > 1:
        current = tuple(i for i in ids if reg.frameworks[i].status == "current")
        ids = current or ids
    if len(ids) == 1 and not missing:
        return reg.frameworks[ids[0]]
    if len(ids) + len(missing) > 1:
        listed = ", ".join(
            [f"{i} ({reg.frameworks[i].country or reg.frameworks[i].region})" for i in ids]
            + [f"{i} (not encoded: no source for its levels)" for i in missing]
        )
        raise MalformedValueError(
            f"{query!r} names several frameworks: {listed}; give the id, or a country (--country)",
            code="ambiguous_framework",
        )
    if missing:
        raise unknown(missing[0])
    # A mistyped acronym or name ("NVFQ", "Deutscher Qualifikationsrahmn"): the nearest names.
    table = _by_name()
    near = difflib.get_close_matches(_key(query), list(table), n=3, cutoff=0.75)
    suggest = tuple(
        dict.fromkeys(
            i
            for name in near
            for i in table[name]
            if wanted is None or reg.frameworks[i].country == wanted
        )
    )
    raise unknown(query, where=wanted, suggest=suggest)
