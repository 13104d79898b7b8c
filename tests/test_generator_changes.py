"""A build after an upgrade of bulletin itself, or of a library it uses, never publishes stale pages."""

from __future__ import annotations

import importlib.metadata
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, SITES

from bulletin import digest

BULLETIN_PAGE = "output/units/town/report-q1/index.html"


def build_with(package_parent: Path, site: Path) -> str:
    """Build ``site`` with the bulletin package found in ``package_parent``; what the build printed."""
    env = dict(os.environ, PYTHONPATH=str(package_parent))
    done = subprocess.run([sys.executable, "-m", "bulletin", "build", "--source", str(site)], cwd=package_parent,
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def own_copy(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the package to change, and a site built once with it."""
    package = tmp_path / "generator"
    shutil.copytree(REPO / "bulletin", package / "bulletin", ignore=shutil.ignore_patterns("__pycache__"))
    site = Path(shutil.copytree(SITES / "minimal", tmp_path / "site"))
    build_with(package, site)
    assert "(0 pages rendered, 0 files changed)" in build_with(package, site)  # settled: nothing to do
    return package, site


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_a_changed_filter_in_the_package_rewrites_the_pages_it_shows(own_copy: tuple[Path, Path]) -> None:
    package, site = own_copy
    assert "2021年3月31日" in (site / BULLETIN_PAGE).read_text(encoding="utf-8")
    edit(package / "bulletin/render/environment.py", 'return f"{day.year}年{day.month}月{day.day}日"',
         'return f"{day.year}年{day.month:02d}月{day.day:02d}日"')
    printed = build_with(package, site)
    assert "0 pages rendered" not in printed
    assert "2021年03月31日" in (site / BULLETIN_PAGE).read_text(encoding="utf-8")


def test_a_changed_theme_template_rewrites_the_pages_that_use_it(own_copy: tuple[Path, Path]) -> None:
    package, site = own_copy
    edit(package / "bulletin/theme/templates/bulletin.html", "{% block content %}", "{% block content %}<!-- v2 -->")
    build_with(package, site)
    assert "<!-- v2 -->" in (site / BULLETIN_PAGE).read_text(encoding="utf-8")


def test_a_changed_markdown_step_converts_the_cached_bodies_again(own_copy: tuple[Path, Path]) -> None:
    package, site = own_copy
    edit(package / "bulletin/render/markup.py", "return converter.convert(text)",
         'return converter.convert(text) + "<p>v2</p>"')
    build_with(package, site)
    assert "<p>v2</p>" in (site / BULLETIN_PAGE).read_text(encoding="utf-8")


def test_another_version_of_a_library_is_another_generator(monkeypatch: pytest.MonkeyPatch) -> None:
    today = digest.generator_digest()
    real = importlib.metadata.version
    for library in ("markdown", "jinja2", "nh3", "opencc", "pyyaml", "pagefind"):
        monkeypatch.setattr(importlib.metadata, "version", lambda name, lib=library: "99.0" if name == lib else real(name))
        digest.generator_digest.cache_clear()
        assert digest.generator_digest() != today, library
    monkeypatch.undo()
    digest.generator_digest.cache_clear()
    assert digest.generator_digest() == today


def test_changed_template_options_in_the_package_apply_to_templates_compiled_before(own_copy: tuple[Path, Path]) -> None:
    package, site = own_copy
    before = (site / BULLETIN_PAGE).read_text(encoding="utf-8")
    edit(package / "bulletin/render/environment.py", "trim_blocks=True", "trim_blocks=False")  # same template texts
    build_with(package, site)
    after = (site / BULLETIN_PAGE).read_text(encoding="utf-8")
    assert after != before and after.count("\n") > before.count("\n")
    assert len(list((site / ".cache/bulletin/templates").iterdir())) == 1  # the old code is gone
