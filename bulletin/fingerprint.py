"""Fingerprints of the inputs of each page: equal fingerprints, equal bytes.

A page is made of its template (with every template it extends, includes or imports) and the
context it is rendered with. Both are hashed; values that many pages share (a bulletin, a unit,
the statistics) are hashed once per build.
"""

from __future__ import annotations

import dataclasses
import hashlib
from typing import Mapping

import jinja2
from jinja2 import meta

from . import __version__
from .cache import digest


class Fingerprinter:
    """Hashes (template, context) pairs; build one per build."""

    def __init__(self, env: jinja2.Environment, shared: str) -> None:
        self.env = env
        self.shared = shared  # digest of what every page may use: settings, navigation, version
        self._templates: dict[str, str] = {}
        self._memo: dict[int, tuple[object, bytes]] = {}  # by id: a page's own dicts and lists are not kept

    def page(self, template: str, context: Mapping[str, object]) -> str:
        """The fingerprint of one page."""
        h = hashlib.blake2b(digest_size=16)
        h.update(self.template(template).encode())
        h.update(self.shared.encode())
        for name in sorted(context):
            h.update(name.encode())
            h.update(self.value(context[name]))
        return h.hexdigest()

    def template(self, name: str, seen: frozenset[str] = frozenset()) -> str:
        """Digest of a template and, transitively, every template it names."""
        if name in self._templates:
            return self._templates[name]
        source, _, _ = self.env.loader.get_source(self.env, name)  # type: ignore[union-attr]
        parts = [__version__, name, source]
        referenced = meta.find_referenced_templates(self.env.parse(source))
        for other in sorted(referenced, key=str):
            if other is None:  # a name computed at render time: any template may be used
                parts += [self.template(t, seen | {name}) for t in sorted(self.env.list_templates())
                          if t not in seen and t != name]
            elif other not in seen and other != name:
                parts.append(self.template(other, seen | {name}))
        self._templates[name] = digest(*parts)
        return self._templates[name]

    def value(self, value: object) -> bytes:
        """Stable bytes for a context value; large immutable values are hashed once."""
        if isinstance(value, (str, int, float, bool)) or value is None:
            return f"{type(value).__name__}:{value!r}".encode()
        key = id(value)
        memo = self._memo.get(key)
        if memo is not None and memo[0] is value:
            return memo[1]
        data = self._hash(value)
        if dataclasses.is_dataclass(value):  # model objects, shared by many pages and alive all build long
            self._memo[key] = (value, data)  # keeps ``value`` alive, so its id is not reused
        return data

    def _hash(self, value: object) -> bytes:
        if isinstance(value, Mapping):
            items = [self.value(k) + b"=" + self.value(v) for k, v in value.items()]
            return hashlib.blake2b(b"{" + b",".join(items) + b"}", digest_size=16).digest()
        if isinstance(value, (list, tuple)):
            return hashlib.blake2b(b"[" + b",".join(self.value(v) for v in value) + b"]", digest_size=16).digest()
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            fields = [f.name.encode() + b"=" + self.value(getattr(value, f.name)) for f in dataclasses.fields(value)]
            name = type(value).__name__.encode()
            return hashlib.blake2b(name + b"(" + b",".join(fields) + b")", digest_size=16).digest()
        return repr(value).encode("utf-8", "surrogatepass")
