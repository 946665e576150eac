"""Factories of self-assessments.

- `AssessmentFactory` builds an assessment the way its users do, through the services: created by
  the committee, every criterion answered (met, one PDF each), then taken to its state by the
  review services. Use it wherever a test needs an assessment whose responses, evidence, history
  and rounds are real.
- `AssessmentRowFactory` writes one row as it stands in a state, without services or responses:
  volume for query counts and dated histories for the figures (its stamps are the test's own).
"""

import factory
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.accounts.models import Role
from apps.assessments import services
from apps.assessments.models import Assessment, Rating, State
from apps.review import services as review_services
from apps.review import submit_services
from apps.standards.selectors import national_standard
from tests.accounts.factories import CommitteeUserFactory, UserFactory
from tests.communities.factories import CommunityFactory

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# Where an assessment in review waits under the national default chain (county/city -> province).
DEFAULT_CHAIN = "county,province"
DEFAULT_LEVEL = {State.SUBMITTED: "county", State.RECOMMENDED: "province"}


def answer_all(assessment: Assessment, user, *, evidence: bool = True) -> Assessment:
    """Answer every criterion as met (with the figures criteria 5 and 12 ask for) and, with
    `evidence`, one PDF each: a submittable assessment."""
    for response in assessment.responses.select_related("criterion"):
        figure = {5: 100, 12: 45}.get(response.criterion.number)
        services.response_save(
            response=response, user=user, rating=Rating.MET, statement="已完成整治。", figure=figure
        )
        if evidence:
            services.evidence_add(
                response=response,
                user=user,
                uploaded_file=SimpleUploadedFile("e.pdf", PDF_BYTES, content_type="application/pdf"),
            )
    assessment.refresh_from_db()
    return assessment


def county_reviewer(community):
    """The county/city department of the community's county (the default chain's first level)."""
    return UserFactory(username=f"d{community.county_id}", role=Role.CITY, region=community.county)


def province_reviewer(community):
    return UserFactory(username=f"p{community.province_id}", role=Role.PROVINCE, region=community.province)


# The review services that take an assessment one step on, by the state they lead to.
STEPS = {
    State.SUBMITTED: (State.DRAFT, lambda a, c, u: submit_services.assessment_submit(assessment=a, user=u)),
    State.RECOMMENDED: (
        State.SUBMITTED,
        lambda a, c, u: review_services.assessment_recommend(assessment=a, user=county_reviewer(c)),
    ),
    State.APPROVED: (
        State.RECOMMENDED,
        lambda a, c, u: review_services.assessment_approve(assessment=a, user=province_reviewer(c)),
    ),
    State.RETURNED: (
        State.SUBMITTED,
        lambda a, c, u: review_services.assessment_return(
            assessment=a, user=county_reviewer(c), reason="请补充佐证材料。"
        ),
    ),
    State.REVOKED: (
        State.APPROVED,
        lambda a, c, u: review_services.assessment_revoke(
            assessment=a, user=province_reviewer(c), reason="复查不合格。"
        ),
    ),
}


class AssessmentFactory(factory.Factory):
    """An assessment of `community` for `year`, built through the services and taken to `state`
    (draft, submitted, recommended, approved, returned or revoked) along the national default
    chain: the county/city department recommends or returns, the province approves or revokes.
    `answered=False` leaves a draft unanswered; `evidence=False` answers without files."""

    class Meta:
        model = Assessment

    community = factory.SubFactory(CommunityFactory)
    user = factory.LazyAttribute(lambda o: CommitteeUserFactory(community=o.community))
    year = 2026
    state = State.DRAFT
    answered = True
    evidence = True

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        raise NotImplementedError("an assessment is built through the services: use create()")

    @classmethod
    def _create(cls, model_class, *, community, user, year, state, answered, evidence):
        assessment = services.assessment_create(community=community, year=year, user=user)
        if answered or state != State.DRAFT:
            answer_all(assessment, user, evidence=evidence)
        path = []
        while state != State.DRAFT:
            path.append(state)
            state = STEPS[state][0]
        for step in reversed(path):
            assessment = STEPS[step][1](assessment, community, user)
        return assessment


class AssessmentRowFactory(factory.django.DjangoModelFactory):
    """One assessment row as it stands in `state`, written directly (no responses, no history): its
    region columns from its community; in review it waits where the national default chain puts it.
    Pass the stamps (submitted_at, approved_at, ...) the test needs."""

    class Meta:
        model = Assessment

    community = factory.SubFactory(CommunityFactory)
    year = 2026
    standard = factory.LazyFunction(national_standard)
    state = State.DRAFT
    province_id = factory.LazyAttribute(lambda o: o.community.province_id)
    city_id = factory.LazyAttribute(lambda o: o.community.city_id)
    county_id = factory.LazyAttribute(lambda o: o.community.county_id)
    street_id = factory.LazyAttribute(lambda o: o.community.street_id)
    review_level = factory.LazyAttribute(lambda o: DEFAULT_LEVEL.get(o.state, ""))
    review_chain = factory.LazyAttribute(lambda o: DEFAULT_CHAIN if o.state in DEFAULT_LEVEL else "")
