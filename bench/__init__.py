"""Benchmark of bulletin (and, where installed, Hugo on the same bulletins): ``bench/run`` or ``python -m bench``.

Results go to bench/RESULTS.md; ``python -m bench --help`` lists the options.
"""
