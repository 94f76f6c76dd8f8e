"""Query expressions the apps share."""

from django.db.models import Count, IntegerField, QuerySet, Subquery
from django.db.models.functions import Coalesce


def counted(rows: QuerySet, by: str) -> Coalesce:
    """How many of `rows` (filtered on an OuterRef to the outer row) there are, as a scalar
    subquery grouped by `by` (the field the filter joins on), 0 when none: an expression to
    annotate or update with. Counting over a join instead multiplies the outer rows (a
    many-to-many fan-out) and groups them all, which is what made the decision log take
    seconds and an executive's journeys read every unfinished one."""
    per_row = rows.order_by().values(by).annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(per_row, output_field=IntegerField()), 0)
