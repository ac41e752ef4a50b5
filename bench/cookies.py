"""Session cookies for the load test, made directly in the session store: the password
hasher bounds a real login (about 8 checks/s here), so each virtual user "logs in" once.
The gestionnaire's session also carries django_otp's DEVICE_ID_SESSION_KEY (the TOTP
device's persistent_id), which is what a successful second-factor check stores."""

from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django_otp import DEVICE_ID_SESSION_KEY


def session_cookie(user, device=None):
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    if device is not None:
        store[DEVICE_ID_SESSION_KEY] = device.persistent_id
    store.set_expiry(24 * 3600)  # outlive the whole run despite SESSION_COOKIE_AGE
    store.save()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"
