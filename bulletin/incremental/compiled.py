"""Compiled templates in ``<source>/.cache/bulletin/templates/<generator>/``: safe to delete at any time.

Compiling the theme's and the site's templates takes longer than the rest of reading a site that did
not change. Jinja checks that a template's text is the one its code was compiled from; the folder is
named by ``generator_digest()``, so that code compiled by another version of bulletin, or with other
Jinja options, is never run. A folder of another generator is removed when this one is first written.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import jinja2
from jinja2.bccache import Bucket

from ..digest import digest, generator_digest
from .files import CACHE_DIR, write_whole


class CompiledTemplates(jinja2.BytecodeCache):
    """Jinja's bytecode of each template, kept from one build to the next (read only unless ``writable``)."""

    def __init__(self, root: Path, writable: bool = True) -> None:
        self.root = root
        self.folder = root / generator_digest()
        self.writable = writable

    @classmethod
    def for_site(cls, source: Path, writable: bool = True) -> CompiledTemplates:
        return cls(source / CACHE_DIR / "templates", writable)

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        return digest("template", name, filename or "")

    def load_bytecode(self, bucket: Bucket) -> None:
        """The bucket's code as compiled before; none if it is missing, damaged, or of another text."""
        try:
            data = (self.folder / bucket.key).read_bytes()
            bucket.bytecode_from_string(data)
        except Exception:  # noqa: BLE001  # unreadable or damaged (a truncated file, say): compiled again
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        """Keep the bucket's code, whole or not at all; a cache that cannot be written is simply not used."""
        if not self.writable:
            return
        if not self.folder.is_dir():
            self._forget_other_generators()
        write_whole(self.folder / bucket.key, bucket.bytecode_to_string())

    def _forget_other_generators(self) -> None:
        try:
            others = [other for other in self.root.iterdir() if other != self.folder]
        except OSError:  # no folder yet, or one that cannot be listed
            return
        for other in others:
            shutil.rmtree(other, ignore_errors=True)
