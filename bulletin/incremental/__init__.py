"""Incremental: everything that makes a rebuild small, behind one interface (``reuse.Reuse``).

``memo`` (what the preview read and parsed), ``bodies`` (converted Markdown), ``fingerprint`` and
``manifest`` (pages whose inputs did not change), ``stamp`` (a build with nothing to do) and ``search``
(the search index's shards) are its parts.
"""
