"""Frozen events made quickly: they are made for every message, several at a time.

A frozen dataclass's ``__init__`` stores each field with ``object.__setattr__`` (its own
``__setattr__`` refuses), a call through a wrapper per field that costs several times an
ordinary assignment: W1 spent 5 % of its instructions there. Instead, an instance is made
as a mutable twin (a class with the same slots and no ``__setattr__`` of its own), filled
by plain assignments, and then given its frozen class, which has the same memory layout:
from then on it is as frozen as the dataclass made it. Only ``__new__`` is replaced (and
``__init__`` left to ``object``); equality, hashing, ``repr``, ``replace``, copying and
pickling stay the dataclass's.
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

C = TypeVar("C", bound=type)

_MADE_BY_FACTORY = object()
"""The default of a field whose default a factory makes, anew for each instance."""


def made_quickly(cls: C) -> C:
    """Give a frozen, slotted dataclass a ``__new__`` that makes it through a mutable twin,
    with the same parameters, defaults and default factories as its own ``__init__``.

    Only for what it can do exactly as the dataclass's own would: every field taken by
    ``__init__``, positionally as well, and no ``__post_init__``. A subclass (which must be
    a dataclass of its own) is made as the dataclass makes it.
    """
    fields = dataclasses.fields(cls)
    params = cls.__dataclass_params__  # type: ignore[attr-defined]
    if (
        not (params.frozen and "__slots__" in cls.__dict__)
        or hasattr(cls, "__post_init__")
        or any(not f.init or f.kw_only for f in fields)
    ):
        raise TypeError(f"{cls.__name__} is not a frozen, slotted dataclass of plain fields")
    # The twin: the same base and slots (so the same layout), and object's own attribute
    # setting (both names share one slot: a frozen base's __delattr__ alone would keep the
    # slow path), so each assignment stores straight into its slot.
    twin = type(
        f"{cls.__name__}Being",
        cls.__bases__,
        {
            "__slots__": cls.__dict__["__slots__"],
            "__setattr__": object.__setattr__,
            "__delattr__": object.__delattr__,
        },
    )
    scope: dict[str, Any] = {
        "_MADE_BY_FACTORY": _MADE_BY_FACTORY,
        "_cls": cls,
        "_twin": twin,
        "_new": object.__new__,
    }
    signature, body = ["cls"], []
    for f in fields:
        value = f.name
        if f.default is not dataclasses.MISSING:
            scope[f"_default_{f.name}"] = f.default
            signature.append(f"{f.name}=_default_{f.name}")
        elif f.default_factory is not dataclasses.MISSING:
            scope[f"_factory_{f.name}"] = f.default_factory
            signature.append(f"{f.name}=_MADE_BY_FACTORY")
            value = f"_factory_{f.name}() if {f.name} is _MADE_BY_FACTORY else {f.name}"
        else:
            signature.append(f.name)
        body.append(f"    self.{f.name} = {value}\n")
    exec(
        f"def __new__({', '.join(signature)}):\n"
        "    self = _new(_twin)\n"
        f"{''.join(body)}"
        "    self.__class__ = _cls\n"
        "    return self\n",
        scope,
    )
    new = scope["__new__"]
    new.__qualname__ = f"{cls.__qualname__}.__new__"
    new.__annotations__ = dict(cls.__init__.__annotations__)  # type: ignore[misc]
    cls.__new__ = staticmethod(new)  # type: ignore[method-assign]
    cls.__init__ = object.__init__  # type: ignore[misc]
    cls.__reduce__ = _reduce  # type: ignore[assignment,method-assign]
    cls.__init_subclass__ = classmethod(_subclass_made_as_declared)  # type: ignore[method-assign,assignment]
    return cls


def _reduce(self: Any) -> tuple[type, tuple[Any, ...]]:
    """Copied and pickled by its fields, through ``__new__`` (``object``'s way would call
    ``__new__`` without them)."""
    return type(self), tuple(getattr(self, f.name) for f in dataclasses.fields(self))


def _subclass_made_as_declared(sub: type, /, **kwargs: Any) -> None:
    """A subclass has fields and a ``__new__`` signature of its own: it is made as the
    dataclass makes it (``object.__new__``, then its own ``__init__``)."""
    sub.__new__ = staticmethod(_plain_new)  # type: ignore[assignment]


def _plain_new(cls: type, *args: Any, **kwargs: Any) -> Any:
    if cls.__init__ is object.__init__:  # type: ignore[misc]
        raise TypeError(f"{cls.__name__} must be a dataclass to subclass a class made quickly")
    return object.__new__(cls)
