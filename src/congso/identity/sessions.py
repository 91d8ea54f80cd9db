"""Sessions stored in the database, read by a named query (``SESSION_ENGINE``).

Every signed-in request reads its session row, so that read is one written-out statement instead of a
queryset built and compiled anew each time (``core.rows``). The row, the expiry rule and everything
else (saving, cycling the key on sign-in, clearing expired rows) are Django's own database sessions.
"""

from django.contrib.sessions.backends import db
from django.db import connections
from django.utils import timezone

from congso.core import rows


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        """The unexpired session row of ``session_key``, or None (and the key dropped), as Django's."""
        connection = connections[self.model.objects.db]
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        found = rows.read(
            self.model,
            "session_key = %s AND expire_date > %s",
            [self.session_key, now],
            connection=connection,
        )
        if not found:
            self._session_key = None
            return None
        return found[0]
