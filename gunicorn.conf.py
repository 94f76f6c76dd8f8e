"""gunicorn reads this file from the working directory (`gunicorn config.wsgi`).

The access log keeps no client address, no user agent and no referrer: an anonymous friction
reporter must not be traceable through the logs, and these are what would trace them.

Threaded workers (gthread). The receipt page answers no sooner than a floor (0.25 s) so codes
cannot be told apart by timing; in a sync worker that wait held the whole process, and a dozen
receipt checks a second stalled the site. In a thread it holds one thread and no CPU. The
numbers: 3 processes (about one per core of the production machine, as before) × 8 threads = 24
requests at once. The receipt limit (300 a minute, frictions/ratelimit.py) keeps its waits to
about 1.3 threads on average, so over 20 stay free for pages; 24 database connections stay far
below PostgreSQL's default 100 beside the worker's. Django's ORM and our code keep no
per-process state that threads would share unsafely (connections are per thread).
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
timeout = 30
accesslog = "-"
# No response size: the page after a named filing and the one after an anonymous filing differ
# in length, and the log would tell them apart.
access_log_format = '%(t)s "%(r)s" %(s)s %(M)sms'
