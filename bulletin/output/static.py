"""Static files: the theme's assets under ``assets/``, then the site's ``static/`` at the root, as they are;
with the traditional mirror, its own copy of each script under ``assets/`` (its messages converted)."""

from __future__ import annotations

from typing import Callable

from ..errors import Problems
from ..load.read import Sources
from ..render.environment import THEME
from ..render.mirror import MIRROR, is_script
from .writer import Writer


def copy_static(sources: Sources, writer: Writer, problems: Problems, written: set[str],
                mirror: Callable[[bytes], bytes] | None = None) -> list[bool]:
    """Copy the theme's assets and the site's static files (which override the theme's); for each file copied,
    whether its bytes changed. A static file where a page or a page's folder is, is an error.

    With ``mirror`` (the traditional mirror's conversion), every script under ``assets/`` is also written
    converted under ``zh-hant/assets/``, where the mirror's pages load it from."""
    site_static = dict(sources.static)
    theme_static = THEME / "static"
    generated = set(written)
    copied = []
    for file in sorted(theme_static.rglob("*")):
        rel = "assets/" + file.relative_to(theme_static).as_posix()
        if file.is_file() and rel not in site_static:
            generated.add(rel)
            copied.append(writer.copy(rel, file))
            if mirror is not None and is_script(rel):
                copied.append(writer.write(MIRROR + rel, mirror(file.read_bytes())))
    folders = {folder for path in generated for folder in folders_of(path)}
    for rel, file in sorted(site_static.items()):
        clash = next((f for f in folders_of(rel) if f in generated), None)  # a static folder where a page is
        if rel in generated or rel in folders or clash:
            what = f"file {clash}" if clash else f"folder {rel}/" if rel in folders else f"page {rel}"
            problems.error(f"static/{rel}", 1, 1, f"static file would replace the generated {what}; rename it")
            continue
        copied.append(writer.copy(rel, file))
        if mirror is not None and is_script(rel):
            copied.append(writer.write(MIRROR + rel, mirror(file.read_bytes())))
    return copied


def folders_of(path: str) -> list[str]:
    """The folders an output path lies in: "a/b/c.html" -> ["a", "a/b"]."""
    parts = path.split("/")[:-1]
    return ["/".join(parts[: i + 1]) for i in range(len(parts))]
