"""One generic plugin registry; each block keeps its own instance in its ``registry.py``.

A registry is a dict of named entries filled by a decorator at import time, so the set of plugins is
explicit and testable: ``register = Registry("payment providers")`` then ``@register("vnpay")``.
"""

from collections.abc import Callable, Iterator
from typing import Any


class Registry:
    def __init__(self, description: str):
        self.description = description
        self._entries: dict[str, Any] = {}

    def __call__(self, name: str) -> Callable[[Any], Any]:
        def decorator(entry: Any) -> Any:
            self.add(name, entry)
            return entry

        return decorator

    def add(self, name: str, entry: Any) -> None:
        if name in self._entries and self._entries[name] is not entry:
            raise ValueError(f"{self.description}: {name!r} is already registered")
        self._entries[name] = entry

    def remove(self, name: str) -> None:
        self._entries.pop(name, None)

    def __getitem__(self, name: str) -> Any:
        return self._entries[name]

    def __contains__(self, name: str) -> bool:
        return name in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._entries))

    def items(self) -> list[tuple[str, Any]]:
        return sorted(self._entries.items())
