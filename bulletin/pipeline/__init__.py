"""Pipeline: the build from sources to output, top to bottom (``build``), its emission of pages and its workers."""
