"""Locating the data files that ship with SkillPass (not public API).

In a source checkout (and an editable install) the data lives in the repository's top-level
``schemas/`` folder; in a built wheel it is copied to ``skillpass/_data`` (see pyproject.toml).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


@cache
def data_dir() -> Path:
    """The folder holding contexts, JSON Schemas and framework tables."""
    for candidate in (_PACKAGE_DIR / "_data", _PACKAGE_DIR.parent / "schemas"):
        if (candidate / "contexts").is_dir():
            return candidate
    raise RuntimeError(  # a broken installation, not bad input
        "SkillPass data files are missing: reinstall the package"
    )


def data_path(*parts: str) -> Path:
    """Path of one shipped data file, e.g. ``data_path("contexts", "credentials-v2.jsonld")``."""
    return data_dir().joinpath(*parts)
