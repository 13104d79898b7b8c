"""bulletin: a static site generator for progress bulletins."""

__version__ = "0.1.0"
