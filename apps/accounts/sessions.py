"""Database sessions whose expiry is written at most once a minute.

An idle session ends SESSION_COOKIE_AGE after the user's last request: every request pushes the
expiry forward (SESSION_SAVE_EVERY_REQUEST). Django's `db` engine writes that new expiry on every
request, so every page paid a transaction of its own (BEGIN, UPDATE, COMMIT and its flush to disk)
for a date that moved by seconds.

This engine writes a session that the request did not change only when the stored expiry is
SESSION_RENEW_SECONDS or more behind the new one. So an idle session ends between
SESSION_COOKIE_AGE - SESSION_RENEW_SECONDS and SESSION_COOKIE_AGE after the last request, never
later; anything written into the session (a sign-in, a verified second factor, a changed password's
hash) is saved at once, as before.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import UpdateError


class SessionStore(db.SessionStore):
    _stored_expiry = None

    def _get_session_from_db(self):
        stored = super()._get_session_from_db()
        self._stored_expiry = stored.expire_date if stored else None
        return stored

    def save(self, must_create=False):
        if not must_create and self.session_key is not None:
            self._get_session()  # a request that never read its session loads it here, as Django's save does
            if self.session_key is None:
                # The cookie's session is gone (expired, signed out elsewhere): Django's save refuses
                # it the same way (the middleware answers 400) instead of starting an empty session.
                raise UpdateError
            if not self.modified and self._renewal_can_wait():
                return
        super().save(must_create=must_create)

    def _renewal_can_wait(self) -> bool:
        if self._stored_expiry is None:
            return False
        behind = self.get_expiry_date() - self._stored_expiry
        return behind < timedelta(seconds=settings.SESSION_RENEW_SECONDS)
