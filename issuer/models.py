"""Database tables (SQLAlchemy 2). The schema itself is created by the Alembic migrations."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = [
    "ApiKey",
    "AuditEntry",
    "Base",
    "Credential",
    "Institute",
    "InstituteKey",
    "Meta",
    "Offer",
    "StatusAllocation",
    "StatusList",
]


class Base(DeclarativeBase):
    """Declarative base of the issuer's tables."""


class Meta(Base):
    """Key/value facts about this database (the master-key check value)."""

    __tablename__ = "meta"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[bytes] = mapped_column(LargeBinary)


class Institute(Base):
    """An issuing institute and its DID."""

    __tablename__ = "institutes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    country: Mapped[str] = mapped_column(String(2))
    did_method: Mapped[str] = mapped_column(String(8))
    did: Mapped[str] = mapped_column(String(400), unique=True)
    default_cryptosuite: Mapped[str] = mapped_column(String(32))
    is_root: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class InstituteKey(Base):
    """One signing key of an institute, current or earlier (the DID document keeps them all)."""

    __tablename__ = "institute_keys"
    __table_args__ = (UniqueConstraint("institute_id", "key_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    institute_id: Mapped[int] = mapped_column(ForeignKey("institutes.id"), index=True)
    key_id: Mapped[str] = mapped_column(String(64))
    public_key_multibase: Mapped[str] = mapped_column(String(100))
    encrypted_seed: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    revoked: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class ApiKey(Base):
    """An institute's API key, stored as a SHA-256 hash (the key is shown once)."""

    __tablename__ = "api_keys"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    institute_id: Mapped[int] = mapped_column(ForeignKey("institutes.id"), index=True)
    lookup: Mapped[str] = mapped_column(String(32), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class StatusList(Base):
    """A status list of an institute: ``purpose`` "revocation" (1 bit) or "message" (2 bits)."""

    __tablename__ = "status_lists"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    public_id: Mapped[str] = mapped_column(String(40), unique=True)
    institute_id: Mapped[int] = mapped_column(ForeignKey("institutes.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(16))
    status_size: Mapped[int] = mapped_column(Integer)
    entries: Mapped[int] = mapped_column(Integer)
    capacity: Mapped[int] = mapped_column(Integer)
    allocated: Mapped[int] = mapped_column(Integer, default=0)
    full: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class StatusAllocation(Base):
    """One used index of one list. The primary key is what makes an index never repeat, across
    every process sharing the database."""

    __tablename__ = "status_allocations"
    status_list_id: Mapped[int] = mapped_column(ForeignKey("status_lists.id"), primary_key=True)
    status_index: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)


class Credential(Base):
    """An issued credential, its status entry and its current status value."""

    __tablename__ = "credentials"
    __table_args__ = (
        UniqueConstraint("institute_id", "credential_id"),
        UniqueConstraint("status_list_id", "status_index"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    institute_id: Mapped[int] = mapped_column(ForeignKey("institutes.id"), index=True)
    credential_id: Mapped[str] = mapped_column(String(500))
    document: Mapped[str] = mapped_column(Text)
    status_list_id: Mapped[int] = mapped_column(ForeignKey("status_lists.id"))
    status_index: Mapped[int] = mapped_column(Integer)
    status_value: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class Offer(Base):
    """A single-use, expiring offer: of a stored credential, or of an unsigned one to bind."""

    __tablename__ = "offers"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    institute_id: Mapped[int] = mapped_column(ForeignKey("institutes.id"), index=True)
    credential_pk: Mapped[int | None] = mapped_column(ForeignKey("credentials.id"), nullable=True)
    unsigned: Mapped[str | None] = mapped_column(Text, nullable=True)
    options: Mapped[str | None] = mapped_column(Text, nullable=True)
    nonce: Mapped[str | None] = mapped_column(String(64), nullable=True)
    expires: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class AuditEntry(Base):
    """Who did what, when: one row per write."""

    __tablename__ = "audit"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str] = mapped_column(String(500))
    detail: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
