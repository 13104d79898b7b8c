"""What the search page costs a reader: time to the first results shown, requests and bytes, on a desktop and on an
emulated phone, in headless Chromium with an empty cache for each query.

    .venv/bin/python -m bench.search_page OUTPUT [OUTPUT ...] [--base /bench/] [--repeat 3]

Each OUTPUT is a built site (say, the same corpus built with two shard sizes). The phone is Chromium's CPU
slowed four times and a network of 150 ms round trips and 1.6 Mbit/s down (DevTools' "Fast 3G" figures).
The server is Python's, HTTP/1.1, on the loopback: six connections at a time, as a browser opens to one host.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from .relevance import CHROMIUM_ARGS

REPO = Path(__file__).resolve().parent.parent
QUERIES = ["党史", "我为群众办实事", "志愿服务 宣讲"]
PHONE = {"offline": False, "latency": 150, "downloadThroughput": 1_600_000 // 8, "uploadThroughput": 750_000 // 8}
PHONE_CPU = 4
# The first results are shown (the page may go on checking further candidates, aria-busy, meanwhile).
SHOWN = ("(() => { const s = document.getElementById('search-status').textContent;"
         " return s && !/正在搜索/.test(s); })()")


@dataclass
class Visit:
    seconds: float
    requests: int
    kilobytes: float
    results: int


def visit(browser: object, site: str, query: str, phone: bool) -> Visit:
    """Open the search page for ``query`` in a fresh context (an empty cache) until its results are shown."""
    context = browser.new_context()  # type: ignore[attr-defined]
    page = context.new_page()
    page.set_default_timeout(120_000)
    if phone:
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", PHONE)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": PHONE_CPU})
    sizes: list[int] = []

    def finished(request: object) -> None:
        try:
            sizes.append(request.sizes()["responseBodySize"])  # type: ignore[attr-defined]
        except Exception:  # noqa: BLE001 - a request still in flight when the context closes: not counted
            pass

    page.on("requestfinished", finished)
    started = time.perf_counter()
    page.goto(site + "search/?" + urlencode({"q": query}))
    page.wait_for_function(SHOWN)
    seconds = time.perf_counter() - started
    results = page.locator("#search-results li").count()
    context.close()
    return Visit(seconds, len(sizes), sum(sizes) / 1024, results)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outputs", nargs="+", type=Path)
    parser.add_argument("--base", default="/bench/", help="the sites' base path (default /bench/)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(REPO / "tests"))
    from static_server import serve_output

    print("| output | bundles | device | query | seconds (median) | requests | KB | results |")
    print("|---|---|---|---|---|---|---|---|")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for output in args.outputs:
            bundles = sum(1 for p in (output / "pagefind").iterdir() if p.is_dir())
            with serve_output(output, args.base) as site:
                for phone in (False, True):
                    for query in QUERIES:
                        visits = [visit(browser, site, query, phone) for _ in range(args.repeat)]
                        last = visits[-1]
                        print(f"| {output.name} | {bundles} | {'phone' if phone else 'desktop'} | {query} | "
                              f"{statistics.median(v.seconds for v in visits):.2f} | {last.requests} | "
                              f"{last.kilobytes:.0f} | {last.results} |", flush=True)
        browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
