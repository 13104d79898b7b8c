"""Screenshots of the example site for the README: home, unit, bulletin (and the same in the traditional
mirror, when the site has one), statistics and one of its charts (and search, when the site has one) at phone
(360 px) and desktop (1280 px) width, one screen high, and the first two sheets of the bulletin printed on A4
(rendered with poppler's pdftoppm, when it is installed), into docs/screenshots/.

    .venv/bin/python scripts/screenshots.py [--source .] [--out docs/screenshots]

Builds the site into a temporary folder (output/ is left alone), serves it under its base path and
drives Debian's Chromium (/usr/bin/chromium) with Playwright; it never downloads a browser.
"""

from __future__ import annotations

import argparse
import io
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from bulletin.cli import main as bulletin  # noqa: E402
from browser import ARGS, CHROMIUM  # noqa: E402
from static_server import serve_output  # noqa: E402

# name -> (viewport width, viewport height, device scale factor). The phone is shot at 2x, as phones show it.
SIZES = {"phone": (360, 740, 2), "desktop": (1280, 800, 1)}
MAX_BYTES = 300_000


def base_path(source: Path) -> str:
    """The path of ``base_url`` in data/site.yaml, e.g. /dsxx/."""
    import yaml

    site = yaml.safe_load((source / "data/site.yaml").read_text(encoding="utf-8"))
    path = urlsplit(site["base_url"]).path or "/"
    return path if path.endswith("/") else path + "/"


def pages(output: Path, root: str) -> dict[str, str]:
    """Page name -> URL path below the site root, for the pages that exist in this build."""
    found = {"home": "", "statistics": "stats/", "chart": "stats/#metric-participants"}
    bulletins = sorted(output.glob("units/*/*/index.html"), key=lambda p: p.parent.name, reverse=True)
    bulletins = [p for p in bulletins if p.parent.name != "page"]
    if bulletins:  # the newest bulletin (file names start with the date), and its unit
        newest = bulletins[0].parent.relative_to(output).as_posix()
        found["unit"] = newest.rsplit("/", 1)[0] + "/"
        found["bulletin"] = newest + "/"
        if (output / "zh-hant" / newest / "index.html").is_file():  # the same bulletin in the traditional mirror
            found["bulletin-hant"] = "zh-hant/" + newest + "/"
    if (output / "search/index.html").is_file():
        found["search"] = "search/?q=%E5%AE%9E%E4%BA%8B"  # 实事
    names = ("home", "unit", "bulletin", "bulletin-hant", "statistics", "chart", "search")
    return {name: found[name] for name in names if name in found}


def shoot(output: Path, root: str, target: Path) -> list[Path]:
    """Write <page>-<size>.png for every page and size; returns the files."""
    from playwright.sync_api import sync_playwright

    written = []
    with serve_output(output, root) as site, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        for size, (width, height, scale) in SIZES.items():
            context = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=scale,
                                          locale="zh-CN")
            page = context.new_page()
            for name, path in pages(output, root).items():
                page.goto(site + path)
                if path.startswith("search/"):
                    page.wait_for_selector("#search-results li")
                page.evaluate("document.fonts.ready")
                file = target / f"{name}-{size}.png"
                page.screenshot(path=str(file), type="png", full_page=False, animations="disabled", caret="hide")
                written.append(file)
            context.close()
        written += print_bulletin(browser, site + pages(output, root).get("bulletin", ""), target)
        browser.close()
    return written


def print_bulletin(browser, url: str, target: Path) -> list[Path]:  # type: ignore[no-untyped-def]
    """The bulletin printed to PDF on A4, its first two sheets as bulletin-print-1.png and -2.png (needs pdftoppm)."""
    if shutil.which("pdftoppm") is None:
        print("no pdftoppm (Debian: poppler-utils): the printed page is not shot", file=sys.stderr)
        return []
    page = browser.new_page()
    page.goto(url)
    pdf = target / "bulletin-print.pdf"
    pdf.write_bytes(page.pdf(format="A4"))
    page.close()
    subprocess.run(["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "2", str(pdf), str(target / "bulletin-print")],
                   check=True)
    pdf.unlink()
    return sorted(target.glob("bulletin-print-*.png"))


def run(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, default=REPO)
    parser.add_argument("--out", type=Path, default=REPO / "docs/screenshots")
    args = parser.parse_args(argv)
    if not CHROMIUM.exists():
        print(f"screenshots need Debian's chromium at {CHROMIUM}: sudo apt-get install chromium fonts-wqy-microhei",
              file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        output = Path(tmp) / "output"
        code = bulletin(["build", "--source", str(args.source), "--output", str(output), "--quiet"],
                        stdout=io.StringIO())
        if code:
            return code
        files = shoot(output, base_path(args.source), args.out)
    for file in files:
        size = file.stat().st_size
        note = "  (over 300 KB)" if size > MAX_BYTES else ""
        print(f"{file.relative_to(REPO) if file.is_relative_to(REPO) else file}  {size // 1024} KB{note}")
    return 0


if __name__ == "__main__":
    raise SystemExit(run())
