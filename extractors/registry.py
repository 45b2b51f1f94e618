"""Extractors as registered components.

Each extractor declares what it reads from the :class:`~pipeline.core.models.Context`
and what it adds to it (as spaCy's pipes declare ``requires`` and ``assigns``); the runner
takes them in :data:`ORDER` and refuses an order in which a component would read what no
earlier one has assigned. Adding an extractor is a decorator and a place in the order.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

# What every context holds before any extractor runs.
GIVEN = ("source", "text")
# The order the runner uses; the header comes first because its issuer, date and
# locality inform citations, agencies and deadlines.
ORDER = ("header", "citations", "standards", "agencies", "tasks", "deadlines")


@dataclass(frozen=True)
class Component:
    name: str
    fn: Callable
    requires: tuple[str, ...]
    assigns: tuple[str, ...]


_REGISTRY: dict[str, Component] = {}


def component(name: str, *, requires: tuple[str, ...] = GIVEN, assigns: tuple[str, ...] = ()):
    """Register ``fn(ctx) -> Section`` as the extractor ``name``; it assigns ``name`` unless told."""
    def register(fn: Callable) -> Callable:
        _REGISTRY[name] = Component(name, fn, tuple(requires), tuple(assigns) or (name,))
        return fn
    return register


def check_order(components: list[Component]) -> None:
    """Raise ``ValueError`` when a component requires what no earlier one assigns."""
    available = set(GIVEN)
    for c in components:
        missing = sorted(set(c.requires) - available)
        if missing:
            raise ValueError(f"extractor {c.name!r} requires {', '.join(missing)}, "
                             f"which no earlier extractor assigns")
        available.update(c.assigns)


def components(order: tuple[str, ...] = ORDER) -> list[Component]:
    """The registered extractors in ``order``, checked."""
    for name in order:
        if name not in _REGISTRY:
            importlib.import_module(f"extractors.{name}")  # registers on import
    missing = [n for n in order if n not in _REGISTRY]
    if missing:
        raise LookupError(f"no extractor registered as {', '.join(missing)}")
    chosen = [_REGISTRY[n] for n in order]
    check_order(chosen)
    return chosen
