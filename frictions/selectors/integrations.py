"""Reads of the API integrations."""

from django.db.models import QuerySet

from ..models import ApiIntegration


def api_integration_list() -> QuerySet[ApiIntegration]:
    """Every integration, by name, with who issued its token."""
    return ApiIntegration.objects.select_related("created_by")
