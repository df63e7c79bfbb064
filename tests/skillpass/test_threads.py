"""Signing and verifying from several threads at once (a threaded verifier or issuer service).

pyld keeps shared caches that break under concurrent use (KeyError was seen); every call into
it holds one lock. Run with both engines: the fast path falls back to pyld for documents it was
not built for, so a server meets the pyld path too.
"""

from __future__ import annotations

import copy
import threading
from typing import Any

import pytest

import skillpass
import skillpass._canon as canon
from tests.conftest import EXAMPLES, load_json

KEY = skillpass.KeyPair.from_seed(bytes([51]) * 32)
# What is tested is thread safety, not the time budget: eight threads queue for pyld's lock, and
# on a loaded machine a 1-second deadline (which counts that wait) could expire and turn a
# verdict "unknown" without any race having happened.
LIMITS = skillpass.Limits(max_seconds=120.0)


@pytest.mark.parametrize("engine", ["fast", "pyld"])
def test_many_threads_sign_and_verify_alike(engine: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(canon, "_ENGINE", engine)
    base: dict[str, Any] = load_json(EXAMPLES / "reference-qualification.json")
    base["issuer"]["id"] = KEY.did
    statuses: list[str] = []
    errors: list[BaseException] = []

    def work(worker: int) -> None:
        try:
            for n in range(15):
                doc = copy.deepcopy(base)
                doc["id"] = f"urn:uuid:00000000-0000-4000-8000-{worker:06d}{n:06d}"
                suite = "eddsa-jcs-2022" if n % 2 else "eddsa-rdfc-2022"
                signed = skillpass.sign_credential(doc, KEY, cryptosuite=suite, limits=LIMITS)
                report = skillpass.verify_credential(signed, limits=LIMITS)
                statuses.append(report.check("proof").status)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors[:3]
    assert statuses == ["valid"] * 120
