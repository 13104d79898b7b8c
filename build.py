#!/usr/bin/env python3
"""Build, check or preview the site: ``python build.py [build|check|serve|import|new] [options]``."""

from bulletin.cli import main

raise SystemExit(main())
