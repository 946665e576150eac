"""REST API of the residents' voice (/api/v1/residents/): the surveys (templates and gates) in the
caller's scope, a community's results for staff (another region's community answers 404; comments
masked), and the public community page without an account."""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.communities.models import Community
from apps.core.campaign import campaign_year
from apps.core.viewsets import ScopedListView

from . import selectors
from .models import Survey


class SurveySerializer(serializers.ModelSerializer):
    class Meta:
        model = Survey
        fields = [
            "id",
            "province",
            "year",
            "questions",
            "sms_required",
            "gate_share_percent",
            "gate_min_answers",
        ]
        read_only_fields = fields


class QuestionResultSerializer(serializers.Serializer):
    text = serializers.CharField()
    answers = serializers.IntegerField()
    satisfied = serializers.IntegerField()
    share = serializers.FloatField(allow_null=True)


class CommentSerializer(serializers.Serializer):
    created_at = serializers.DateTimeField()
    text = serializers.CharField()


class ResultsSerializer(serializers.Serializer):
    community = serializers.CharField()
    year = serializers.IntegerField()
    answers = serializers.IntegerField()
    satisfied_share = serializers.FloatField(
        allow_null=True, help_text="Ratings of 4 or 5 (of 1–5) over every rating of every question, in %"
    )
    questions = QuestionResultSerializer(many=True)
    gate_share_percent = serializers.IntegerField(allow_null=True)
    gate_min_answers = serializers.IntegerField(allow_null=True)
    gate_met = serializers.BooleanField()
    comments = CommentSerializer(many=True, help_text="Phone and ID numbers masked")


class ClaimSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    text = serializers.CharField()
    rating = serializers.CharField()
    rating_label = serializers.CharField()


class PublicCommunitySerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    area = serializers.CharField()
    year = serializers.IntegerField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    objection_batch = serializers.IntegerField(allow_null=True)
    claims = ClaimSerializer(many=True)


class SurveyList(ScopedListView):
    """The residents' surveys (questions, SMS code, gate) of the caller's province; nationwide
    users all of them (?year=)."""

    scope_model = Survey
    serializer_class = SurveySerializer
    permission_classes = [IsAuthenticated]

    def safely_get_queryset(self, queryset):
        year = self.request.query_params.get("year")
        if year and year.isdigit():
            queryset = queryset.filter(year=int(year))
        return queryset.order_by("province_id", "-year")


class CommunityResults(APIView):
    """A community's results for a year: answers, satisfied share per question, the gate, masked
    comments. Staff in the community's scope only."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: ResultsSerializer}, summary="居民满意度结果 / Residents' results")
    def get(self, request, code, year):
        community = Community.objects.visible_to(request.user).filter(code=code).first()
        if community is None:
            raise Http404
        gate = selectors.gate_for(community_id=community.code, province_id=community.province_id, year=year)
        r = gate.results
        data = {
            "community": community.code,
            "year": year,
            "answers": r.answers,
            "satisfied_share": r.share,
            "questions": [
                {"text": q.text, "answers": q.answers, "satisfied": q.satisfied, "share": q.share}
                for q in r.questions
            ],
            "gate_share_percent": gate.survey.gate_share_percent if gate.survey else None,
            "gate_min_answers": gate.survey.gate_min_answers if gate.survey else None,
            "gate_met": gate.met,
            "comments": selectors.staff_comments(community_id=community.code, year=year),
        }
        return Response(ResultsSerializer(data).data)


class PublicCommunity(APIView):
    """The public page of a community as data (no account): this year's status and claims."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(responses={200: PublicCommunitySerializer}, summary="社区公开页面 / Public community page")
    def get(self, request, code):
        community = selectors.public_community(code)
        if community is None:
            raise Http404
        page = selectors.public_page(community=community, year=campaign_year())
        c = page.community
        data = {
            "code": c.code,
            "name": c.name,
            "area": "".join(r.name for r in (c.province, c.city, c.county, c.street) if r is not None),
            "year": page.year,
            "status": page.status,
            "status_label": page.status_label,
            "objection_batch": page.batch_id,
            "claims": page.claims,
        }
        return Response(PublicCommunitySerializer(data).data)
