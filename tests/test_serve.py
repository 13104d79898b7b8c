"""`bulletin serve`: the site under its base path, live reload, and a failed rebuild's errors on every page."""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Callable, Iterator

import pytest
from tornado import websocket
from browser import chromium_page, needs_chromium

REPO = Path(__file__).resolve().parent.parent
BASE = "/dsxx/"  # the example site's base_url is https://www.example.gov.cn/dsxx/
UNIT_FILE = "data/units/zhuzhou-gaoke.yaml"
BULLETIN_FILE = "content/zhuzhou-gaoke/2021-11-30-dangshi-xuexi-jiaoyu.md"
BULLETIN_PAGE = BASE + "units/zhuzhou-gaoke/2021-11-30-dangshi-xuexi-jiaoyu/"
PAGES = [BASE, BASE + "units/", BASE + "units/zhuzhou-gaoke/", BULLETIN_PAGE, BASE + "stats/", BASE + "about/"]
PANEL = 'id="bulletin-build-errors"'
WAIT = 15.0  # seconds; generous, a rebuild of the example site takes well under one


def copy_site(root: Path) -> Path:
    """The repository's example site (data/ and content/ only) at ``root``."""
    for folder in ("data", "content"):
        shutil.copytree(REPO / folder, root / folder)
    return root


def wait_until(condition: Callable[[], object], what: str, timeout: float = WAIT) -> object:
    """Poll ``condition`` until it returns something true; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


class Preview:
    """``bulletin serve`` in a subprocess on a port of its own choosing (--port 0)."""

    def __init__(self, site: Path, *args: str, env: dict[str, str] | None = None) -> None:
        self.site = site
        self.out_file, self.err_file = site / "serve.out", site / "serve.err"
        command = [sys.executable, "-c", "from bulletin.cli import main; raise SystemExit(main())",
                   "serve", "--source", str(site), "--jobs", "1", *(args or ("--port", "0"))]
        with open(self.out_file, "wb") as out, open(self.err_file, "wb") as err:
            self.process = subprocess.Popen(command, stdout=out, stderr=err, cwd=site,
                                            env={**os.environ, "BULLETIN_LANG": "en", **(env or {})})
        self.origin = ""

    def start(self) -> Preview:
        """Wait for the "serving http://…" line."""
        def started() -> str | None:
            if self.process.poll() is not None:
                pytest.fail(f"serve exited with {self.process.returncode}:\n{self.out}\n{self.err}")
            match = re.search(r"serving (http://127\.0\.0\.1:\d+)/", self.out)
            return match and match.group(1)
        self.origin = str(wait_until(started, "the server to start"))
        return self

    @property
    def out(self) -> str:
        return self.out_file.read_text("utf-8")

    @property
    def err(self) -> str:
        return self.err_file.read_text("utf-8")

    def get(self, path: str, follow: bool = True) -> tuple[int, str, dict[str, str]]:
        """(status, body, headers) of GET ``path``."""
        opener = urllib.request.build_opener() if follow else urllib.request.build_opener(NoRedirect)
        try:
            with opener.open(self.origin + path, timeout=10) as response:
                return response.status, response.read().decode("utf-8"), dict(response.headers)
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8"), dict(exc.headers)

    def edit(self, rel: str, old: str, new: str) -> None:
        file = self.site / rel
        text = file.read_text("utf-8")
        assert old in text, f"{old!r} not in {rel}"
        file.write_text(text.replace(old, new, 1), "utf-8")

    def interrupt(self) -> int:
        """Ctrl-C; the exit code."""
        self.process.send_signal(signal.SIGINT)
        return self.process.wait(timeout=10)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@pytest.fixture(scope="module")
def preview(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Preview]:
    server = Preview(copy_site(tmp_path_factory.mktemp("serve") / "site")).start()
    yield server
    server.kill()


@pytest.fixture
def fresh_site(tmp_path: Path) -> Path:
    return copy_site(tmp_path / "site")


def test_site_is_served_under_its_base_path(preview: Preview) -> None:
    status, body, headers = preview.get(BASE)
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert "党史学习教育工作简报" in body and 'href="/dsxx/units/"' in body
    assert preview.get(BULLETIN_PAGE)[0] == 200
    assert preview.get(BASE + "stats.json")[1] == (preview.site / "output/stats.json").read_text("utf-8")
    assert f"serving {preview.origin}/dsxx/ " in preview.out


def test_root_and_folders_without_slash_redirect(preview: Preview) -> None:
    assert (preview.get("/", follow=False)[0], preview.get("/", follow=False)[2]["Location"]) == (302, BASE)
    assert preview.get("/dsxx", follow=False)[2]["Location"] == BASE
    assert preview.get("/dsxx/units", follow=False)[2]["Location"] == "/dsxx/units/"
    assert preview.get("/")[0] == 200


@pytest.mark.parametrize("path", ["/dsxx/no/such/page/at/all/", "/dsxx/units/nobody/x/y/z.html", "/elsewhere/a/b"])
def test_missing_url_however_deep_answers_404_with_the_404_page(preview: Preview, path: str) -> None:
    status, body, _ = preview.get(path)
    assert status == 404
    assert "页面未找到" in body and 'href="/dsxx/units/"' in body


def test_dot_entries_and_parent_paths_are_not_served(preview: Preview) -> None:
    (preview.site / "output/.secret").write_text("x", "utf-8")
    assert preview.get("/dsxx/.secret")[0] == 404
    assert preview.get("/dsxx/%2e%2e/data/site.yaml")[0] == 404
    assert preview.get("/dsxx/stats.json/")[0] == 404


def test_saved_markdown_edit_is_served_without_restarting(preview: Preview) -> None:
    preview.edit(BULLETIN_FILE, "百年征程", "预览已更新。百年征程")
    wait_until(lambda: "预览已更新" in preview.get(BULLETIN_PAGE)[1], "the rebuilt page")
    wait_until(lambda: re.search(r"^\[\d\d:\d\d:\d\d\] rebuilt after content/zhuzhou-gaoke/[^ ]+\.md changed: "
                                 r"\d+ files updated in ", preview.out, re.M),
               "the rebuild said with its time (the edited page is served before the rest of the site is built)")


def test_livereload_script_is_in_served_html_but_never_in_output_files(preview: Preview) -> None:
    for path in (BASE, BULLETIN_PAGE, "/dsxx/missing/"):
        assert "/livereload.js" in preview.get(path)[1]
    assert preview.get("/livereload.js")[0] == 200
    output = preview.site / "output"
    assert [p for p in output.rglob("*") if p.is_file() and b"livereload" in p.read_bytes()] == []


def test_failed_rebuild_shows_its_errors_on_every_page_until_fixed(preview: Preview) -> None:
    before = {path: preview.get(path)[1] for path in PAGES}
    preview.edit(UNIT_FILE, "\nreports:\n", "\nreports: [\n")
    wait_until(lambda: PANEL in preview.get(BASE)[1], "the error panel")
    line = re.search(r"data/units/zhuzhou-gaoke\.yaml:(\d+):(\d+): error: [^\n]+", preview.err)
    assert line, preview.err
    for path in PAGES + ["/dsxx/no/such/page/"]:
        body = preview.get(path)[1]
        assert PANEL in body, path
        assert body.index(PANEL) < body.index('class="skip-link"'), "the panel comes first in <body>"
        assert line.group(0).replace('"', "&quot;") in body
        assert f"{int(line.group(1)):>4} | " in body, "the offending source line is quoted"
    # The last good build stays served: the pages are as before, plus the panel and the ✖ starting the title.
    failing = preview.get(BULLETIN_PAGE)[1]
    assert re.search(r"<title>✖ \S", failing)
    assert re.sub(r"<section id=\"bulletin-build-errors\".*?</section>", "", failing.replace("<title>✖ ", "<title>", 1),
                  flags=re.S) == before[BULLETIN_PAGE]
    assert preview.get(BASE + "stats.json")[1] == (preview.site / "output/stats.json").read_text("utf-8")
    assert "still serving the last good build" in preview.err

    preview.edit(UNIT_FILE, "\nreports: [\n", "\nreports:\n")
    wait_until(lambda: PANEL not in preview.get(BASE)[1], "the error panel to go")
    assert all(PANEL not in preview.get(path)[1] for path in PAGES)
    assert "the errors are fixed" in preview.out
    assert preview.process.poll() is None


def test_error_panel_escapes_what_it_quotes_from_source_files(preview: Preview) -> None:
    preview.edit(UNIT_FILE, "study_sessions: 9", "study_sessions: <script>alert(1)</script>")
    try:
        found = wait_until(lambda: re.search(r'<section id="bulletin-build-errors".*?</section>', preview.get(BASE)[1],
                                             re.S), "the error panel")
        panel = found.group(0)  # type: ignore[union-attr]
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in panel
        assert "<script>alert(1)" not in panel
    finally:
        preview.edit(UNIT_FILE, "study_sessions: <script>alert(1)</script>", "study_sessions: 9")
        wait_until(lambda: PANEL not in preview.get(BASE)[1], "the error panel to go")


def test_failing_first_build_still_serves_and_recovers(fresh_site: Path) -> None:
    (fresh_site / UNIT_FILE).write_text("name: [\n", "utf-8")
    server = Preview(fresh_site).start()
    try:
        status, body, _ = server.get(BASE)
        assert status == 404 and PANEL in body and "data/units/zhuzhou-gaoke.yaml:1:7: error:" in body
        shutil.copy(REPO / UNIT_FILE, fresh_site / UNIT_FILE)
        wait_until(lambda: (lambda got: got[0] == 200 and PANEL not in got[1])(server.get(BASE)), "the fixed build")
    finally:
        server.kill()


def test_a_busy_port_gives_way_to_the_next_free_one_which_is_said(fresh_site: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        server = Preview(fresh_site, "--port", str(port)).start()
        try:
            chosen = int(server.origin.rsplit(":", 1)[1])
            assert chosen > port and server.get(BASE)[0] == 200
            assert server.out.splitlines()[0] == (f"port {port} is in use (by another preview?); serving on port "
                                                   f"{chosen} instead")
        finally:
            server.kill()


def test_a_port_that_cannot_be_had_is_one_clear_line_and_exit_2(fresh_site: Path) -> None:
    server = Preview(fresh_site, "--port", "80", "--host", "192.0.2.1")  # an address this machine does not have
    assert server.process.wait(timeout=WAIT) == 2
    assert server.err.startswith("bulletin: error: cannot listen on 192.0.2.1 port 80: ")
    assert not (fresh_site / "output").exists(), "nothing is built for a server that cannot start"


def test_open_flag_opens_the_served_url_in_the_browser(fresh_site: Path, tmp_path: Path) -> None:
    opened = tmp_path / "opened.txt"
    browser = tmp_path / "fake-browser"
    browser.write_text(f"#!/bin/sh\necho \"$1\" > {opened}\n", "utf-8")
    browser.chmod(0o755)
    server = Preview(fresh_site, "--port", "0", "--open", env={"BROWSER": str(browser)}).start()
    try:
        wait_until(opened.exists, "the browser to be opened")
        assert opened.read_text("utf-8").strip() == server.origin + BASE
    finally:
        server.kill()


def test_ctrl_c_stops_cleanly_with_exit_0(fresh_site: Path) -> None:
    server = Preview(fresh_site).start()
    server.get(BASE)
    assert server.interrupt() == 0
    assert "Traceback" not in server.err and "Traceback" not in server.out
    assert "preview stopped" in server.out


@needs_chromium
def test_open_page_follows_edits_errors_and_fixes(fresh_site: Path) -> None:
    server = Preview(fresh_site).start()
    try:
        with chromium_page() as page:
            page.goto(server.origin + BULLETIN_PAGE)
            marker = "实时预览已更新"
            wait_for_live_reload(page)
            started = time.perf_counter()
            server.edit(BULLETIN_FILE, "百年征程", marker + "。百年征程")
            page.get_by_text(marker).first.wait_for()
            print(f"\nedit-to-reload: {time.perf_counter() - started:.2f} s (Markdown saved -> new text in the page)")

            wait_for_live_reload(page)
            server.edit(UNIT_FILE, "\nreports:\n", "\nreports: [\n")
            panel = page.locator("#bulletin-build-errors")
            panel.wait_for()
            assert re.search(r"data/units/zhuzhou-gaoke\.yaml:10:10: error: line 10: the value opens with \"\[\"", panel.inner_text())
            assert page.get_by_text(marker).count() > 0, "the last good build is still shown"

            wait_for_live_reload(page)
            server.edit(UNIT_FILE, "\nreports: [\n", "\nreports:\n")
            panel.wait_for(state="detached")
            assert page.get_by_text(marker).count() > 0
    finally:
        server.kill()


def wait_for_live_reload(page) -> None:  # type: ignore[no-untyped-def]
    """Until the page's livereload.js has finished its handshake (before that, a reload would be missed)."""
    page.wait_for_function("() => window.LiveReload && window.LiveReload.connector.protocol >= 7")
    page.wait_for_timeout(100)  # the handshake's last message, "info", registers the page with the server


def test_the_edited_page_reloads_as_soon_as_it_is_written_and_other_open_pages_after(fresh_site: Path) -> None:
    server = Preview(fresh_site).start()
    try:
        told = asyncio.run(reloads_after_edit(server, {"bulletin": BULLETIN_PAGE, "home": BASE, "stats": BASE + "stats/"},
                                              lambda: server.edit(BULLETIN_FILE, "百年征程", "重新加载。百年征程")))
        assert told == ["bulletin", "home", "stats"] or told == ["bulletin", "stats", "home"], told
        told = asyncio.run(reloads_after_edit(server, {"bulletin": BULLETIN_PAGE, "stats": BASE + "stats/"},
                                              lambda: server.edit(UNIT_FILE, "study_sessions: 9", "study_sessions: 10")))
        assert told == ["stats", "bulletin"], "after a unit's figures, the statistics reload first, and only once"
    finally:
        server.kill()


async def reloads_after_edit(server: Preview, pages: dict[str, str], edit: Callable[[], None]) -> list[str]:
    """The open pages (by name) told to reload after ``edit``, in the order they were told, until the rebuild is done."""
    told: list[str] = []
    sockets = {name: await live_socket(server.origin, server.origin + path) for name, path in pages.items()}

    async def listen(name: str, socket: websocket.WebSocketClientConnection) -> None:
        while (message := await socket.read_message()) is not None:
            if json.loads(message).get("command") == "reload":
                told.append(name)

    listening = [asyncio.ensure_future(listen(name, socket)) for name, socket in sockets.items()]
    said = server.out.count("rebuilt after")
    await asyncio.sleep(0.3)  # the sockets are registered (the server has read their "info")
    edit()
    deadline = time.monotonic() + WAIT
    while server.out.count("rebuilt after") == said and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.5)  # a second reload of a page would come by now
    for socket in sockets.values():
        socket.close()
    for task in listening:
        task.cancel()
    return told


async def live_socket(origin: str, page_url: str) -> websocket.WebSocketClientConnection:
    """What livereload.js does on an open page: connect, say hello, and say which page it is."""
    socket = await websocket.websocket_connect(origin.replace("http://", "ws://") + "/livereload")
    await socket.write_message(json.dumps({"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"]}))
    assert json.loads(await socket.read_message())["command"] == "hello"  # type: ignore[arg-type]
    await socket.write_message(json.dumps({"command": "info", "plugins": {}, "url": page_url}))
    return socket
