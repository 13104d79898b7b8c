"""Messages for the site's editors: written in English in the code, shown in the editors' language.

A message is made where a problem is found, as data: ``_("unknown key \"{name}\"", name=key)``
gives a ``Message`` holding the English text (its gettext msgid) and its values. It becomes text
only where it is shown (the terminal, the preview's panel), in the ``Language`` the command was
given: the site's editors read Chinese by default (``--lang en`` or ``BULLETIN_LANG=en`` for
English). The catalogs are gettext catalogs under ``locale/``, extracted and compiled with Babel
(``make messages``); at run time the standard library's ``gettext`` reads the compiled ``.mo``.

Values are written as given, except other messages, which are translated too: quoted source text,
paths and numbers never are.
"""

from __future__ import annotations

import errno
import gettext
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping, Protocol

LOCALE = Path(__file__).resolve().parent / "locale"
DOMAIN = "bulletin"
LANGUAGES = ("zh", "en")
ENVIRONMENT = "BULLETIN_LANG"


@dataclass(frozen=True, slots=True)
class Message:
    """A message and its values, not yet in any language; ``str()`` gives the English text."""

    msgid: str
    params: tuple[tuple[str, object], ...] = ()

    def __str__(self) -> str:
        return ENGLISH.text(self)

    def to_json(self) -> dict[str, object]:
        """The message as JSON (for a cache that shows it again later, in whatever language is chosen then)."""
        return {"msgid": self.msgid, "params": {name: value.to_json() if isinstance(value, Message) else value
                                                for name, value in self.params}}

    @classmethod
    def from_json(cls, data: object) -> Message | str:
        """A message written by ``to_json`` (or plain text)."""
        if not isinstance(data, dict) or not isinstance(data.get("msgid"), str):
            return str(data)
        params = data.get("params") if isinstance(data.get("params"), dict) else {}
        return cls(data["msgid"], tuple((str(name), cls.from_json(value) if isinstance(value, dict) else value)
                                        for name, value in params.items()))  # type: ignore[union-attr]


def _(msgid: str, /, **params: object) -> Message:
    """A message for the editors: ``msgid`` is its English text, with ``{name}`` for each value."""
    return Message(msgid, tuple(params.items()))


@dataclass(frozen=True, slots=True)
class Language:
    """A language the messages are shown in, with its catalog."""

    code: str  # "zh" or "en"
    catalog: gettext.NullTranslations

    @classmethod
    def load(cls, code: str) -> Language:
        """The catalog of ``code`` ("zh" or "en"; English is the messages' own text)."""
        if code == "en":
            return cls("en", gettext.NullTranslations())
        return cls(code, gettext.translation(DOMAIN, LOCALE, languages=["zh_CN"]))

    def text(self, message: Message | str) -> str:
        """``message`` in this language; plain text stays as it is."""
        if not isinstance(message, Message):
            return message
        template = self.catalog.gettext(message.msgid)
        values = {name: self.text(value) if isinstance(value, Message) else value for name, value in message.params}
        return template.format_map(values) if values or "{" in template else template


ENGLISH = Language("en", gettext.NullTranslations())


def os_reason(exc: OSError) -> Message | str:
    """Why the system refused to read or write (no permission, a full disk), for editors; else its own words."""
    reasons = {
        errno.EACCES: _("permission denied"), errno.EPERM: _("permission denied"),
        errno.ENOENT: _("no such file or folder"), errno.ENOSPC: _("the disk is full"),
        errno.EROFS: _("the disk is read-only"), errno.EISDIR: _("it is a folder, not a file"),
        errno.ENOTDIR: _("a part of the path is a file, not a folder"), errno.EEXIST: _("it exists already"),
        errno.EADDRNOTAVAIL: _("this computer has no such address"),
    }
    return reasons.get(exc.errno, exc.strerror or str(exc)) if exc.errno is not None else exc.strerror or str(exc)


class SourceErrorLike(Protocol):
    def shown(self, language: Language) -> str: ...


def choose_language(flag: str | None, environ: Mapping[str, str] = os.environ) -> str:
    """The language of the messages: ``--lang``, else ``BULLETIN_LANG``, else Chinese (the editors' language).

    A value that is neither zh nor en (``zh-CN``, ``en_US.UTF-8``) counts by its first two letters;
    anything else is Chinese.
    """
    for value in (flag, environ.get(ENVIRONMENT)):
        code = (value or "").strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return "zh"


@dataclass(frozen=True, slots=True)
class Reporter:
    """Where a command shows what it has to say: ``out`` for results, ``err`` for problems, in ``language``."""

    out: object  # TextIO
    err: object  # TextIO
    language: Language

    def say(self, message: Message | str, *, end: str = "\n", flush: bool = False) -> None:
        """A result or progress line, on standard output."""
        print(self.language.text(message), end=end, file=self.out, flush=flush)  # type: ignore[call-overload]

    def tell(self, message: Message | str) -> None:
        """A line about the run itself (not about a source file), on standard error."""
        print(self.language.text(message), file=self.err, flush=True)  # type: ignore[call-overload]

    def fail(self, message: Message | str) -> None:
        """``bulletin: error: MESSAGE`` for a problem that is not in a source file (a usage error, the disk)."""
        self.tell(f"bulletin: error: {self.language.text(message)}")

    def warn(self, message: Message | str) -> None:
        """``bulletin: warning: MESSAGE`` for a warning that is not about a source file."""
        self.tell(f"bulletin: warning: {self.language.text(message)}")

    def problems(self, problems: Iterable[SourceErrorLike]) -> None:
        """Located problems, one line each (``PATH:LINE:COL: error: MESSAGE``), in the order given."""
        for problem in problems:
            print(problem.shown(self.language), file=self.err, flush=True)  # type: ignore[call-overload]
