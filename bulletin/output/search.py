"""Full-text search with Pagefind: an index built from the site's own pages, served by the site.

Pagefind's extended binary segments Chinese text into words. It runs over the finished pages
(bulletins and unit pages carry ``data-pagefind-body``) and writes ``pagefind/`` beside them.
Its index files are the one part of the output that is not byte-reproducible (SPEC section 3).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from ..messages import Message, _

SEARCH_FOLDER = "pagefind"


class SearchIndexError(RuntimeError):
    """The search index could not be built; ``message`` says why and what to do."""

    def __init__(self, message: Message) -> None:
        super().__init__(message)
        self.message = message


def pagefind_executable() -> Path | None:
    """Pagefind's binary (from the pagefind[extended] package, or on PATH), or None."""
    try:
        from pagefind.service import get_executable
    except ImportError:
        found = shutil.which("pagefind_extended") or shutil.which("pagefind")
        return Path(found) if found else None
    return get_executable()


def build_search_index(site_folder: Path) -> None:
    """Index the HTML pages under ``site_folder`` into ``site_folder/pagefind``, one index per ``lang``."""
    executable = pagefind_executable()
    if executable is None:
        raise SearchIndexError(_("search needs Pagefind: pip install 'pagefind[extended]', "
                                 "or set `search: false` in data/site.yaml"))
    command = [str(executable), "--site", str(site_folder), "--output-subdir", SEARCH_FOLDER, "--silent"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=1800, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SearchIndexError(_("Pagefind could not run: {why}", why=str(exc))) from None
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise SearchIndexError(_("Pagefind failed: {why}", why=detail[-1]) if detail else
                               _("Pagefind failed with exit code {code}", code=done.returncode))
