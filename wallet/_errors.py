"""The wallet's errors: one class under :class:`skillpass.SkillpassError`, with stable codes."""

from __future__ import annotations

from skillpass import SkillpassError


class WalletError(SkillpassError):
    """A wallet that cannot be created, opened, read or changed as asked.

    Codes: ``bad_passphrase``, ``wallet_not_found``, ``wallet_exists``, ``not_a_wallet``,
    ``wallet_damaged`` (the message names what is damaged), ``unsupported_wallet_version``,
    ``wallet_unwritable``, ``credential_not_found``, ``ambiguous_id``, ``holder_key_not_found``,
    ``credential_refused`` (or the refused credential's own check code), ``backup_invalid``,
    ``offer_failed``; a presentation that cannot be made raises ``subject_not_held``.
    """

    default_code = "wallet_error"
