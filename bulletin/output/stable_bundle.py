"""Pagefind's bundle made the same from the same records, whatever the process that made it.

Pagefind writes each filter's values, and the list of filters in its meta file, in the order of a
Rust hash map, which is new in every process (Pagefind/pagefind#638): the same records give other
bytes, and other file names, on every cold build. ``stabilize`` sorts both lists and renames the
files after their new bytes, the references to them with them. It reads only the few structures it
changes; a file that does not read back to exactly its own bytes, or whose structure is not the one
expected, is left as Pagefind wrote it (the bundle then works as before, only not byte for byte).
"""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

HEADER = b"pagefind_dcd"  # what each of Pagefind's decompressed data files starts with
ENTRY = "pagefind-entry.json"


class Unexpected(Exception):
    """A file that is not in the form this module knows."""


def stabilize(folder: Path) -> bool:
    """Sort the filters of the bundle in ``folder`` and name its files after their bytes; False (nothing
    changed) when its files are not in the form expected."""
    entry_path = folder / ENTRY
    try:
        entry = json.loads(entry_path.read_text(encoding="utf-8"))
        renames = {}
        for language, about in entry["languages"].items():
            renames[language] = _stabilize_language(folder, language, about["hash"])
    except (OSError, ValueError, KeyError, TypeError, IndexError, Unexpected):
        return False
    for language, (meta_hash, files) in renames.items():
        for old, (new, data) in files.items():
            (folder / new).write_bytes(data)
            if old != new:
                (folder / old).unlink()
        entry["languages"][language]["hash"] = meta_hash
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    return True


def _stabilize_language(folder: Path, language: str, meta_hash: str) -> tuple[str, dict[str, tuple[str, bytes]]]:
    """The new name of a language's meta file, and each file to write: old name -> (new name, bytes)."""
    meta_name = f"pagefind.{meta_hash}.pf_meta"
    meta = _read(folder / meta_name)
    if not (isinstance(meta, list) and len(meta) > 3 and isinstance(meta[3], list)):
        raise Unexpected(meta_name)
    files: dict[str, tuple[str, bytes]] = {}
    filters = []
    for pair in meta[3]:
        if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(p, str) for p in pair)):
            raise Unexpected(meta_name)
        name, hash_ = pair
        old = f"filter/{hash_}.pf_filter"
        values = _read(folder / old)
        if not (isinstance(values, list) and len(values) == 2 and isinstance(values[1], list)
                and all(isinstance(v, list) and v and isinstance(v[0], str) for v in values[1])):
            raise Unexpected(old)
        data = _write(values[:1] + [sorted(values[1], key=lambda v: v[0])])
        new_hash = f"{language}_{hashlib.sha256(data).hexdigest()[:7]}"
        files[old] = (f"filter/{new_hash}.pf_filter", data)
        filters.append([name, new_hash])
    data = _write(meta[:3] + [sorted(filters)] + meta[4:])
    new_meta_hash = f"{language}_{hashlib.sha256(data).hexdigest()[:11]}"
    files[meta_name] = (f"pagefind.{new_meta_hash}.pf_meta", data)
    return new_meta_hash, files


def _read(path: Path) -> object:
    """A data file's content, checked to read back to exactly its bytes."""
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(HEADER):
        raise Unexpected(path.name)
    value, end = _decode(data, len(HEADER))
    if end != len(data) or _encode(value) != data[len(HEADER):]:
        raise Unexpected(path.name)
    return value


def _write(value: object) -> bytes:
    return gzip.compress(HEADER + _encode(value), compresslevel=9, mtime=0)


# -- the part of CBOR (RFC 8949) that Pagefind's index files use: unsigned integers, text and arrays --------

def _decode(data: bytes, at: int) -> tuple[object, int]:
    major, count, at = _head(data, at)
    if major == 0:
        return count, at
    if major == 3:
        return data[at:at + count].decode("utf-8"), at + count
    if major == 4:
        items = []
        for _ in range(count):
            item, at = _decode(data, at)
            items.append(item)
        return items, at
    raise Unexpected(f"CBOR major type {major}")


def _head(data: bytes, at: int) -> tuple[int, int, int]:
    first = data[at]
    major, info = first >> 5, first & 0x1F
    if info < 24:
        return major, info, at + 1
    if info > 27:
        raise Unexpected(f"CBOR additional information {info}")
    size = 1 << (info - 24)
    return major, int.from_bytes(data[at + 1:at + 1 + size], "big"), at + 1 + size


def _encode(value: object) -> bytes:
    if isinstance(value, bool) or not isinstance(value, (int, str, list)):
        raise Unexpected(type(value).__name__)
    if isinstance(value, int):
        return _encode_head(0, value)
    if isinstance(value, str):
        text = value.encode("utf-8")
        return _encode_head(3, len(text)) + text
    return _encode_head(4, len(value)) + b"".join(_encode(item) for item in value)


def _encode_head(major: int, count: int) -> bytes:
    if count < 0:
        raise Unexpected("negative integer")
    if count < 24:
        return bytes([major << 5 | count])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if count < 1 << (8 * size):
            return bytes([major << 5 | info]) + count.to_bytes(size, "big")
    raise Unexpected("integer too large")
