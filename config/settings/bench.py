"""`make bench`: production settings served over plain HTTP on 127.0.0.1, plus one bare view.

Everything that costs time in production stays: DEBUG off, persistent connections, the cached
template loader (Django's default when DEBUG is off), hashed static files, the whole middleware.
Only what needs HTTPS goes (the bench talks to gunicorn directly), and the URL conf adds
/bench/bare/, the yardstick every page is measured against.
"""

from .production import *  # noqa: F403

ROOT_URLCONF = "config.urls_bench"
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
