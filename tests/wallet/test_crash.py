"""Crash safety: a process killed with SIGKILL while adding many credentials leaves a wallet
that opens and holds every credential whose ``add`` had returned."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.wallet.common import FAST, PASSPHRASE, ROOT, MakeCredential
from wallet import Wallet

# The child adds the credentials one by one and prints each wallet id once add() returned.
CHILD = """
import json, sys
from wallet import Wallet

pytest_plugins = ["tests.wallet.fixtures"]
credentials = [json.loads(line) for line in open(sys.argv[2], encoding="utf-8")]
with Wallet.open(sys.argv[1], sys.argv[3]) as w:
    for credential in credentials:
        entry = w.add(credential)
        print(entry.id, flush=True)
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is POSIX-only")
@pytest.mark.parametrize("kill_after", [1, 7, 23])
def test_sigkill_while_adding_keeps_every_returned_add(
    tmp_path: Path, make_credential: MakeCredential, kill_after: int
) -> None:
    wallet_path = tmp_path / "w.wallet"
    Wallet.create(wallet_path, PASSPHRASE, kdf=FAST).close()
    credentials = [make_credential() for _ in range(40)]
    source = tmp_path / "credentials.jsonl"
    source.write_text("\n".join(json.dumps(c) for c in credentials), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(wallet_path), str(source), PASSPHRASE],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    returned: list[str] = []
    try:
        assert child.stdout is not None
        for line in child.stdout:
            returned.append(line.strip())
            if len(returned) == kill_after:
                # The child is already busy with the next add: kill it mid-way.
                os.kill(child.pid, signal.SIGKILL)
                break
    finally:
        if child.poll() is None:
            os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=60)
        if child.stdout is not None:
            child.stdout.close()
    assert child.returncode == -signal.SIGKILL, "the child finished before it was killed"
    assert len(returned) == kill_after
    with Wallet.open(wallet_path, PASSPHRASE) as w:
        stored = {e.id for e in w.list()}
        assert set(returned) <= stored
        # At most the add in flight may also have landed (committed before the kill).
        assert len(stored) <= kill_after + 1
        for entry in w.list():
            assert entry.credential in credentials
