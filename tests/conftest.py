"""Shared fixtures: tiny site roots and a way to run the command line in-process."""

from __future__ import annotations

import io
import os
import shutil
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest

from bulletin.cli import main

REPO = Path(__file__).resolve().parent.parent
SITES = Path(__file__).resolve().parent / "sites"


@dataclass
class Run:
    code: int
    out: str
    err: str

    @property
    def lines(self) -> list[str]:
        return [line for line in self.err.splitlines() if ": error: " in line or ": warning: " in line]


def run_cli(*args: str | Path) -> Run:
    """Run ``bulletin ARGS`` in-process and capture its output."""
    out, err = io.StringIO(), io.StringIO()
    code = main([str(a) for a in args], stdout=out, stderr=err)
    return Run(code, out.getvalue(), err.getvalue())


def write_files(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write ``files`` (relative path -> text, dedented, or bytes) under ``root``."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
    return root


def settle(root: Path) -> None:
    """Date the sources a few seconds back, as if saved a while ago (a build trusts only settled files' status)."""
    past = time.time_ns() - 5_000_000_000
    for folder in ("content", "data"):
        for path in (root / folder).rglob("*"):
            if path.is_file():
                os.utime(path, ns=(past, past))


@pytest.fixture(autouse=True)
def english_messages(monkeypatch: pytest.MonkeyPatch) -> None:
    """Messages in English unless a test asks for Chinese (the editors' default; see test_messages.py)."""
    monkeypatch.setenv("BULLETIN_LANG", "en")


@pytest.fixture
def minimal_site(tmp_path: Path) -> Path:
    """A copy of tests/sites/minimal: only data/ and content/."""
    return Path(shutil.copytree(SITES / "minimal", tmp_path / "site"))


def copy_example(root: Path) -> Path:
    """Copy the repository's example site (its data/ and content/) to ``root``."""
    for folder in ("data", "content"):
        shutil.copytree(REPO / folder, root / folder)
    return root


@pytest.fixture
def example_site(tmp_path: Path) -> Path:
    """A copy of the repository's example site, to change."""
    return copy_example(tmp_path / "example")


@pytest.fixture(scope="session")
def example_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example site built once for the whole run: read it, never change it."""
    root = copy_example(tmp_path_factory.mktemp("example"))
    run = run_cli("build", "--source", root, "--quiet")
    assert run.code == 0, run.err
    return root / "output"


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """One headless Chromium for a test file (Playwright's sync API allows one at a time)."""
    from browser import launch_chromium

    with launch_chromium() as chromium:
        yield chromium


def output_files(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` by relative path, with its bytes; the search index's own files (pagefind/)
    are left out: the preview refreshes them after the pages, and SPEC section 3 exempts them. (Bulletin makes
    them reproducible all the same; a test of its own checks it, in test_output.py.)"""
    return {rel: p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not (rel := p.relative_to(folder).as_posix()).startswith("pagefind/")}
