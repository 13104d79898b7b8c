"""Incremental: everything that makes a rebuild small (parse memory, body cache, fingerprints, manifest, stamp)."""
