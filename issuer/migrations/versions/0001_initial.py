"""The issuer's first schema: institutes, keys, API keys, status lists, credentials, offers, audit.

Revision ID: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "meta",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("value", sa.LargeBinary(), nullable=False),
    )
    op.create_table(
        "institutes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("slug", sa.String(64), nullable=False, unique=True),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("did_method", sa.String(8), nullable=False),
        sa.Column("did", sa.String(400), nullable=False, unique=True),
        sa.Column("default_cryptosuite", sa.String(32), nullable=False),
        sa.Column("is_root", sa.Boolean(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
    )
    op.create_table(
        "institute_keys",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("institute_id", sa.Integer(), sa.ForeignKey("institutes.id"), nullable=False),
        sa.Column("key_id", sa.String(64), nullable=False),
        sa.Column("public_key_multibase", sa.String(100), nullable=False),
        sa.Column("encrypted_seed", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("expires", _TS, nullable=True),
        sa.Column("revoked", _TS, nullable=True),
        sa.UniqueConstraint("institute_id", "key_id"),
    )
    op.create_index("ix_institute_keys_institute_id", "institute_keys", ["institute_id"])
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("institute_id", sa.Integer(), sa.ForeignKey("institutes.id"), nullable=False),
        sa.Column("lookup", sa.String(32), nullable=False, unique=True),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
    )
    op.create_index("ix_api_keys_institute_id", "api_keys", ["institute_id"])
    op.create_table(
        "status_lists",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("public_id", sa.String(40), nullable=False, unique=True),
        sa.Column("institute_id", sa.Integer(), sa.ForeignKey("institutes.id"), nullable=False),
        sa.Column("purpose", sa.String(16), nullable=False),
        sa.Column("status_size", sa.Integer(), nullable=False),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("allocated", sa.Integer(), nullable=False),
        sa.Column("full", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
    )
    op.create_index("ix_status_lists_institute_id", "status_lists", ["institute_id"])
    op.create_table(
        "status_allocations",
        sa.Column(
            "status_list_id", sa.Integer(), sa.ForeignKey("status_lists.id"), primary_key=True
        ),
        sa.Column("status_index", sa.Integer(), primary_key=True, autoincrement=False),
    )
    op.create_table(
        "credentials",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("institute_id", sa.Integer(), sa.ForeignKey("institutes.id"), nullable=False),
        sa.Column("credential_id", sa.String(500), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("status_list_id", sa.Integer(), sa.ForeignKey("status_lists.id"), nullable=False),
        sa.Column("status_index", sa.Integer(), nullable=False),
        sa.Column("status_value", sa.Integer(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.UniqueConstraint("institute_id", "credential_id"),
        sa.UniqueConstraint("status_list_id", "status_index"),
    )
    op.create_index("ix_credentials_institute_id", "credentials", ["institute_id"])
    op.create_index("ix_credentials_created_at", "credentials", ["created_at"])
    op.create_table(
        "offers",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("institute_id", sa.Integer(), sa.ForeignKey("institutes.id"), nullable=False),
        sa.Column("credential_pk", sa.Integer(), sa.ForeignKey("credentials.id"), nullable=True),
        sa.Column("unsigned", sa.Text(), nullable=True),
        sa.Column("options", sa.Text(), nullable=True),
        sa.Column("nonce", sa.String(64), nullable=True),
        sa.Column("expires", _TS, nullable=False),
        sa.Column("used_at", _TS, nullable=True),
    )
    op.create_index("ix_offers_institute_id", "offers", ["institute_id"])
    op.create_table(
        "audit",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", _TS, nullable=False),
        sa.Column("actor", sa.String(120), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("target", sa.String(500), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
    )
    op.create_index("ix_audit_at", "audit", ["at"])


def downgrade() -> None:
    for table in (
        "audit",
        "offers",
        "credentials",
        "status_allocations",
        "status_lists",
        "api_keys",
        "institute_keys",
        "institutes",
        "meta",
    ):
        op.drop_table(table)
