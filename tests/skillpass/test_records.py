"""The core's records (``skillpass._records.record``) behave as the frozen, slotted dataclasses
they replace, which cost a cold ``skillpass verify`` a millisecond each to create: the same
constructor (defaults, factories, ``__post_init__``), equality, hashing, repr, immutability,
pickling, and the ``dataclasses`` functions."""

from __future__ import annotations

import dataclasses
import pickle
from datetime import timedelta
from typing import Any

import pytest

from skillpass import (
    Check,
    Limits,
    StatusDecision,
    TrustDecision,
    TrustedIssuers,
    VerificationPolicy,
    VerificationReport,
    WebKey,
    _did,
    _ecdsa,
    _keys,
    _proofs,
    _records,
    _view,
)

VIEW_RECORDS = [
    getattr(_view, name) for name in _view.__all__ if isinstance(getattr(_view, name), type)
]
OTHER_RECORDS = [
    Check,
    Limits,
    StatusDecision,
    TrustDecision,
    TrustedIssuers,
    VerificationPolicy,
    VerificationReport,
    WebKey,
    _did.ResolvedMethod,
    _ecdsa.EcPublicKey,
    _ecdsa._Curve,
    _keys.PublicKey,
    _proofs.ProofOutcome,
]
# Records whose fields take any value (no __post_init__ or __init__ of their own).
PLAIN = [
    cls
    for cls in [*VIEW_RECORDS, *OTHER_RECORDS]
    if "__post_init__" not in vars(cls) and cls is not TrustedIssuers
]


def _twin(cls: type) -> Any:
    """A real ``@dataclass(frozen=True, slots=True)`` with the record's fields."""
    return dataclasses.make_dataclass(
        cls.__name__,
        [
            (f.name, Any, dataclasses.field(repr=f.repr, compare=f.compare))
            for f in dataclasses.fields(cls)
        ],
        frozen=True,
        slots=True,
    )


def _values(cls: type, seed: int) -> list[Any]:
    return [f"{f.name}-{seed}" for f in dataclasses.fields(cls)]


def test_the_core_uses_records() -> None:
    assert len(VIEW_RECORDS) == 12
    for cls in [*VIEW_RECORDS, *OTHER_RECORDS]:
        names = tuple(f.name for f in dataclasses.fields(cls))
        assert cls.__slots__ == names == tuple(cls.__annotations__)
        assert dataclasses.is_dataclass(cls)
        assert "__dict__" not in vars(cls)


@pytest.mark.parametrize("cls", PLAIN, ids=lambda c: c.__name__)
def test_record_behaves_as_a_frozen_dataclass(cls: type) -> None:
    twin = _twin(cls)
    args = _values(cls, 1)
    record, reference = cls(*args), twin(*args)
    assert repr(record) == repr(reference)
    assert record == cls(*args) and hash(record) == hash(cls(*args))
    assert hash(record) == hash(reference)  # both hash the tuple of the compared fields
    assert (record == cls(*_values(cls, 2))) == (reference == twin(*_values(cls, 2)))
    assert record != reference  # another class is never equal, as with dataclasses
    keywords = dict(zip(cls.__annotations__, args, strict=True))
    assert cls(**keywords) == record
    assert dataclasses.asdict(record) == dataclasses.asdict(reference)
    first = next(iter(cls.__annotations__))
    changed = dataclasses.replace(record, **{first: "changed"})
    assert getattr(changed, first) == "changed" and getattr(record, first) == args[0]
    with pytest.raises(TypeError):
        cls(*args, "one too many")
    with pytest.raises(TypeError):
        cls(**keywords, unknown=1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(record, first, "changed")
    with pytest.raises(dataclasses.FrozenInstanceError):
        delattr(record, first)
    with pytest.raises(dataclasses.FrozenInstanceError):
        record.not_a_field = 1
    assert not hasattr(record, "__dict__")
    assert pickle.loads(pickle.dumps(record)) == record


def test_defaults_factories_post_init_and_own_init() -> None:
    entry = _view.StatusEntry("id", frozenset(), None, None, None, None)
    assert entry.messages == ()
    with pytest.raises(TypeError):
        _view.StatusEntry("id")  # type: ignore[call-arg]
    assert repr(_view.Text("hallo", "nl")) == "Text(value='hallo', language='nl')"
    assert {_view.Text("x"), _view.Text("x", None)} == {_view.Text("x")}
    # default_factory: a new value each time; repr=False / compare=False fields.
    one, two = VerificationReport("credential", ()), VerificationReport("credential", ())
    assert one.extras == {} and one.extras is not two.extras and one == two
    assert "checked=" not in repr(one)
    assert VerificationPolicy().resolver is not VerificationPolicy().resolver
    # __post_init__ runs, in the constructor and in replace().
    with pytest.raises(ValueError):
        Limits(max_seconds=0)
    with pytest.raises(ValueError):
        dataclasses.replace(Limits(), max_depth=-1)
    with pytest.raises(ValueError):
        VerificationPolicy(max_clock_skew=timedelta(days=2))
    assert dataclasses.replace(Limits(), max_depth=7).max_depth == 7
    # A class's own __init__ is kept.
    assert TrustedIssuers(["did:key:z1", "did:key:z1"]).dids == frozenset({"did:key:z1"})
    assert TrustedIssuers(["a"]) == TrustedIssuers({"a"})
    assert pickle.loads(pickle.dumps(Limits(max_depth=3))) == Limits(max_depth=3)


def test_record_refuses_what_it_does_not_support() -> None:
    with pytest.raises(TypeError):

        @_records.record
        class _Bad:
            a: int = 1
            b: int

    with pytest.raises(TypeError):

        @_records.record
        class _NoInit:
            a: int = dataclasses.field(init=False, default=1)


def test_without_the_dataclasses_layout_record_falls_back_to_the_standard_decorator(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``record`` reads a private name of ``dataclasses``; where a Python lacks it (or stores
    annotations lazily) the class must still be a correct frozen dataclass, never fieldless."""
    import types

    layout = types.ModuleType("dataclasses")
    layout.__dict__.update({k: v for k, v in vars(dataclasses).items() if k != "_FIELD"})
    monkeypatch.setattr(_records, "dataclasses", layout)

    @_records.record
    class Point:
        x: int
        y: int = 2

    point = Point(1)
    assert (point.x, point.y) == (1, 2)
    assert [f.name for f in dataclasses.fields(Point)] == ["x", "y"]
    assert "__dataclass_params__" in vars(Point)  # made by the standard decorator
    with pytest.raises(dataclasses.FrozenInstanceError):
        point.x = 3  # type: ignore[misc]
