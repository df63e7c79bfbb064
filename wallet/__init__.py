"""SkillPass wallet: the holder's encrypted credential store.

A worker keeps the credentials issued to them, encrypted under a passphrase, in one file that
survives crashes, travels as an encrypted backup, and makes presentations signed by the
worker's own key::

    from wallet import Wallet

    with Wallet.create("maria.wallet", "a long passphrase") as w:
        entry = w.add(signed_credential)       # verified first; forged ones are refused
        w.search(framework="PH-PQF", level="2")
        vp = w.present([entry.id], challenge="c0ffee", domain="border.example")
        w.backup("maria.backup", "a long passphrase")

    w2 = Wallet.restore("maria.backup", "new-phone.wallet", "a long passphrase")

The file format and the security design are described in ``docs/wallet.md``. The command line
is ``skillpass wallet`` (``wallet.cli``).
"""

from ._errors import WalletError
from ._offer import OfferNotStoredError, fetch_offer
from ._summary import Level, Summary
from ._wallet import HolderKey, StoredCredential, Wallet

__all__ = [
    "HolderKey",
    "Level",
    "OfferNotStoredError",
    "StoredCredential",
    "Summary",
    "Wallet",
    "WalletError",
    "fetch_offer",
]
