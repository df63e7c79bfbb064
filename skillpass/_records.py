"""Frozen, slotted records: ``@dataclass(frozen=True, slots=True)`` at a fraction of the
start-up cost (not public API).

The core defines about two dozen frozen dataclasses, and every ``skillpass verify`` imports
them: ``dataclasses`` writes and compiles six methods for each class (about a millisecond a
class, a fifth of a cold verification's own imports). :func:`record` makes the same class from
the same source with one compiled function (``__init__``, which must store the fields at full
speed); equality, hashing, ``repr``, immutability and pickling are shared functions. The
result is a dataclass to the standard library too (``dataclasses.fields``, ``replace``,
``asdict`` and ``is_dataclass`` work), and a test holds each record to a real dataclass twin.

Supported: fields from the class's own annotations (no inheritance of fields), defaults,
``dataclasses.field(default=…, default_factory=…, repr=…, compare=…)``, ``__post_init__``,
and an ``__init__`` the class writes itself (kept, as ``dataclass`` keeps it).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from operator import attrgetter
from typing import Any, TypeVar, dataclass_transform

__all__ = ["record"]

_T = TypeVar("_T")
_FACTORY = object()  # the default of a field with a default_factory: call the factory


def _frozen(self: object, name: str, *value: object) -> None:
    raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")


def _getter(names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    """The tuple of these attributes, as dataclasses compares and hashes them."""
    if len(names) == 1:
        (name,) = names
        return lambda obj: (getattr(obj, name),)
    if not names:
        return lambda obj: ()
    return attrgetter(*names)


@dataclass_transform(frozen_default=True, field_specifiers=(dataclasses.field, dataclasses.Field))
def record(cls: type[_T]) -> type[_T]:
    """``cls`` as ``@dataclass(frozen=True, slots=True)`` would make it (see the module)."""
    own = cls.__dict__
    if "__annotations__" not in own or not hasattr(dataclasses, "_FIELD"):
        # Lazily evaluated annotations (Python 3.14 without the __future__ import) or another
        # dataclasses layout: the standard decorator, slower to import but never wrong.
        return dataclasses.dataclass(frozen=True, slots=True)(cls)
    # Not inspect.get_annotations: importing inspect costs more than this whole module saves.
    names = tuple(own["__annotations__"])
    specs: dict[str, dataclasses.Field[Any]] = {}
    scope: dict[str, Any] = {"_FACTORY": _FACTORY}
    params, body = [], []
    for name in names:
        value = own.get(name, dataclasses.MISSING)
        spec = value if isinstance(value, dataclasses.Field) else dataclasses.field(default=value)
        if not spec.init:
            raise TypeError(f"{cls.__name__}.{name}: init=False is not supported by record")
        spec.name, spec.type = name, own["__annotations__"][name]
        spec._field_type = dataclasses._FIELD  # type: ignore[union-attr]
        specs[name] = spec
        if spec.default_factory is not dataclasses.MISSING:
            scope[f"_factory_{name}"] = spec.default_factory
            params.append(f"{name}=_FACTORY")
            body.append(f"    if {name} is _FACTORY:\n        {name} = _factory_{name}()\n")
        elif spec.default is not dataclasses.MISSING:
            scope[f"_default_{name}"] = spec.default
            params.append(f"{name}=_default_{name}")
        elif params and "=" in params[-1]:
            raise TypeError(f"{cls.__name__}.{name}: a field without a default follows one with")
        else:
            params.append(name)
        body.append(f"    _set_{name}(self, {name})\n")
    if "__post_init__" in own:
        body.append("    self.__post_init__()\n")
    namespace = {
        key: value
        for key, value in own.items()
        if key not in specs and key not in ("__dict__", "__weakref__")
    }
    if "__init__" not in own:
        exec(f"def __init__(self, {', '.join(params)}):\n{''.join(body) or '    pass'}\n", scope)
        namespace["__init__"] = scope["__init__"]
        scope["__init__"].__qualname__ = f"{cls.__qualname__}.__init__"
    compared = _getter(tuple(n for n in names if specs[n].compare))
    shown = tuple(n for n in names if specs[n].repr)

    def __eq__(self: Any, other: Any) -> Any:  # noqa: N807 - the method's own name
        if other.__class__ is self.__class__:
            return compared(self) == compared(other)
        return NotImplemented

    def __hash__(self: Any) -> int:  # noqa: N807
        return hash(compared(self))

    def __repr__(self: Any) -> str:  # noqa: N807
        fields = ", ".join(f"{n}={getattr(self, n)!r}" for n in shown)
        return f"{type(self).__qualname__}({fields})"

    def __getstate__(self: Any) -> list[Any]:  # noqa: N807
        return [getattr(self, n) for n in names]

    def __setstate__(self: Any, state: list[Any]) -> None:  # noqa: N807
        for name, value in zip(names, state, strict=True):
            object.__setattr__(self, name, value)

    namespace.update(
        __slots__=names,
        __match_args__=names,
        __dataclass_fields__=specs,
        __eq__=__eq__,
        __hash__=__hash__,
        __repr__=__repr__,
        __setattr__=_frozen,
        __delattr__=_frozen,
        __getstate__=__getstate__,
        __setstate__=__setstate__,
    )
    made: Any = type(cls.__name__, cls.__bases__, namespace)
    for name in names:
        # The slot's own setter, bound once: __init__ stores each field without the generic
        # attribute lookup of object.__setattr__ (and past the frozen __setattr__), about
        # half the cost per field.
        scope[f"_set_{name}"] = made.__dict__[name].__set__
    return made  # type: ignore[no-any-return]
