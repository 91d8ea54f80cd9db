"""Sessions stored in the database, read by a named query (``SESSION_ENGINE``).

Every signed-in request reads its session row, so that read is one written-out statement instead of a
queryset built and compiled anew each time (``core.rows``). The row, the expiry rule and everything
else (saving, cycling the key on sign-in, clearing expired rows) are Django's own database sessions.
"""

from django.contrib.sessions.backends import db
from django.utils import timezone

from congso.core import rows


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        """The unexpired session row of ``session_key``, or None (and the key dropped), as Django's."""
        from django.db import connections

        model = self.model
        connection = connections[model.objects.db]
        table = connection.ops.quote_name(model._meta.db_table)
        # S608: the table and its columns are the model's own names; the key and the moment are parameters.
        sql = (
            f"SELECT {rows.columns(model, model._meta.db_table, connection)} FROM {table} "  # noqa: S608
            "WHERE session_key = %s AND expire_date > %s"
        )
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.session_key, now])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        return rows.instance(model, row, connection=connection)
