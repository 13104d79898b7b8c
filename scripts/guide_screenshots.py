"""Screenshots for the editors' guide (docs/编辑指南.md): the preview, and its panel after a mistake.

    .venv/bin/python scripts/guide_screenshots.py [--out docs/screenshots/guide]

Copies the example site to a temporary folder, runs the real preview on it (``bulletin serve``, in
Chinese), and drives Debian's Chromium (/usr/bin/chromium) with Playwright, as an editor would: opens
a bulletin, scrolls down, saves a unit file with a full-width colon, and takes the page the preview
reloads; then a bulletin with a misspelled key, for the warnings. It never downloads a browser.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO / "tests")]

from browser import ARGS, CHROMIUM  # noqa: E402

BULLETIN = "content/zhuzhou-gaoke/2021-11-30-dangshi-xuexi-jiaoyu.md"
PAGE = "/dsxx/units/zhuzhou-gaoke/2021-11-30-dangshi-xuexi-jiaoyu/"
UNIT = "data/units/zhuzhou-gaoke.yaml"


def start_preview(site: Path) -> tuple[subprocess.Popen[bytes], str]:
    """``bulletin serve`` on a free port; (the process, its origin)."""
    log = site / "serve.log"
    process = subprocess.Popen([sys.executable, str(REPO / "build.py"), "serve", "--source", str(site), "--port", "0",
                                "--jobs", "1", "--lang", "zh"], stdout=log.open("wb"), stderr=subprocess.STDOUT,
                               env={**os.environ, "BULLETIN_LANG": "zh"})
    for _ in range(300):
        found = re.search(r"http://127\.0\.0\.1:\d+", log.read_text("utf-8", errors="replace"))
        if found:
            return process, found.group(0)
        time.sleep(0.1)
    process.kill()
    raise SystemExit("the preview did not start:\n" + log.read_text("utf-8", errors="replace"))


def edit(site: Path, rel: str, old: str, new: str) -> None:
    file = site / rel
    text = file.read_text("utf-8")
    assert old in text, (rel, old)
    file.write_text(text.replace(old, new, 1), "utf-8")


def wait_for_reload(page) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_function("() => window.LiveReload && window.LiveReload.connector.protocol >= 7")
    page.wait_for_timeout(200)


def shoot(site: Path, origin: str, out: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    written = []

    def snap(page, name: str) -> None:  # type: ignore[no-untyped-def]
        page.evaluate("document.fonts.ready")
        file = out / f"{name}.png"
        page.screenshot(path=str(file), type="png", animations="disabled", caret="hide")
        written.append(file)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        for size, (width, height, scale) in {"desktop": (1280, 800, 1), "phone": (360, 740, 2)}.items():
            context = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=scale,
                                          locale="zh-CN")
            page = context.new_page()
            page.set_default_timeout(30_000)
            page.goto(origin + PAGE)
            wait_for_reload(page)
            snap(page, f"preview-{size}")
            page.evaluate("window.scrollTo(0, 1200)")
            edit(site, UNIT, "\nregion: ", "\nregion：")  # a full-width colon, the commonest slip
            page.locator("#bulletin-build-errors [role=alert]").wait_for()
            snap(page, f"panel-{size}")
            wait_for_reload(page)
            edit(site, UNIT, "\nregion：", "\nregion: ")
            page.locator("#bulletin-build-errors").wait_for(state="detached")
            context.close()
        context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.goto(origin + PAGE)
        wait_for_reload(page)
        edit(site, BULLETIN, "\ntitle:", "\nsumary: 一句话摘要\ntitle:")  # a misspelled key: a warning
        bar = page.locator("#bulletin-build-errors [role=status]")
        bar.wait_for()
        bar.locator("summary").click()
        snap(page, "warnings-desktop")
        context.close()
        browser.close()
    return written


def run(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs/screenshots/guide")
    args = parser.parse_args(argv)
    if not CHROMIUM.exists():
        print(f"needs Debian's chromium at {CHROMIUM} (make test installs it)", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="bulletin-guide-") as work:
        site = Path(work) / "site"
        for folder in ("data", "content"):
            shutil.copytree(REPO / folder, site / folder)
        process, origin = start_preview(site)
        try:
            for file in shoot(site, origin, args.out):
                print(f"{file.relative_to(REPO) if file.is_relative_to(REPO) else file}: {file.stat().st_size} bytes")
        finally:
            process.terminate()
            process.wait(timeout=10)
        print((site / "serve.log").read_text("utf-8"), end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(run())
