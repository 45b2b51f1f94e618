"""bench/RESULTS.md: each benchmark records its own section and leaves the others."""
from __future__ import annotations

from bench.results import record


def test_recording_a_section_keeps_the_others(tmp_path):
    path = tmp_path / "RESULTS.md"
    path.write_text("# Benchmark results\n\nintro\n\n<!-- run -->\nold run\n<!-- /run -->\n\n"
                    "<!-- scale -->\nold scale\n<!-- /scale -->\n", encoding="utf-8")
    record("run", "new run", path)
    text = path.read_text(encoding="utf-8")
    assert "new run" in text and "old run" not in text
    assert "old scale" in text and text.startswith("# Benchmark results\n\nintro")


def test_a_new_section_is_added_at_the_end_and_replaced_in_place_after(tmp_path):
    path = tmp_path / "RESULTS.md"
    path.write_text("# Benchmark results\n", encoding="utf-8")
    record("shapes", "first", path)
    record("shapes", "second", path)
    text = path.read_text(encoding="utf-8")
    assert text.count("<!-- shapes -->") == 1 and "second" in text and "first" not in text


def test_a_scale_run_of_one_corpus_keeps_the_other_corpus_as_recorded(tmp_path, monkeypatch):
    import bench.results
    from bench.scale import _kept_subsection

    path = tmp_path / "RESULTS.md"
    path.write_text("<!-- scale -->\n## Scale\n\n### 100 documents, database written from the templates\n\nA\n\n"
                    "### 5 documents, a real first build\n\n| real table |\n\nBenchmark wall time: 9 s.\n"
                    "<!-- /scale -->\n", encoding="utf-8")
    monkeypatch.setattr(bench.results, "RESULTS", path)
    kept = _kept_subsection("a real first build")
    assert kept[0] == "### 5 documents, a real first build"
    assert "| real table |" in kept[2] and "earlier run" in kept[2] and "wall time" not in kept[2]
    assert _kept_subsection("no such corpus") == []
