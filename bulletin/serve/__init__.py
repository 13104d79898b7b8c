"""Serve: the live preview, file watching and the error panel."""
