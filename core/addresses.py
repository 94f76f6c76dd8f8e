"""An object's address by its primary key, with the address pattern reversed once.

Django's `reverse()` walks the URL patterns on every call: about 70 µs, which on the friction
board (50 reports, each linked) was 3.6 ms of the page. Addresses of one view differ only by the
key, so the view's address is reversed once with a marker key, and each object's key is put in
the marker's place. The cache is keyed on what `reverse()` itself reads: the URL conf in force
(a test's `override_settings(ROOT_URLCONF=…)`, a request's `urlconf`) and the script prefix.
"""

import functools

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

# A key no object has: digits, so that `<int:pk>` accepts it; long, so that nothing else in an
# address can hold it.
_MARKER = "918273645546372819"


def reverse_pk(viewname: str, pk: int) -> str:
    """The address of `viewname` for the object `pk` (a view taking one `pk` argument)."""
    head, tail = _around_key(viewname, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())
    return f"{head}{int(pk)}{tail}"


@functools.lru_cache(maxsize=256)
def _around_key(viewname: str, urlconf: str, prefix: str) -> tuple[str, str]:
    head, _, tail = reverse(viewname, kwargs={"pk": int(_MARKER)}, urlconf=urlconf).partition(
        _MARKER
    )
    return head, tail
