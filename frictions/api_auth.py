"""How API callers authenticate, a per-integration token (`Authorization: Bearer <token>`),
and how often each integration may call (a throttle keyed by the integration).

Kept apart from the API's views because settings name these classes, and rest_framework.views
reads the settings when it is imported.
"""

import hashlib

from django.utils import timezone
from rest_framework import authentication, exceptions, permissions, throttling
from rest_framework.settings import api_settings

from .models import ApiIntegration

UNKNOWN_KEY_MESSAGE = "Unknown or revoked token."


def api_key_hash(key: str) -> str:
    return hashlib.sha256(key.strip().encode()).hexdigest()


class Integration:
    """Who `request.user` is on the API: a tool, not a person."""

    is_authenticated = True
    is_anonymous = False

    def __init__(self, integration: ApiIntegration):
        self.integration = integration

    def __str__(self) -> str:
        return self.integration.name


class IntegrationTokenAuthentication(authentication.BaseAuthentication):
    keywords = ("bearer", "token")

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode(errors="replace")
        parts = header.split()
        if not parts or parts[0].lower() not in self.keywords:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(UNKNOWN_KEY_MESSAGE)
        integration = ApiIntegration.objects.filter(
            key_hash=api_key_hash(parts[1]), revoked_at__isnull=True
        ).first()
        if integration is None:
            raise exceptions.AuthenticationFailed(UNKNOWN_KEY_MESSAGE)
        today = timezone.localdate()
        if integration.last_used_on != today:
            ApiIntegration.objects.filter(pk=integration.pk).update(last_used_on=today)
        return Integration(integration), integration

    def authenticate_header(self, request):
        return 'Bearer realm="proximity"'


class IsIntegration(permissions.BasePermission):
    def has_permission(self, request, view):
        return isinstance(request.auth, ApiIntegration)


class IntegrationRateThrottle(throttling.SimpleRateThrottle):
    """Each integration's own budget of requests (REST_FRAMEWORK's rate for "integration"),
    counted in Django's default cache; past it, 429 with Retry-After. One integration gone
    wrong cannot flood the others out. Requests without a token are refused (401) before this
    counts them."""

    scope = "integration"

    def get_rate(self):
        # Read when a request comes, not when the class is defined, so settings changes hold.
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]

    def get_cache_key(self, request, view):
        if not isinstance(request.auth, ApiIntegration):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}
