"""Reading PostgreSQL's ``timestamptz`` values at the speed of psycopg's compiled loader.

Django (5.2, ``backends/postgresql/psycopg_any.py``) registers its own loader for ``timestamptz``: a
Python subclass of psycopg's pure-Python loader that parses the text and then sets the connection's
time zone on the result. It replaces psycopg's compiled loader even when psycopg's C implementation is
installed (``psycopg[binary]``), and costs ~3 µs a value: about a millisecond on an inbox page of fifty
dossiers and their to-do, with three or four dates each.

``use_compiled_timestamptz_loader`` registers, on each new connection, a loader with Django's result
(the datetime with ``tzinfo`` replaced by the connection's time zone, naive when ``USE_TZ`` is off)
whose parsing is psycopg's compiled loader: ~1 µs a value. It keeps Django's ``timezone`` attribute,
which Django compares on every cursor to decide whether to register its own loader again. With
psycopg's pure-Python implementation it registers nothing (Django's loader is then as fast as any).
"""

from functools import cache

TIMESTAMPTZ = "timestamptz"


@cache
def _compiled_loader():
    """psycopg's own loader class for ``timestamptz`` text, when it is the compiled one; else None."""
    import psycopg
    from psycopg.pq import Format

    if psycopg.pq.__impl__ == "python":
        return None
    oid = psycopg.postgres.types[TIMESTAMPTZ].oid
    return psycopg.adapters.get_loader(oid, Format.TEXT)


@cache
def loader_for(tz):
    """The loader class for connections whose Django time zone is ``tz`` (one class per zone, as
    Django makes them), or None when psycopg has no compiled loader."""
    from psycopg.adapt import Loader

    compiled = _compiled_loader()
    if compiled is None:
        return None

    class CompiledTimestamptzLoader(Loader):
        timezone = tz

        def __init__(self, oid, context=None):
            super().__init__(oid, context)
            self._parse = compiled(oid, context).load

        def load(self, data):
            # Django's rule: the instant in the session's time zone, labelled with Django's zone.
            return self._parse(data).replace(tzinfo=tz)

    return CompiledTimestamptzLoader


def use_compiled_timestamptz_loader(sender, connection, **kwargs) -> None:
    """``connection_created`` receiver: on a PostgreSQL connection opened with psycopg 3, read
    ``timestamptz`` with ``loader_for(connection.timezone)``."""
    if connection.vendor != "postgresql" or not hasattr(connection.connection, "adapters"):
        return  # SQLite, or psycopg2 (which parses timestamps in C already)
    loader = loader_for(connection.timezone)
    if loader is not None:
        connection.connection.adapters.register_loader(TIMESTAMPTZ, loader)
