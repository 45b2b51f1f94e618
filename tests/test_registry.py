"""Extractors are registered components; the runner refuses an order that reads before it writes."""
from __future__ import annotations

import pytest

from extractors import registry


def test_the_default_order_is_complete_and_checked():
    comps = registry.components()
    assert [c.name for c in comps] == list(registry.ORDER)
    assert all(callable(c.fn) for c in comps)


@pytest.mark.parametrize("order, missing", [
    (("tasks", "header", "agencies"), "document"),
    (("header", "deadlines", "citations"), "citations"),
    (("header", "tasks", "agencies"), "agencies"),
])
def test_an_order_that_reads_before_it_is_written_is_refused(order, missing):
    with pytest.raises(ValueError, match=missing):
        registry.components(order)


def test_an_unknown_extractor_is_named():
    with pytest.raises((LookupError, ModuleNotFoundError)):
        registry.components(("header", "nonexistent"))


def test_a_new_component_registers_with_a_decorator():
    @registry.component("probe_section", requires=("text",))
    def probe(ctx):  # noqa: ARG001
        return None

    try:
        comps = registry.components(("header", "probe_section"))
        assert comps[-1].fn is probe and comps[-1].assigns == ("probe_section",)
    finally:
        registry._REGISTRY.pop("probe_section")


def test_tasks_before_the_agencies_analysis_is_assigned_is_refused():
    with pytest.raises(ValueError, match="agency_analysis"):
        registry.check_order([registry.Component("tasks_like", print, ("text",), ("x",)),
                              registry.Component("reader", print, ("agency_analysis",), ("y",))])
