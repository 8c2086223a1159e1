"""Lazy public names for a package: each name is imported from its module on first use, then cached."""

from __future__ import annotations

from importlib import import_module
from typing import Callable


def lazy_exports(package: str, namespace: dict, exports: dict[str, str], extra: tuple[str, ...] = ()
                 ) -> tuple[list[str], Callable[[str], object], Callable[[], list[str]]]:
    """``__all__``, ``__getattr__`` and ``__dir__`` for ``package`` whose public ``exports`` map name -> module.

    ``namespace`` is the package's ``globals()``: a name, once imported, is stored there so later lookups are
    plain attribute reads. ``extra`` lists names the package defines itself.
    """
    names = sorted([*exports, *extra])

    def __getattr__(name: str):
        try:
            module = exports[name]
        except KeyError:
            raise AttributeError(f"module {package!r} has no attribute {name!r}") from None
        value = getattr(import_module(module, package), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return names

    return names, __getattr__, __dir__
