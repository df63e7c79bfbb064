"""The views' records behave as the frozen, slotted dataclasses they replace (they are built
without dataclasses to keep a cold ``skillpass verify`` short): same constructor, equality,
hashing, repr, immutability and pickling."""

from __future__ import annotations

import dataclasses
import pickle
from typing import Any

import pytest

from skillpass import _view

RECORDS = [
    getattr(_view, name)
    for name in _view.__all__
    if isinstance(getattr(_view, name), type) and name != "_Node"
]


def _twin(cls: type) -> Any:
    """A real ``@dataclass(frozen=True, slots=True)`` with the record's fields."""
    fields = [(name, Any) for name in cls.__annotations__]
    return dataclasses.make_dataclass(cls.__name__, fields, frozen=True, slots=True)


def _values(cls: type, seed: int) -> list[Any]:
    return [f"{name}-{seed}" for name in cls.__annotations__]


def test_every_view_class_is_a_record() -> None:
    assert len(RECORDS) == 12
    for cls in RECORDS:
        assert cls.__slots__ == tuple(cls.__annotations__)
        assert cls.__match_args__ == tuple(cls.__annotations__)


@pytest.mark.parametrize("cls", RECORDS, ids=lambda c: c.__name__)
def test_record_behaves_as_a_frozen_dataclass(cls: type) -> None:
    twin = _twin(cls)
    args = _values(cls, 1)
    record, reference = cls(*args), twin(*args)
    assert repr(record) == repr(reference)
    assert record == cls(*args) and hash(record) == hash(cls(*args))
    assert hash(record) == hash(reference)  # both hash the tuple of the fields
    assert record != cls(*_values(cls, 2))
    assert record != reference  # another class is never equal, as with dataclasses
    keywords = dict(zip(cls.__annotations__, args, strict=True))
    assert cls(**keywords) == record
    with pytest.raises(TypeError):
        cls(*args, "one too many")
    with pytest.raises(TypeError):
        cls(**keywords, unknown=1)
    first = next(iter(cls.__annotations__))
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(record, first, "changed")
    with pytest.raises(dataclasses.FrozenInstanceError):
        delattr(record, first)
    with pytest.raises(dataclasses.FrozenInstanceError):
        record.not_a_field = 1
    assert not hasattr(record, "__dict__")
    assert pickle.loads(pickle.dumps(record)) == record
    assert getattr(record, first) == args[0]


def test_defaults_and_missing_arguments() -> None:
    entry = _view.StatusEntry("id", frozenset(), None, None, None, None)
    assert entry.messages == ()
    with pytest.raises(TypeError):
        _view.StatusEntry("id")  # type: ignore[call-arg]
    text = _view.Text("hallo", "nl")
    assert repr(text) == "Text(value='hallo', language='nl')"
    assert _view.Text("x") == _view.Text("x", None)
    assert {_view.Text("x"), _view.Text("x")} == {_view.Text("x")}
