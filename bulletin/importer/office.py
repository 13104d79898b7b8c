"""Old Word (.doc), WPS (.wps) and PDF files, converted to .docx with LibreOffice when it is installed.

``soffice --headless --convert-to docx`` does the converting, in a profile of its own (so that a
LibreOffice the editor has open does not swallow the request) and with a time limit. PDF is read
into Writer (``writer_pdf_import``): each line of the page becomes a text box, which the .docx
reader reads in order. Without LibreOffice, such a file is refused with what to do instead.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..messages import _
from .document import ReadError

CONVERTED = (".doc", ".wps", ".pdf")
TIMEOUT = 180  # seconds; a long document converts in a few
WINDOWS_PLACES = ("C:/Program Files/LibreOffice/program/soffice.exe",
                  "C:/Program Files (x86)/LibreOffice/program/soffice.exe")


def soffice() -> str | None:
    """LibreOffice's command: on PATH, or where its Windows installer puts it; None when it is not installed."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    return next((place for place in WINDOWS_PLACES if os.name == "nt" and Path(place).is_file()), None)


def convert_to_docx(path: Path) -> bytes:
    """The bytes of ``path`` (.doc, .wps or .pdf) converted to .docx; ReadError when that cannot be done."""
    command = soffice()
    if command is None:
        raise ReadError(_('cannot read a "{kind}" file without LibreOffice: open it in Word or WPS, save it as .docx '
                          "(文件 → 另存为 → Word 文档 .docx), and import that", kind=path.suffix.lower()))
    with tempfile.TemporaryDirectory(prefix="bulletin-import-") as work:
        folder = Path(work)
        arguments = [command, "--headless", "--norestore", f"-env:UserInstallation={(folder / 'profile').as_uri()}"]
        if path.suffix.lower() == ".pdf":
            arguments.append("--infilter=writer_pdf_import")
        arguments += ["--convert-to", "docx", "--outdir", str(folder / "out"), str(path.resolve())]
        try:
            subprocess.run(arguments, capture_output=True, timeout=TIMEOUT, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise ReadError(_("LibreOffice could not convert the file ({why}); open it in Word or WPS and save it as "
                              ".docx", why=str(exc))) from None
        converted = folder / "out" / (path.stem + ".docx")
        if not converted.is_file():
            raise ReadError(_("LibreOffice could not convert the file (is it damaged, or protected by a password?); "
                              "open it in Word or WPS and save it as .docx"))
        return converted.read_bytes()
