"""Build: the pipeline from sources to output, top to bottom, and its render workers."""
