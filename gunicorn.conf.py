"""gunicorn reads this file from the working directory (`gunicorn config.wsgi`).

The access log keeps no client address, no user agent and no referrer: an anonymous friction
reporter must not be traceable through the logs, and these are what would trace them.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
accesslog = "-"
access_log_format = '%(t)s "%(r)s" %(s)s %(b)s %(M)sms'
