"""The shipped processed contexts (schemas/contexts/processed-contexts.json) cannot drift from
pyld: regenerating them must change nothing, a context missing from them is processed by pyld
on first use with the same result, the restated IRI expansion answers as pyld's for every shipped
context, and a plain verification never imports pyld."""

from __future__ import annotations

import ast
import copy
import hashlib
import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from skillpass import KeyPair, _canon, _fastld, sign_credential
from skillpass._contexts import PYLD_LOCK, pyld_jsonld
from skillpass._resources import data_path
from tests.conftest import EXAMPLES, ROOT, load_json

KEY = KeyPair.from_seed(bytes([7]) * 32)


def _tool() -> Any:
    spec = importlib.util.spec_from_file_location(
        "processed_contexts", ROOT / "tools" / "processed_contexts.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_regenerating_the_processed_contexts_with_pyld_changes_nothing() -> None:
    shipped = data_path("contexts", _fastld.SNAPSHOT_FILE).read_text(encoding="utf-8")
    assert _tool().generate() == shipped, "run: python tools/processed_contexts.py --write"


def test_every_shipped_context_is_what_pyld_makes_of_its_origin() -> None:
    # Independent of the corpus the file was made from: each context, remade by pyld from the
    # (pyld-made) context and the context object it was derived from, is the one shipped.
    engine = _fastld._Engine(True)
    for ctx in CONTEXTS:
        with PYLD_LOCK:
            native = engine._native_of(ctx)
        shipped = {k: v for k, v in ctx.items() if k != "previousContext"}
        made = {k: v for k, v in native.items() if k not in ("previousContext", "_uuid")}
        assert _fastld._plain(shipped) == _fastld._plain(made)
        assert ("previousContext" in ctx) == ("previousContext" in native)
        if "previousContext" in ctx:
            assert engine._native_of(ctx["previousContext"]) is native["previousContext"]


def test_the_shipped_contexts_are_for_the_pinned_files() -> None:
    # The file names the SHA-256 of every pinned context it was made from; a re-pinned context
    # without a regenerated file would make the engine ignore the file (and use pyld).
    assert _fastld._load_snapshot() is not None
    shipped = data_path("contexts", _fastld.SNAPSHOT_FILE).read_bytes()
    assert hashlib.sha256(shipped).hexdigest() == _fastld.SNAPSHOT_SHA256


def _pyld_expand(doc: dict[str, Any]) -> list[Any]:
    saved = _canon._ENGINE
    _canon._ENGINE = "pyld"
    try:
        return _canon.check_and_expand(copy.deepcopy(doc), allow_test_contexts=True)
    finally:
        _canon._ENGINE = saved


def test_a_context_missing_from_the_file_is_processed_by_pyld_with_the_same_result() -> None:
    doc = load_json(EXAMPLES / "reference-qualification.json")
    doc["@context"].append("https://www.w3.org/ns/credentials/examples/v2")  # not shipped
    doc["credentialSubject"]["exampleProperty"] = "only the examples context defines it"
    engine = _fastld._Engine(True)
    assert engine.expand(copy.deepcopy(doc)) == _pyld_expand(doc)
    # The new context was made by pyld from the shipped one it extends, remade by pyld too.
    assert engine._native


def test_an_engine_without_the_file_expands_as_one_with_it() -> None:
    doc = load_json(EXAMPLES / "reference-qualification.json")
    shipped = _fastld._Engine(False)
    fresh = _fastld._Engine(False, snapshot=False)
    assert shipped.expand(copy.deepcopy(doc)) == fresh.expand(copy.deepcopy(doc))
    assert not shipped._native  # the reference credential needs nothing the file lacks


def _contexts() -> list[dict[str, Any]]:
    loaded = _fastld._load_snapshot()
    assert loaded is not None
    return loaded[0]


CONTEXTS = _contexts()
TERMS = sorted({t for ctx in CONTEXTS for t in ctx["mappings"]})
VALUES = st.one_of(
    st.sampled_from(TERMS),
    st.sampled_from(TERMS).map(lambda t: f"{t}:suffix"),
    st.sampled_from(TERMS).map(lambda t: f"{t}:"),
    st.sampled_from(
        [
            "@id",
            "@type",
            "@foo",
            "@foo\n",
            "@",
            "_:b0",
            ":x",
            "https://example.org/a",
            "https://example.org/with space",
            "http//x",
            "did:key:z6Mk",
            "urn:uuid:1",
            "xsd:string",
            "schema:name",
            "a:b:c",
            "relative/path",
            "",
        ]
    ),
    st.text(max_size=12),
)


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(range(len(CONTEXTS))), VALUES, st.booleans())
def test_iri_expansion_is_pyld_s(index: int, value: str, vocab: bool) -> None:
    engine = _fastld._engine(True)
    ctx = CONTEXTS[index]
    if id(ctx) not in engine._origin:
        engine = _fastld._Engine(True)  # a context the permissive engine skipped
    jsonld = pyld_jsonld()
    with PYLD_LOCK:
        native = engine._native_of(ctx)
        expected = jsonld.JsonLdProcessor()._expand_iri(native, value, vocab=vocab, base=None)
    assert _fastld.expand_iri(ctx, value, vocab=vocab) == expected


def test_a_plain_verification_does_not_import_pyld(tmp_path: Path) -> None:
    doc = load_json(EXAMPLES / "reference-qualification.json")
    doc["issuer"]["id"] = KEY.did
    signed = tmp_path / "signed.json"
    signed.write_text(json.dumps(sign_credential(doc, KEY)), encoding="utf-8")
    code = (
        "import sys\n"
        "from skillpass.cli import main\n"
        f"sys.argv = ['skillpass', 'verify', {str(signed)!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "sys.stderr.write(repr(sorted(m for m in sys.modules if m.split('.')[0] == 'pyld')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert "UNKNOWN" in result.stdout
    assert ast.literal_eval(result.stderr.strip().splitlines()[-1]) == []


def test_the_restated_keywords_are_pyld_s() -> None:
    jsonld = pyld_jsonld()
    assert frozenset(jsonld.KEYWORDS) == _fastld._KEYWORDS
    assert _fastld._KEYWORD_LIKE.pattern == jsonld.KEYWORD_PATTERN
