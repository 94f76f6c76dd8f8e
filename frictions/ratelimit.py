"""A rate limit on the receipt page's POST that keeps no address and no person.

The receipt page answers no sooner than a floor (so codes cannot be told apart by timing), and
each answer holds a gunicorn thread for that long. Two counters in the cache bound how many such
answers there can be, and neither knows who asked:

- per code, by a keyed hash of the code as typed (spaces, dashes and case aside): someone
  hammering one report's code;
- for everyone: someone trying many codes, which no per-code count sees.

Over either, the answer is 429 at once, before the floor, so refused requests hold no thread.
The counts are taken before the code is looked up, so a 429 says nothing about whether a code
exists. The global count is the price of keeping no address: a flood delays real reporters by
a minute, rather than anyone being traced. Counters live in the default cache, Redis in
production (shared by every process); locmem otherwise, where each process counts its own.
"""

import hashlib
import hmac
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse

RATE_LIMITED_MESSAGE = "Too many receipt checks just now. Wait a minute and try again."


def _code_key(code: str) -> str:
    normalized = "".join(c for c in code.upper() if c.isalnum())
    # Keyed, and not the stored receipt hash: whoever reads the cache cannot match its keys to
    # reports.
    digest = hmac.new(settings.SECRET_KEY.encode(), normalized.encode(), hashlib.sha256)
    return f"receipt-rate:code:{digest.hexdigest()[:32]}"


def _count(key: str, window: int) -> int:
    """How many times `key` was counted in the current window of `window` seconds, this one
    included. add and incr are atomic in Redis and in locmem."""
    window_key = f"{key}:{int(time.time() // window)}"
    if cache.add(window_key, 1, timeout=window + 1):
        return 1
    try:
        return cache.incr(window_key)
    except ValueError:  # the window ended between add and incr
        cache.add(window_key, 1, timeout=window + 1)
        return 1


def receipt_rate_limited(request) -> bool:
    """Count this receipt POST; True when it is over the per-code or the global limit."""
    over_global = (
        _count("receipt-rate:all", settings.FRICTION_RECEIPT_RATE_GLOBAL_WINDOW)
        > settings.FRICTION_RECEIPT_RATE_GLOBAL
    )
    code = request.POST.get("code", "")
    over_code = bool(code) and (
        _count(_code_key(code), settings.FRICTION_RECEIPT_RATE_CODE_WINDOW)
        > settings.FRICTION_RECEIPT_RATE_PER_CODE
    )
    return over_global or over_code


def receipt_rate_limit(view):
    """Answer a receipt POST over the limits with 429 and a plain message, at once."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "POST" and receipt_rate_limited(request):
            response = HttpResponse(
                RATE_LIMITED_MESSAGE, status=429, content_type="text/plain; charset=utf-8"
            )
            response["Retry-After"] = str(settings.FRICTION_RECEIPT_RATE_GLOBAL_WINDOW)
            return response
        return view(request, *args, **kwargs)

    return wrapper
