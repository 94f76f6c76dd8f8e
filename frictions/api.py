"""The REST API for contact-centre tools: file a friction report, list reports to sync them, and
read one's status.

Each tool authenticates with its own token (`Authorization: Bearer <token>`), issued by the CX
lead, and has its own rate (REST_FRAMEWORK's "integration" rate, 60 a minute unless
PROXIMITY_API_RATE says otherwise); past it the answer is 429. Anonymous filing through the API is
as safe as in the browser: the same service writes the report, with no reporter, and nothing about
the calling tool or request is stored with it.

Filing answers at once, with no floor like the browser's: the answer itself says which kind it
was (201 with the report, 202 with a receipt code), to the tool and in the access log's status,
so waiting would hide nothing and would only hold a thread.

The API cannot speak for someone: a named report may name only an active frontline agent (who
holds the frontline role and no other, and is not an administrator). A tool cannot file in the
name of an executive, the CX lead or a superuser; they file in Proximity itself.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.extensions import OpenApiAuthenticationExtension, OpenApiSerializerExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import exceptions, serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import FrontlineTeam
from accounts.roles import Role

from .models import Area, Severity, Status
from .selectors import (
    TIMELINE_LINES,
    friction_api_list,
    friction_report_for,
    friction_timeline,
)
from .services import anonymous_release_by, friction_report_file

User = get_user_model()

ANONYMOUS_WITH_REPORTER_MESSAGE = "Leave reporter_email out to file anonymously."
REPORTER_REQUIRED_MESSAGE = "Give the reporter's e-mail address, or set anonymous to true."
UNKNOWN_REPORTER_MESSAGE = "No active frontline agent has this e-mail address in Proximity."


class IntegrationTokenScheme(OpenApiAuthenticationExtension):
    """Tells the OpenAPI schema how callers authenticate."""

    target_class = "frictions.api_auth.IntegrationTokenAuthentication"
    name = "integrationToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A token the CX lead issued for this integration.",
        }


def frontline_agent_by_email(email: str):
    """The active frontline agent with this address, with their team, or None. Rule: only
    someone holding the frontline role and no other, and no administrator, can be named by a
    tool. One query whoever the address belongs to, so that the time of the answer says no
    more than the answer about who else works here."""
    others = [role for role in Role.values if role != Role.FRONTLINE]
    agents = (
        User.objects.select_related("frontline_team")
        .filter(
            email__iexact=email,
            is_active=True,
            is_superuser=False,
            is_staff=False,
            groups__name=Role.FRONTLINE,
        )
        .exclude(groups__name__in=others)
        .distinct()
    )
    return agents.first()


class FrictionCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(help_text="What happens to customers.")
    area = serializers.ChoiceField(choices=Area.choices)
    channel = serializers.ChoiceField(choices=FrontlineTeam.Channel.choices)
    customers_per_week = serializers.IntegerField(min_value=0, max_value=10_000_000)
    severity = serializers.ChoiceField(choices=Severity.choices)
    policy_reference = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    team = serializers.SlugRelatedField(
        slug_field="name",
        queryset=FrontlineTeam.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text="The frontline team's name.",
    )
    anonymous = serializers.BooleanField(default=False)
    reporter_email = serializers.EmailField(
        required=False,
        help_text=(
            "The frontline agent filing it (an active agent; nobody else can be named). "
            "Required unless anonymous is true; must be left out when it is."
        ),
    )

    def validate(self, data):
        email = data.get("reporter_email")
        if data["anonymous"]:
            if email:
                raise serializers.ValidationError(
                    {"reporter_email": ANONYMOUS_WITH_REPORTER_MESSAGE}
                )
            return data
        if not email:
            raise serializers.ValidationError({"reporter_email": REPORTER_REQUIRED_MESSAGE})
        reporter = frontline_agent_by_email(email)
        if reporter is None:
            # The same answer for "nobody" and "not a frontline agent": the API tells a tool
            # nothing about who else works here.
            raise serializers.ValidationError({"reporter_email": UNKNOWN_REPORTER_MESSAGE})
        data["reporter"] = reporter
        return data


class FrictionCreateSchema(OpenApiSerializerExtension):
    """States the rule for reporter_email in the schema: required unless anonymous, forbidden
    when anonymous (exactly one of the two shapes)."""

    target_class = FrictionCreateSerializer

    def map_serializer(self, auto_schema, direction):
        schema = super().map_serializer(auto_schema, direction)
        # The branches keep their conditions under "not", where drf-spectacular's enum hook
        # does not reach (it would merge the two enums into one component).
        is_anonymous = {"properties": {"anonymous": {"enum": [True]}}, "required": ["anonymous"]}
        schema["oneOf"] = [
            {"title": "Named", "required": ["reporter_email"], "not": is_anonymous},
            {
                "title": "Anonymous",
                "not": {"anyOf": [{"required": ["reporter_email"]}, {"not": is_anonymous}]},
            },
        ]
        return schema


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


class FrictionCreateErrorsSerializer(serializers.Serializer):
    """A refused filing: the messages by field, or `detail` when the body is not JSON."""

    detail = serializers.CharField(required=False, help_text="The body could not be read.")
    non_field_errors = serializers.ListField(child=serializers.CharField(), required=False)

    def get_fields(self):
        fields = super().get_fields()
        for name in FrictionCreateSerializer().fields:
            fields[name] = serializers.ListField(child=serializers.CharField(), required=False)
        return fields


UNAUTHORISED = OpenApiResponse(
    ErrorSerializer, description="No token, or an unknown or revoked one."
)
THROTTLED = OpenApiResponse(
    ErrorSerializer,
    description="This integration has used its rate; try again after Retry-After seconds.",
)


class FrictionListErrorsSerializer(serializers.Serializer):
    """A refused list: the messages by parameter."""

    status = serializers.ListField(child=serializers.CharField(), required=False)
    updated_since = serializers.ListField(child=serializers.CharField(), required=False)


class _Called:
    """A field whose source is a method of the object, called with no arguments. DRF checks a
    method source's signature (inspect.signature) again for every value it reads: three a
    report, a third of the time of a list of 50."""

    def get_attribute(self, instance):
        return getattr(instance, self.source)()


class CalledCharField(_Called, serializers.CharField):
    pass


class CalledBooleanField(_Called, serializers.BooleanField):
    pass


class ResponseSerializer(serializers.Serializer):
    """One line of the public timeline; "me too"s in a row are one line with their count."""

    kind = CalledCharField(source="get_kind_display")
    text = serializers.CharField()
    by = serializers.SerializerMethodField()
    at = serializers.DateTimeField(source="created_at", help_text="When the (last) event was.")
    count = serializers.IntegerField(
        help_text='How many events the line stands for: the "me too"s in a row, else 1.'
    )
    since = serializers.DateTimeField(
        source="first_at", help_text="When the first of them was (`at` when count is 1)."
    )

    def get_by(self, event) -> str:
        return f"{event.count} people" if event.count > 1 else event.who


class FrictionSummarySerializer(serializers.Serializer):
    """A report's public fields: never who filed it."""

    id = serializers.IntegerField(source="pk")
    title = serializers.CharField()
    status = serializers.ChoiceField(choices=Status.choices)
    status_label = CalledCharField(source="get_status_display")
    area = serializers.ChoiceField(choices=Area.choices)
    acknowledge_by = serializers.DateField()
    decide_by = serializers.DateField()
    overdue = CalledBooleanField(source="is_overdue")
    owner = serializers.CharField(
        source="owner.display_name",
        default=None,
        allow_null=True,
        help_text="Who answers for it; null until the CX lead assigns someone.",
    )
    affected = serializers.SerializerMethodField(
        help_text='The reporter and everyone who said "me too".'
    )
    supporters = serializers.IntegerField(
        source="support_count", help_text='How many said "me too".'
    )
    resolution = CalledCharField(
        source="get_resolution_display", help_text="Empty until it is resolved."
    )

    def get_affected(self, report) -> int:
        return report.support_count + 1


class FrictionStatusSerializer(FrictionSummarySerializer):
    responses = serializers.SerializerMethodField(
        help_text=f"The public timeline's newest {TIMELINE_LINES} lines, oldest first."
    )

    @extend_schema_field(ResponseSerializer(many=True))
    def get_responses(self, report) -> list[dict]:
        timeline = friction_timeline(report=report, internal=False)
        return ResponseSerializer(timeline.lines, many=True).data


class FrictionCreatedSerializer(FrictionStatusSerializer):
    """A named report, filed at once."""


class AnonymousReceivedSerializer(serializers.Serializer):
    """An anonymous report, received: it waits until its hour has ended and then joins the board
    among the others of that hour, so that nothing orders it next to its sender's own writes."""

    status = serializers.ChoiceField(choices=["received"])
    receipt_code = serializers.CharField(help_text="Shown this once, never again.")
    on_the_board_by = serializers.DateTimeField(
        help_text="When it joins the board at the latest; follow it by the receipt code."
    )


class FrictionCursor(CursorPagination):
    """Pages of reports by number, each page's `next` link carrying where it stopped, so a
    tool that syncs never skips or repeats a report as others are filed."""

    ordering = "id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 100


class FrictionListCreate(GenericAPIView):
    pagination_class = FrictionCursor

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "status",
                str,
                enum=["open", *Status.values],
                description='A status, or "open" for every status still waiting for a response.',
            ),
            OpenApiParameter(
                "updated_since",
                OpenApiTypes.DATETIME,
                description=(
                    "Only reports whose public timeline gained a line (filed, triaged, a "
                    'response, a status, a "me too") at or after this time (ISO 8601).'
                ),
            ),
        ],
        responses={
            200: FrictionSummarySerializer(many=True),
            400: OpenApiResponse(
                FrictionListErrorsSerializer,
                description="A filter value it cannot read: the reasons by parameter.",
            ),
            401: UNAUTHORISED,
            404: OpenApiResponse(ErrorSerializer, description="The cursor is not one we gave."),
            429: THROTTLED,
        },
        summary="Friction reports, to sync",
    )
    def get(self, request):
        """Reports by number, their public fields only (never who filed them), a page at a time
        (`page_size` up to 100; follow `next`). Filter by `status` and by `updated_since` to
        sync only what changed: each report's lines are at /api/frictions/{id}/."""
        try:
            reports = friction_api_list(filters=request.query_params)
        except DjangoValidationError as exc:
            raise exceptions.ValidationError(exc.message_dict) from exc
        page = self.paginate_queryset(reports)
        return self.get_paginated_response(FrictionSummarySerializer(page, many=True).data)

    @extend_schema(
        request=FrictionCreateSerializer,
        responses={
            201: FrictionCreatedSerializer,
            202: AnonymousReceivedSerializer,
            400: OpenApiResponse(
                FrictionCreateErrorsSerializer,
                description="Refused: the messages by field; nothing was written.",
            ),
            401: UNAUTHORISED,
            429: THROTTLED,
        },
        summary="File a friction report",
    )
    def post(self, request):
        """File a report, named or anonymous.

        Named: give `reporter_email`, the address of an active frontline agent; nobody else
        (an executive, the CX lead, an administrator) can be named through the API. Anonymous:
        set `anonymous` to true and leave `reporter_email` out; the answer is 202 with the receipt
        code, shown this once, and when the report joins the board."""
        serializer = FrictionCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("reporter_email", None)
        reporter = data.pop("reporter", None)
        anonymous = data.pop("anonymous")
        report, code = friction_report_file(reporter=reporter, anonymous=anonymous, **data)
        if anonymous:
            received = {
                "status": "received",
                "receipt_code": code,
                "on_the_board_by": anonymous_release_by(),
            }
            return Response(
                AnonymousReceivedSerializer(received).data, status=status.HTTP_202_ACCEPTED
            )
        # The report as written: read again, its page's query (what it was filed from, the
        # owner, the decision) answered nothing a new report has.
        body = FrictionCreatedSerializer(report).data
        return Response(body, status=status.HTTP_201_CREATED)


class FrictionStatus(APIView):
    @extend_schema(
        responses={
            200: FrictionStatusSerializer,
            401: UNAUTHORISED,
            404: OpenApiResponse(ErrorSerializer, description="No report with this number."),
            429: THROTTLED,
        },
        summary="A friction report's status",
    )
    def get(self, request, pk: int):
        report = friction_report_for(pk=pk)
        if report is None:
            raise exceptions.NotFound()
        return Response(FrictionStatusSerializer(report).data)
