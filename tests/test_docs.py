"""The README's command line against ``vanban --help``: every command the CLI lists is shown in
the "Command line" section, every ``vanban <cmd>`` the docs show is a real command with real
options, and each command's --help runs (and its own example names it)."""
from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def _help(*args: str) -> str:
    result = CliRunner().invoke(main, [*args, "--help"])
    assert result.exit_code == 0, result.output
    return result.output


def listed_commands() -> list[str]:
    """The command names under "Commands:" in ``vanban --help``."""
    section = _help().split("Commands:", 1)[1]
    return [m.group(1) for m in re.finditer(r"^  ([\w-]+)\s", section, re.M)]


def command_line_section() -> str:
    """The README's "## Command line" section, up to the next second-level heading."""
    return README.split("\n## Command line\n", 1)[1].split("\n## ", 1)[0]


def shown_invocations(text: str) -> list[list[str]]:
    """Each ``vanban …`` the text shows as code (a line of a fenced block or an inline span),
    as its words before any shell redirection or comment."""
    blocks = re.findall(r"^```[^\n]*\n(.*?)^```", text, re.M | re.S)
    spans = [ln for block in blocks for ln in block.splitlines()]
    spans += re.findall(r"`(vanban [^`]+)`", text)
    out = []
    for span in spans:
        span = re.split(r"\s#|[|>]", span, maxsplit=1)[0].strip()
        if span.startswith("vanban "):
            out.append(shlex.split(span))
    return out


def test_readme_command_parser_reads_code_only():
    text = "vanban is a tool.\n```bash\nvanban chain \"1/QĐ\" --db x.db  # tree\n```\nSee `vanban serve db`."
    assert shown_invocations(text) == [["vanban", "chain", "1/QĐ", "--db", "x.db"], ["vanban", "serve", "db"]]


def test_every_listed_command_is_in_the_readme_command_line_section():
    section_commands = {words[1] for words in shown_invocations(command_line_section())}
    listed = listed_commands()
    assert {"build", "extract", "eval", "serve"} <= set(listed)  # the parser read the help
    assert [c for c in listed if c not in section_commands] == []


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_every_command_the_docs_show_is_real_with_real_options(doc):
    listed = set(listed_commands())
    shown = shown_invocations(doc.read_text(encoding="utf-8"))
    for words in shown:
        assert words[1] in listed, words
        help_text = _help(words[1])
        for option in (w.split("=", 1)[0] for w in words[2:] if w.startswith("--")):
            assert re.search(rf"(^|[\s,]){re.escape(option)}\b", help_text), (words, option)


@pytest.mark.parametrize("command", listed_commands())
def test_each_command_help_runs_and_its_example_names_it(command):
    text = _help(command)
    assert text.startswith("Usage:")
    for example in re.findall(r"Example: (vanban [^\n]+)", " ".join(text.split("\n  "))):
        assert shlex.split(example)[1] == command, example
