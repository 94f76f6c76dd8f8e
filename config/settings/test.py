"""The test suite: SQLite in memory unless DATABASE_URL is set, fast hashing, no real e-mail.

Celery still goes through a real broker (Redis when REDIS_URL is set, otherwise the filesystem
transport in a throwaway folder); tests that want a task to run start a real worker.
"""

import os
import tempfile
import uuid
from pathlib import Path

# A throwaway folder for the filesystem broker; base derives its queue, control and results
# folders from this, as it does from var/celery for the demo.
os.environ["CELERY_FILESYSTEM_DIR"] = tempfile.mkdtemp(prefix="proximity-celery-")

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY", default="test-only-key-6f1d3e0b9a2c4b7e8d5f")
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# Each test process gets its own queue, so messages never leak between runs sharing one Redis.
CELERY_TASK_DEFAULT_QUEUE = f"proximity-test-{uuid.uuid4().hex[:12]}"
CELERY_BEAT_SCHEDULE_FILENAME = str(Path(tempfile.gettempdir()) / "proximity-test-beat")

# Serve static files straight from the source folders; tests never run collectstatic.
WHITENOISE_USE_FINDERS = True
FRICTION_RECEIPT_MIN_SECONDS = 0  # the timing floor is measured by bench/receipt_timing.py
WHITENOISE_AUTOREFRESH = True
