"""congso — the e-government platform of a Vietnamese province (công sở / cổng số).

One Django app per building block of ../shared/DESIGN.md lives under this package; the map of how
they fit together is docs/architecture.md.
"""

__version__ = "0.1.0"
