"""The session store the anonymous channel needs: Django's database sessions, with the expiry
kept to the hour.

A session row's expire_date is the moment it was last saved (at sign-in) plus the session's age,
to the microsecond: read back, it says when its person signed in, to the second — next to a
report kept to the hour. Rounded up to the next hour, it says no more than the hour (and a
session lives at most an hour longer). Nothing on the filing path saves the session, so it
never dates a filing (frictions/tests/test_anonymity.py checks both).
"""

from datetime import timedelta

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore


class SessionStore(DatabaseSessionStore):
    def create_model_instance(self, data):
        instance = super().create_model_instance(data)
        expiry = instance.expire_date
        floor = expiry.replace(minute=0, second=0, microsecond=0)
        instance.expire_date = floor if floor == expiry else floor + timedelta(hours=1)
        return instance
