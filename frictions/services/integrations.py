"""Tokens for contact-centre tools: issued by the CX lead, shown once, stored as a hash."""

import secrets

from django.db import transaction
from django.utils import timezone

from accounts.models import User

from ..api_auth import api_key_hash
from ..models import ApiIntegration


@transaction.atomic
def api_integration_issue(*, name: str, by: User) -> tuple[ApiIntegration, str]:
    """A new integration and its token, returned once (only the hash is kept)."""
    key = secrets.token_urlsafe(32)
    integration = ApiIntegration(
        name=name.strip(), key_hash=api_key_hash(key), key_prefix=key[:6], created_by=by
    )
    integration.full_clean()
    integration.save()
    return integration, key


def api_integration_revoke(*, integration: ApiIntegration) -> None:
    """Stop a token working; revoking twice keeps the first time."""
    if integration.revoked_at is None:
        integration.revoked_at = timezone.now()
        integration.save(update_fields=["revoked_at"])
