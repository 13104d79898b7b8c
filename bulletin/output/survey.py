"""The output's files and their statuses, listed by a process of its own while the build works.

A rebuild after one edit keeps some 26,000 files of the output as they are. Knowing that each is
still the file the last build wrote takes a look at its status: a folder listing and an ``lstat``
per file, about 0.3 s of system calls. In the build's own process they would hold up the pages or,
in a thread, wait for the interpreter's lock after every call. A small Python process of its own
makes them on the other core instead, from the moment the output is known not to change any more,
and the build reads its list when it needs it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import IO

# Run with ``python -I -S -c FOLDER PACKAGE_PARENT``: the folder's files as ``disk.files_below(top_dot_entries=False)``
# (of the build's own package) lists them, each followed by its lstat, fields ended by NUL; then END.
LISTER = r"""
import os, sys
sys.path.insert(0, sys.argv[2])
from bulletin.output.disk import files_below
out = sys.stdout.buffer
for rel in files_below(sys.argv[1], top_dot_entries=False):
    try:
        s = os.lstat(os.path.join(sys.argv[1], rel))
    except OSError:  # gone since listed
        continue
    out.write(b"%s\0%d\0%d\0%d\0%d\0%d\0" % (os.fsencode(rel), s.st_mode, s.st_ino, s.st_size, s.st_mtime_ns,
                                               s.st_ctime_ns))
out.write(b"END\0")
"""
PACKAGE_PARENT = Path(__file__).resolve().parents[2]  # where the lister finds this very package
FIELDS = 6  # path, mode, inode, size, mtime_ns, ctime_ns
NS = 1_000_000_000


class Survey:
    """A listing of ``folder`` under way in a process of its own."""

    def __init__(self, folder: Path) -> None:
        self.listing: IO[bytes] | None = None  # not a pipe: the lister never waits for the build to read
        self.process: subprocess.Popen[bytes] | None = None
        try:
            self.listing = tempfile.TemporaryFile()
            self.process = subprocess.Popen([sys.executable, "-I", "-S", "-c", LISTER, os.fspath(folder),
                                             os.fspath(PACKAGE_PARENT)],
                                            stdin=subprocess.DEVNULL, stdout=self.listing, stderr=subprocess.DEVNULL)
        except OSError:  # then the build looks itself
            self.stop()

    def result(self) -> dict[str, os.stat_result] | None:
        """Each file's status by its path relative to the folder; None when the listing failed or was stopped."""
        process, listing = self.process, self.listing
        self.process = None
        try:
            if process is None or listing is None or process.wait() != 0:
                return None
            listing.seek(0)
            return parse_listing(listing.read())
        except OSError:
            return None
        finally:
            self.stop()

    def stop(self) -> None:
        """End the listing, if it still runs, and throw it away."""
        process, listing = self.process, self.listing
        self.process = self.listing = None
        if process is not None:
            process.kill()
            process.wait()
        if listing is not None:
            listing.close()


def parse_listing(data: bytes) -> dict[str, os.stat_result] | None:
    """The statuses ``LISTER`` printed, as ``os.lstat`` gives them (what the lister does not print is 0); None
    unless the listing is whole."""
    fields = data.split(b"\0")
    if len(fields) % FIELDS != 2 or fields[-2:] != [b"END", b""]:
        return None
    del fields[-2:]
    names = map(os.fsdecode, fields[0::FIELDS])
    modes, inodes, sizes, mtimes, ctimes = (map(int, fields[at::FIELDS]) for at in range(1, FIELDS))
    return {name: os.stat_result((mode, inode, 0, 0, 0, 0, size, 0, mtime // NS, ctime // NS,
                                  0.0, mtime / NS, ctime / NS, 0, mtime, ctime))
            for name, mode, inode, size, mtime, ctime in zip(names, modes, inodes, sizes, mtimes, ctimes)}
