"""The REST API for contact-centre tools: file a friction report and read its status.

Each tool authenticates with its own token (`Authorization: Bearer <token>`), issued by the CX
lead. Anonymous filing through the API is as safe as in the browser: the same service writes
the report, with no reporter, and nothing about the calling tool or request is stored with it.
"""

from django.contrib.auth import get_user_model
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import FrontlineTeam

from .models import Area, Severity
from .selectors import friction_report_for, friction_timeline
from .services import friction_report_file

User = get_user_model()

ANONYMOUS_WITH_REPORTER_MESSAGE = "Leave reporter_email out to file anonymously."
REPORTER_REQUIRED_MESSAGE = "Give the reporter's e-mail address, or set anonymous to true."
UNKNOWN_REPORTER_MESSAGE = "Nobody who may file reports has this e-mail address in Proximity."


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
        required=False, help_text="The agent filing it; leave out when anonymous."
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
        reporter = User.objects.filter(email__iexact=email, is_active=True).first()
        if reporter is None or not reporter.has_perm("frictions.file_friction"):
            raise serializers.ValidationError({"reporter_email": UNKNOWN_REPORTER_MESSAGE})
        data["reporter"] = reporter
        return data


class ResponseSerializer(serializers.Serializer):
    kind = serializers.CharField(source="get_kind_display")
    text = serializers.CharField()
    by = serializers.CharField(source="who")
    at = serializers.DateTimeField(source="created_at")


class FrictionStatusSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    title = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    area = serializers.CharField()
    acknowledge_by = serializers.DateField()
    decide_by = serializers.DateField()
    overdue = serializers.BooleanField(source="is_overdue")
    owner = serializers.CharField(source="owner.display_name", default=None)
    affected = serializers.SerializerMethodField()
    resolution = serializers.CharField(source="get_resolution_display")
    responses = serializers.SerializerMethodField()

    def get_affected(self, report) -> int:
        return report.support_count + 1

    @extend_schema(responses=ResponseSerializer(many=True))
    def get_responses(self, report) -> list[dict]:
        events = friction_timeline(report=report, internal=False)
        return ResponseSerializer(events, many=True).data


class FrictionCreatedSerializer(FrictionStatusSerializer):
    receipt_code = serializers.CharField(
        required=False, help_text="Anonymous reports only: shown once, never again."
    )


class FrictionListCreate(APIView):
    @extend_schema(
        request=FrictionCreateSerializer,
        responses={201: FrictionCreatedSerializer},
        summary="File a friction report",
    )
    def post(self, request):
        serializer = FrictionCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("reporter_email", None)
        reporter = data.pop("reporter", None)
        anonymous = data.pop("anonymous")
        report, code = friction_report_file(reporter=reporter, anonymous=anonymous, **data)
        body = FrictionStatusSerializer(friction_report_for(pk=report.pk)).data
        if code:
            body["receipt_code"] = code
        return Response(body, status=status.HTTP_201_CREATED)


class FrictionStatus(APIView):
    @extend_schema(responses=FrictionStatusSerializer, summary="A friction report's status")
    def get(self, request, pk: int):
        report = friction_report_for(pk=pk)
        if report is None:
            raise exceptions.NotFound()
        return Response(FrictionStatusSerializer(report).data)
