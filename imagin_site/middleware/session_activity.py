"""Sessions expire after SESSION_COOKIE_AGE without activity, without a database write on
every request: an active session is saved again (which pushes its expiry back) at most once
per TOUCH_SECONDS, so the inactivity limit holds to within that margin."""

import time

from django.conf import settings

TOUCH_SECONDS = 60
LAST_TOUCH_KEY = "_last_touch"


class SessionActivityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # Only a session that already exists and was loaded: never create one for an
        # anonymous visitor, never load one just to touch it.
        if (
            session is not None
            and request.COOKIES.get(settings.SESSION_COOKIE_NAME)
            and session.accessed
            and session.session_key
            and not session.is_empty()
        ):
            now = int(time.time())
            if now - session.get(LAST_TOUCH_KEY, 0) >= TOUCH_SECONDS:
                session[LAST_TOUCH_KEY] = now
        return response
