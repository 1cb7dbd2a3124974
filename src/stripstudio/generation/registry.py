"""Finding engines by name through the ``stripstudio.engines`` entry points (built-ins included)."""

from __future__ import annotations

from collections.abc import Callable
from importlib.metadata import EntryPoint, entry_points
from typing import Any

from stripstudio.generation.engine import Engine
from stripstudio.generation.errors import EngineUnavailable, InvalidRequest

ENTRY_POINT_GROUP = "stripstudio.engines"

EngineFactory = Callable[..., Engine]


class EngineRegistry:
    """Engine factories by name. Entry points are read lazily; :meth:`register` adds more (tests, plugins)."""

    def __init__(self, group: str = ENTRY_POINT_GROUP):
        self._group = group
        self._factories: dict[str, EngineFactory | EntryPoint] = {}
        self._loaded_entry_points = False

    def register(self, name: str, factory: EngineFactory) -> None:
        """Make ``factory(settings)`` available as engine ``name``, replacing any engine of that name."""
        self._load_entry_points()
        self._factories[name] = factory

    def names(self) -> list[str]:
        """Every engine name known, sorted."""
        self._load_entry_points()
        return sorted(self._factories)

    def create(self, name: str, settings: Any) -> Engine:
        """Build engine ``name`` with the studio settings."""
        self._load_entry_points()
        try:
            factory = self._factories[name]
        except KeyError:
            known = ", ".join(self.names()) or "none installed"
            raise InvalidRequest(f"unknown engine {name!r} (known: {known})", field="engine") from None
        if isinstance(factory, EntryPoint):
            try:
                factory = factory.load()
            except ImportError as error:
                raise EngineUnavailable(
                    f"engine {name!r} cannot be imported ({error}); "
                    "install its extra, e.g. pip install 'stripstudio[ml]'"
                ) from error
            self._factories[name] = factory
        return factory(settings)

    def _load_entry_points(self) -> None:
        if self._loaded_entry_points:
            return
        self._loaded_entry_points = True
        for entry_point in entry_points(group=self._group):
            self._factories.setdefault(entry_point.name, entry_point)


def default_registry() -> EngineRegistry:
    """A registry with every installed engine."""
    return EngineRegistry()
