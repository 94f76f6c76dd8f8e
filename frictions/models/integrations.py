"""Contact-centre tools allowed to use the API."""

from django.conf import settings
from django.db import models

USER = settings.AUTH_USER_MODEL


class ApiIntegration(models.Model):
    """A contact-centre tool allowed to use the API. Its token is shown once when issued; only
    its hash is kept. Revoking it stops it at once."""

    name = models.CharField(max_length=100, unique=True)
    key_hash = models.CharField(max_length=64, unique=True)
    key_prefix = models.CharField(
        max_length=8, help_text="The token's first characters, to tell tokens apart."
    )
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
