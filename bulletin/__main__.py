"""``python -m bulletin``: the same as the ``bulletin`` command."""

from .cli import main

raise SystemExit(main())
