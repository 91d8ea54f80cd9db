"""``database_work()`` (tests/support/browser.py) leaves no connection behind in the thread's async
context: one left there was inherited by a later ``asyncio.run`` long after the database had cut it
off, and failed an unrelated test on PostgreSQL."""

import asyncio

from django.db import connection

from tests.support.browser import database_work


def test_the_connection_opened_under_a_running_loop_is_closed_at_the_end_of_the_block(transactional_db):
    async def under_the_loop():
        with database_work():
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            opened = connection.connection is not None
        return opened, connection.connection is None

    assert asyncio.run(under_the_loop()) == (True, True)
