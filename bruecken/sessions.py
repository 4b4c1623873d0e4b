"""The session engine with Redis (settings.SESSION_ENGINE): Django's cached_db, read from the
cache and written to both, except that deleting a session (signing out) deletes the cached copy
before the database row. Django deletes the row first: with Redis down, signing out then
answers 503 with the row gone and the cached copy kept, which signs the user in again once Redis
is back. Cache first, an unreachable cache leaves the session whole in both places: the sign-out
fails visibly and can be repeated."""

import logging

from django.contrib.sessions.backends import cached_db
from django.contrib.sessions.backends.db import SessionStore as DBStore

logger = logging.getLogger(__name__)
FAILED_AGAIN = "Error deleting a session from the cache again (%s)"


class SessionStore(cached_db.SessionStore):
    def delete(self, session_key=None):
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        key = self.cache_key_prefix + session_key
        self._cache.delete(key)  # raises while the cache is unreachable: nothing deleted yet
        DBStore.delete(self, session_key)
        self._delete_again(key)

    async def adelete(self, session_key=None):
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        key = self.cache_key_prefix + session_key
        await self._cache.adelete(key)
        await DBStore.adelete(self, session_key)
        try:
            await self._cache.adelete(key)  # as in delete()
        except Exception:
            logger.exception(FAILED_AGAIN, self._cache)

    def _delete_again(self, key):
        # A request of the same session may have read the row back into the cache between the
        # two deletes. The row is gone by now, so a failure here only leaves that rare copy.
        try:
            self._cache.delete(key)
        except Exception:
            logger.exception(FAILED_AGAIN, self._cache)
