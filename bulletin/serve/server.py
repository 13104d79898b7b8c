"""Live preview: build, serve the output under the site's base path, rebuild and reload on every edit.

The ``livereload`` package supplies the browser side: its client script (livereload.js), its
WebSocket handler that open pages connect to, and the transform that injects the script into
served HTML. Watching is done here rather than by ``livereload.Server``: its poller runs one task
per changed folder per poll and drops a reload that comes within 3 s of the previous one, so a
quick second save (or a fix right after a mistake) would leave the page stale.
"""

from __future__ import annotations

import asyncio
import dataclasses
import errno
import html
import json
import mimetypes
import re
import signal
import socket
import threading
import time
import webbrowser
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler
from livereload.server import LiveScriptInjector
from tornado import httpserver, netutil, web
from tornado.ioloop import PeriodicCallback
from tornado.websocket import WebSocketClosedError

from ..errors import Problems, SourceError
from ..incremental.reuse import Reuse
from ..incremental.search import SearchPlan
from ..load.files import Found
from ..load.read import read_text_file
from ..load.validate import read_site_config
from ..messages import Message, Reporter, _, os_reason
from ..model import SiteConfig
from ..output.search import SearchIndexError, write_bundles
from ..pipeline.build import BuildOptions, BuildResult, Edit, Session, WrittenFirst, build
from .panel import problem_panel
from .watch import (
    POLL_SECONDS,
    SAFETY_POLL_SECONDS,
    SourceWatcher,
    source_snapshot,
    updated_snapshot,
)

BODY_TAG = re.compile(rb"<body\b[^>]*>", re.IGNORECASE)
TITLE_TAG = re.compile(rb"<title\b[^>]*>", re.IGNORECASE)
FAILED_MARK = "✖ ".encode("utf-8")  # starts the tab's title while the last build has failed
PORTS_TRIED = 20  # a taken port: the next ones are tried, up to this many in all
LIVE_CSS = re.compile(r"\.(css|jpe?g|png|gif)$", re.IGNORECASE)  # what livereload.js refreshes in place

# livereload.Server's snippet: load livereload.js from this server, whatever host name the browser used.
LIVE_SCRIPT = (
    b'<script>(function(){var s=document.createElement("script");'
    b'var port=window.location.port||(window.location.protocol=="https:"?443:80);'
    b's.src="//"+window.location.hostname+":"+port+"/livereload.js?port="+port;'
    b"document.head.appendChild(s);})();</script>"
)
FALLBACK_404 = (  # before the first good build there is no 404.html; the <head> lets the script reload it
    '<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n<title>404</title>\n</head>\n'
    "<body>\n<h1>404</h1>\n<p>{text}</p>\n</body>\n</html>\n"
)


def serve(options: BuildOptions, *, host: str, port: int, open_browser: bool, report: Reporter) -> int:
    """Build, then preview ``options.output`` on http://HOST:PORT/<base path>/ until Ctrl-C; the exit code."""
    if not 0 <= port <= 65535:
        report.fail(_("--port must be between 0 and 65535, not {port}", port=port))
        return 2
    bound = listen(host, port, report)
    if bound is None:
        return 2
    sockets = bound
    try:
        preview = PreviewServer(options, report)
        preview.build_first()
        port = sockets[0].getsockname()[1]  # the one chosen for --port 0
        asyncio.run(preview.run(sockets, f"http://{_url_host(host)}:{port}", open_browser))
    except KeyboardInterrupt:  # Ctrl-C during the first build, before the loop handles it
        pass
    finally:
        for sock in sockets:
            sock.close()
    report.say(_("bulletin: preview stopped"), flush=True)
    return 0


def rebuild_site(options: BuildOptions, changed: list[str], session: Session, events: bool = False,
                 written_first: WrittenFirst | None = None) -> BuildResult:
    """Rebuild after ``changed`` source files (paths relative to the source root; all of them if ``events``).

    Written in place, and only pages whose inputs changed are rendered again (see ``build.pipeline``);
    ``written_first`` is told the files of the edited pages as soon as they are written.
    The first build indexes the site for search; later ones leave that to ``SearchRefresher``.
    """
    return build(dataclasses.replace(options, search_index=not changed), session, Edit(tuple(changed), events),
                 written_first=written_first)


class SearchRefresher:
    """Re-indexes the preview for search in a background thread, so a reload never waits for it: only the
    shards whose pages changed are indexed again (``Reuse.search_bundles``), then written into the output."""

    def __init__(self, output: Path, report: Reporter, reuse: Reuse) -> None:
        self.output, self.report, self.reuse = output, report, reuse
        self.lock = threading.Lock()
        self.running = False
        self.next: SearchPlan | None = None  # the plan of the last build, to index once the running one is done

    def refresh(self, plan: SearchPlan | None) -> None:
        """Index the searched pages of a rebuild (after the one running, if one is: the latest plan wins)."""
        if plan is None:
            return  # the site has no search
        with self.lock:
            self.next = plan
            if self.running:
                return
            self.running = True
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        while True:
            with self.lock:
                plan, self.next = self.next, None
                if plan is None:
                    self.running = False
                    return
            try:
                write_bundles(self.output, self.reuse.search_bundles(plan).folders)
            except SearchIndexError as exc:
                self.report.warn(_("search index not updated: {why}", why=exc.message))
            except OSError as exc:
                self.report.warn(_("search index not updated: {why}", why=str(exc)))


class PreviewServer:
    """The preview's state: where the site lives and the problems of the last build, when it failed."""

    def __init__(self, options: BuildOptions, report: Reporter) -> None:
        self.options, self.report = options, report
        self.output = options.output.absolute()
        self.base_path = site_base_path(options)
        self.problems: list[SourceError] = []  # of the last build when it failed, else empty
        self.panel = b""  # the panel shown on every page: the last build's errors and warnings
        self.pages = 0  # files written by the last good build
        self.built = self.seen = source_snapshot(options.source)
        self.session = Session.for_preview(options)
        self.search = SearchRefresher(self.output, report, self.session.reuse)
        self.events: SourceWatcher | None = None  # file events, if they can be had (else the poll watches alone)
        self.rebuilding = False  # a rebuild is running in its thread
        self.waiting: tuple[list[str], bool] | None = None  # sources saved since it started (and if events knew all)
        self.polled = 0.0  # when the sources were last polled
        self.polling = False  # a poll is looking at the source files in its thread
        self.saves = 0  # file events received (a poll that saw fewer is out of date)

    def build_first(self) -> None:
        """The build before serving; a failure is reported and shown, not fatal."""
        result = rebuild_site(self.options, [], self.session)
        self._report(result, _("built {files} files in {seconds} s", files=result.pages, seconds=format(result.seconds, ".2f")))

    async def run(self, sockets: list[socket.socket], origin: str, open_browser: bool) -> None:
        """Serve on ``sockets`` and watch the sources until SIGINT or SIGTERM."""
        loop = asyncio.get_running_loop()
        stop = asyncio.Event()
        handled = []
        for number in (signal.SIGINT, signal.SIGTERM):
            try:
                loop.add_signal_handler(number, stop.set)
                handled.append(number)
            except (ValueError, RuntimeError, NotImplementedError):  # not the main thread, or not POSIX
                pass
        server = httpserver.HTTPServer(make_app(self))
        server.add_sockets(sockets)
        events = SourceWatcher(self.options.source, lambda changed: loop.call_soon_threadsafe(self.saved, changed))
        self.events = events if events.start() else None
        watcher = PeriodicCallback(self.poll, POLL_SECONDS * 1000)
        watcher.start()
        url = origin + quote(self.base_path)
        self._say(_("serving {url} with live reload (Ctrl-C to stop)", url=url))
        if open_browser:
            threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()
        try:
            await stop.wait()
        finally:
            watcher.stop()
            events.stop()
            server.stop()
            for page in list(LiveReloadHandler.waiters):
                page.close()
            try:
                await asyncio.wait_for(server.close_all_connections(), 2)
            except asyncio.TimeoutError:
                pass  # a client that does not hang up does not keep the preview running
            for number in handled:
                loop.remove_signal_handler(number)

    def poll(self) -> None:
        """Look at every source file's size and time, in a thread of its own; rebuild once they changed and then
        stayed the same for one poll.

        With file events, this only catches what they missed, once a second. No poll runs during a rebuild
        (it would hold up the rebuild and the reload messages): one after it finds what came in the meantime.
        """
        now = time.monotonic()
        if self.rebuilding or self.polling or (
                self.events and self.events.alive and now - self.polled < SAFETY_POLL_SECONDS):
            return
        self.polled, self.polling, saves = now, True, self.saves
        looked = asyncio.get_running_loop().run_in_executor(
            None, source_snapshot, self.options.source, lambda: self.rebuilding)
        looked.add_done_callback(lambda done: self._polled(
            None if done.cancelled() or done.exception() else done.result(), saves))  # a failed poll: the next one

    def _polled(self, current: dict[str, tuple[int, int]] | None, saves: int) -> None:
        self.polling = False
        if current is None or self.rebuilding or saves != self.saves:
            return  # given up for a rebuild, or a save came while looking: the next poll looks again
        if current != self.seen:
            self.seen = current  # still being written: wait for the next poll
            return
        if current == self.built:
            return
        changed = sorted(k for k in current.keys() | self.built.keys() if current.get(k) != self.built.get(k))
        self.built = current
        self.rebuild(changed)

    def saved(self, changed: list[str]) -> None:
        """File events said these sources changed: rebuild now, having read only them.

        The poll then finds nothing new, unless events missed a file: it rebuilds for that one.
        """
        self.saves += 1
        self.rebuild(changed, events=True)
        self.built = self.seen = updated_snapshot(self.built, self.options.source, changed)

    def rebuild(self, changed: list[str], events: bool = False) -> None:
        """Rebuild after ``changed`` sources, in a thread of its own while this one serves and sends reloads.

        Saves that come during a rebuild are built together right after it (one build at a time)."""
        if self.waiting is None:
            self.waiting = (list(changed), events)
        else:  # merged: file events know all that changed only if they knew it each time
            before, known = self.waiting
            self.waiting = (sorted(set(before) | set(changed)), known and events)
        if not self.rebuilding:
            self.rebuilding = True
            asyncio.ensure_future(self._rebuild_waiting())

    async def _rebuild_waiting(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            while self.waiting is not None:
                (changed, events), self.waiting = self.waiting, None
                was_failing, panel = bool(self.problems), self.panel
                early: set[str] = set()  # output files whose open pages were reloaded as soon as they were written

                def written_first(paths: tuple[str, ...]) -> None:  # in the build's thread
                    loop.call_soon_threadsafe(self._written_first, paths, early)

                result = await loop.run_in_executor(
                    None, rebuild_site, self.options, changed, self.session, events, written_first)
                self._rebuilt(changed, result, was_failing, panel, early)
        finally:
            self.rebuilding = False

    def _written_first(self, paths: tuple[str, ...], early: set[str]) -> None:
        """The edited page (or the statistics) is written: reload the open pages showing it now, not after the site."""
        if self.problems:
            return  # the last build failed: the panel goes when this one is done, and every page reloads then
        early.update(paths)
        reload_pages("*", self.base_path, showing=early)

    def _rebuilt(self, changed: list[str], result: BuildResult, was_failing: bool, panel: bytes,
                 early: set[str]) -> None:
        """Report the rebuild, and reload the open pages if anything they show changed (those reloaded early aside,
        unless the panel they show changed)."""
        if result.ok and changed:  # the first build indexed its pages itself
            self.search.refresh(result.search)
        what = changed[0] if len(changed) == 1 else _("{count} files", count=len(changed))
        rebuilt = _("rebuilt after {what} changed: {changed} files updated in {seconds} s", what=what,
                    changed=result.changed, seconds=format(result.seconds, ".2f"))
        self._report(result, _("{rebuilt}; the errors are fixed", rebuilt=rebuilt) if was_failing else rebuilt)
        if result.ok and "data/site.yaml" in changed:
            self._move_base_path(site_base_path(self.options))
        quiet = result.ok and not was_failing and self.panel == panel  # the panel (its warnings) is as it was
        if quiet and result.changed == 0 and result.pages == self.pages:
            return  # nothing the browser shows has changed
        reload_pages(_reload_path(changed) if quiet else "*", self.base_path, skip=early if quiet else set())

    def _report(self, result: BuildResult, success: Message) -> None:
        if result.ok:
            self.pages = result.pages
        self.report.problems(result.problems.sorted())
        self.problems = result.problems.sorted() if not result.ok else []
        self.panel = problem_panel(result.problems.sorted(), self.options.source, self.report.language)
        if result.ok:
            self._say(success)
        else:
            count = len(result.problems.errors)
            self.report.tell(_clock() + self.report.language.text(_(
                "{count} error(s); still serving the last good build, with the errors shown on every page",
                count=count) if self.output.is_dir() else _(
                "{count} error(s); nothing is built yet, the errors are shown on every page", count=count)))

    def _move_base_path(self, base_path: str) -> None:
        if base_path != self.base_path:
            self.base_path = base_path
            self._say(_("base_url changed: the site is now served under {path}", path=quote(base_path)))

    def _say(self, message: Message) -> None:
        """A line of the preview's progress, after the time it happened."""
        self.report.say(_clock() + self.report.language.text(message), flush=True)

    def page(self, url_path: str) -> tuple[int, bytes, str] | str:
        """The response for a decoded URL path: (status, body, content type), or a URL to redirect to."""
        base = self.base_path
        if base != "/" and url_path in ("/", base.rstrip("/")):
            return quote(base)
        if not url_path.startswith(base):
            return self.not_found()
        rel = url_path[len(base):]
        parts = rel.split("/")
        if any(p.startswith(".") or "\\" in p or "\0" in p for p in parts) or "" in parts[:-1]:
            return self.not_found()
        file = self.output.joinpath(*parts)
        if file.is_dir():
            if rel and not rel.endswith("/"):
                return quote(url_path + "/")
            file = file / "index.html"
        elif rel.endswith("/"):
            return self.not_found()
        try:
            data = file.read_bytes()
        except OSError:  # missing, or a folder without index.html
            return self.not_found()
        kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        return 200, self.decorate(data) if kind == "text/html" else data, kind

    def not_found(self) -> tuple[int, bytes, str]:
        """The site's 404.html (or a stand-in before the first good build), with status 404."""
        try:
            data = (self.output / "404.html").read_bytes()
        except OSError:
            language = self.report.language
            data = FALLBACK_404.format(lang="en" if language.code == "en" else "zh-CN", text=html.escape(language.text(
                _("No page here: the site has not been built yet.")))).encode("utf-8")
        return 404, self.decorate(data), "text/html"

    def decorate(self, page: bytes) -> bytes:
        """The page with the panel right after ``<body>`` (and ✖ starting its title while the last build has failed)."""
        if not self.panel:
            return page
        match = BODY_TAG.search(page)
        at = match.end() if match else 0
        page = page[:at] + self.panel + page[at:]
        title = TITLE_TAG.search(page) if self.problems else None
        return page[:title.end()] + FAILED_MARK + page[title.end():] if title else page


class PageHandler(web.RequestHandler):
    """Every URL that is not livereload's own: the output under the base path, 404.html elsewhere."""

    def initialize(self, preview: PreviewServer) -> None:
        self.preview = preview

    def compute_etag(self) -> None:
        return None  # a page also changes with the build's state: never answer 304

    def get(self, url_path: str) -> None:
        response = self.preview.page(url_path)
        if isinstance(response, str):
            self.redirect(response)
            return
        status, body, kind = response
        self.set_status(status)
        text = kind.startswith("text/") or kind in ("application/json", "application/xml", "application/javascript")
        self.set_header("Content-Type", f"{kind}; charset=utf-8" if text else kind)
        self.set_header("Cache-Control", "no-store")
        self.write(body)

    def head(self, url_path: str) -> None:
        self.get(url_path)  # tornado drops the body of a HEAD response


class LiveScript(LiveScriptInjector):
    """livereload's transform: puts the client script before ``</head>`` of served HTML (never in files)."""

    script = LIVE_SCRIPT


def make_app(preview: PreviewServer) -> web.Application:
    """livereload's socket and script first, then every other URL from the output folder."""
    return web.Application(
        [
            (r"/livereload", PageSocket),
            (r"/livereload\.js", LiveReloadJSHandler),
            (r"(/.*)", PageHandler, {"preview": preview}),
        ],
        transforms=[LiveScript],
        log_function=lambda handler: None,  # no access log: the terminal is for build results
    )


class PageSocket(LiveReloadHandler):
    """livereload's socket of an open page, which also keeps the page's URL (said by livereload.js on connecting)."""

    url = ""

    def on_message(self, message: str | bytes) -> None:
        super().on_message(message)
        try:
            said = json.loads(message)
        except ValueError:
            return
        if isinstance(said, dict) and said.get("command") == "info" and isinstance(said.get("url"), str):
            self.url = said["url"]


def reload_pages(path: str, base_path: str, showing: set[str] | None = None, skip: set[str] | None = None) -> None:
    """Tell the open pages to reload (``path`` a stylesheet or image to refresh in place, or ``*``): with ``showing``
    only those that show one of these output files, else every one but those showing a file in ``skip``."""
    message = {"command": "reload", "path": path, "liveCSS": True, "liveImg": True}
    for page in list(LiveReloadHandler.waiters):
        shows = output_file(getattr(page, "url", ""), base_path)
        if (shows not in showing) if showing is not None else (skip and shows in skip):
            continue
        try:
            page.write_message(message)
        except WebSocketClosedError:
            LiveReloadHandler.waiters.discard(page)


def output_file(url: str, base_path: str) -> str | None:
    """The output file (relative path) an open page's URL shows, if it is a page of the site: ``…/dsxx/a/`` -> ``a/index.html``."""
    path = unquote(urlsplit(url).path)
    if not path.startswith(base_path):
        return None
    rel = path[len(base_path):]
    return rel + "index.html" if rel == "" or rel.endswith("/") else rel


def _reload_path(changed: list[str]) -> str:
    # A lone stylesheet or image under static/ is refreshed in place; anything else reloads the page.
    if len(changed) == 1 and changed[0].startswith("static/") and LIVE_CSS.search(changed[0]):
        return changed[0].removeprefix("static/")
    return "*"


def site_base_path(options: BuildOptions) -> str:
    """The decoded URL path the site lives under (``/dsxx/``): from --base-url, else data/site.yaml, else ``/``.

    data/site.yaml is read as a build reads it; while it has errors the build reports them, and the
    preview serves at ``/`` until they are fixed.
    """
    url = options.base_url
    if not url:
        path = options.source / "data" / "site.yaml"
        problems = Problems()
        file = read_text_file(Found("data/site.yaml", str(path)), problems) if path.is_file() else None
        config = read_site_config(file, problems) if file is not None else None
        url = config.base_url if config is not None else None
    if not url or not url.strip():
        return "/"
    return unquote(SiteConfig("", url.strip()).base_path)


def listen(host: str, port: int, report: Reporter) -> list[socket.socket] | None:
    """Sockets listening on ``port``, or on the next free port when it is taken (said so); None when none can be had
    (said why)."""
    for tried in range(port, port + PORTS_TRIED if port else port + 1):
        try:
            sockets = netutil.bind_sockets(tried, address=host)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE and port and tried < min(port + PORTS_TRIED, 65536) - 1:
                continue
            report.fail(_listen_problem(exc, host, tried, port))
            return None
        if tried != port:
            report.say(_("port {port} is in use (by another preview?); serving on port {chosen} instead",
                         port=port, chosen=tried), flush=True)
        return sockets
    return None


def _listen_problem(exc: OSError, host: str, port: int, first: int) -> Message:
    if exc.errno == errno.EADDRINUSE and port != first:
        return _("ports {first} to {last} on {host} are all in use; choose another with --port", first=first,
                 last=port, host=host)
    if exc.errno == errno.EADDRINUSE:
        return _("port {port} on {host} is already in use; try --port {next}", port=port, host=host, next=port + 1)
    if exc.errno == errno.EACCES:
        return _("not allowed to listen on port {port} on {host}; ports below 1024 need privileges, try --port 8000",
                 port=port, host=host)
    return _("cannot listen on {host} port {port}: {why}", host=host, port=port, why=os_reason(exc))


def _clock() -> str:
    """The time of day, starting the preview's progress lines: ``[14:03:12] ``."""
    return time.strftime("[%H:%M:%S] ")


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host
