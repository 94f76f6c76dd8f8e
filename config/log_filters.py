"""Logging filters named by LOGGING in config/settings/base.py."""

import logging

from django.core.exceptions import PermissionDenied


class DenialOneLine(logging.Filter):
    """A refused request (PermissionDenied) is one line: method, path and status.

    Django logs every 403 as a warning with the exception's full traceback, which buries real
    errors under expected refusals. The denial is not an error, so the traceback goes; who asked
    (user, address) is never added, as nothing else in our logs names a requester."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc_info = record.exc_info
        if exc_info and isinstance(exc_info[1], PermissionDenied):
            request = getattr(record, "request", None)
            method = getattr(request, "method", "-")
            path = record.args[0] if record.args else "-"
            status = getattr(record, "status_code", 403)
            record.msg = "Forbidden (permission denied): %s %s %s"
            record.args = (method, path, status)
            record.exc_info = None
            record.exc_text = None
        return True
