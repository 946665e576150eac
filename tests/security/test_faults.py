"""Faults: a database error mid-transition, the same request twice, Redis unreachable.

(A Celery worker killed mid-compile needs the reports app; it is not tested here yet.)"""

import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, close_old_connections, connection
from django.test import Client
from django.urls import reverse

from apps.assessments import services
from apps.assessments.models import Assessment, AssessmentEvent, Evidence, Rating, State, Submission
from apps.core.errors import ConflictError
from apps.review import services as review_services
from apps.review import submit_services, verdict_services
from greencommunity.celery import app as celery_app
from tests.factories import AssessmentFactory

PASSWORD = "correct-horse-battery"


def state_of(assessment: Assessment) -> dict:
    """Everything a transition may touch, read fresh from the database."""
    a = Assessment.objects.get(pk=assessment.pk)
    return {
        "state": a.state,
        "version": a.version,
        "round": a.round,
        "submitted_at": a.submitted_at,
        "recommended_at": a.recommended_at,
        "approved_at": a.approved_at,
        "returned_at": a.returned_at,
        "return_reason": a.return_reason,
        "events": list(AssessmentEvent.objects.filter(assessment=a).values_list("id", "hash")),
        "submissions": Submission.objects.filter(assessment=a).count(),
        "locked_evidence": Evidence.objects.filter(
            response__assessment=a, submitted_round__isnull=False
        ).count(),
        "verdicts": list(a.responses.order_by("id").values_list("verdict", flat=True)),
    }


def fail(*_args, **_kwargs):
    raise DatabaseError("simulated: the database went away mid-transition")


@pytest.fixture
def recommended(submitted, city_user):
    return review_services.assessment_recommend(assessment=submitted, user=city_user)


@pytest.fixture
def approved(recommended, province_user):
    return review_services.assessment_approve(assessment=recommended, user=province_user)


# --- A database error in the middle of a transition -----------------------------------------------


@pytest.mark.parametrize("failing", ["history_append", "Submission.objects.create", "Evidence.update"])
def test_a_failed_submit_leaves_the_assessment_as_it_was(filled, community_user, monkeypatch, failing):
    before = state_of(filled)
    if failing == "history_append":
        monkeypatch.setattr(services, "history_append", fail)
    elif failing == "Submission.objects.create":
        monkeypatch.setattr(Submission.objects, "create", fail)
    else:
        # The evidence lock-in runs after the state update: fail there.
        from django.db.models import QuerySet

        original = QuerySet.update

        def update(self, **kwargs):
            if self.model is Evidence and "submitted_round" in kwargs:
                fail()
            return original(self, **kwargs)

        monkeypatch.setattr(QuerySet, "update", update)
    with pytest.raises(DatabaseError):
        submit_services.assessment_submit(assessment=filled, user=community_user)
    assert state_of(filled) == before
    assert before["state"] == State.DRAFT


@pytest.mark.parametrize(
    ("fixture", "role", "action"),
    [
        ("submitted", "city_user", lambda a, u: review_services.assessment_recommend(assessment=a, user=u)),
        (
            "submitted",
            "city_user",
            lambda a, u: review_services.assessment_return(assessment=a, user=u, reason="缺照片"),
        ),
        (
            "recommended",
            "province_user",
            lambda a, u: review_services.assessment_approve(assessment=a, user=u),
        ),
        (
            "approved",
            "province_user",
            lambda a, u: review_services.assessment_revoke(assessment=a, user=u, reason="复查未通过"),
        ),
    ],
    ids=["recommend", "return", "approve", "revoke"],
)
def test_a_failed_decision_leaves_the_assessment_as_it_was(db, request, monkeypatch, fixture, role, action):
    assessment = request.getfixturevalue(fixture)
    user = request.getfixturevalue(role)
    before = state_of(assessment)
    # The state row is already updated when the history entry is written: that write fails.
    monkeypatch.setattr(AssessmentEvent, "save", fail)
    with pytest.raises(DatabaseError):
        action(assessment, user)
    assert state_of(assessment) == before


def test_a_failed_review_verdict_is_not_kept(submitted, city_user, monkeypatch):
    response = submitted.responses.get(criterion__number=1)
    monkeypatch.setattr(services, "history_append", fail)
    with pytest.raises(DatabaseError):
        verdict_services.response_review(
            response=response, user=city_user, verdict="not_confirmed", comment="照片模糊"
        )
    response.refresh_from_db()
    assert response.verdict == "" and response.review_comment == ""


def test_a_failed_upload_leaves_no_row_and_no_file(assessment, community_user, monkeypatch, settings):
    monkeypatch.setattr(services, "history_append", fail)
    with pytest.raises(DatabaseError):
        services.evidence_add(
            response=assessment.responses.get(criterion__number=1),
            user=community_user,
            uploaded_file=SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n"),
        )
    assert not Evidence.objects.exists()
    root = settings.MEDIA_ROOT
    assert not root.exists() or not [p for p in root.rglob("*") if p.is_file()]
    assert Assessment.objects.get(pk=assessment.pk).evidenced_count == 0


def test_a_failed_save_keeps_the_previous_answer(assessment, community_user, monkeypatch):
    response = assessment.responses.get(criterion__number=1)
    services.response_save(response=response, user=community_user, rating=Rating.MET, statement="第一稿")
    monkeypatch.setattr(services, "_refresh_progress", fail)
    with pytest.raises(DatabaseError):
        services.response_save(
            response=response, user=community_user, rating=Rating.NOT_MET, statement="第二稿"
        )
    response.refresh_from_db()
    assert (response.rating, response.statement, response.version) == (Rating.MET, "第一稿", 1)


# --- The same request twice -----------------------------------------------------------------------


def test_a_double_submit_has_the_effect_of_one(filled, community_user):
    # Issue 20: the second answers the outcome of the first (no conflict), and changes nothing.
    version = filled.version
    submit_services.assessment_submit(assessment=filled, user=community_user, expected_version=version)
    second = submit_services.assessment_submit(
        assessment=filled, user=community_user, expected_version=version
    )
    assert second.decision_repeated and second.state == "submitted"
    assert AssessmentEvent.objects.filter(assessment=filled, action="submitted").count() == 1
    assert Submission.objects.filter(assessment=filled).count() == 1
    assert Assessment.objects.get(pk=filled.pk).version == version + 1


@pytest.mark.parametrize(
    ("fixture", "role", "action", "event"),
    [
        ("submitted", "city_user", review_services.assessment_recommend, "recommended"),
        ("recommended", "province_user", review_services.assessment_approve, "approved"),
    ],
    ids=["recommend", "approve"],
)
def test_a_double_decision_has_the_effect_of_one(db, request, fixture, role, action, event):
    assessment = request.getfixturevalue(fixture)
    user = request.getfixturevalue(role)
    version = assessment.version
    first = action(assessment=assessment, user=user, expected_version=version)
    second = action(assessment=assessment, user=user, expected_version=version)
    assert not first.decision_repeated and second.decision_repeated and second.state == first.state
    assert AssessmentEvent.objects.filter(assessment=assessment, action=event).count() == 1
    assert Assessment.objects.get(pk=assessment.pk).version == version + 1


def test_a_double_return_has_the_effect_of_one(submitted, city_user):
    version = submitted.version
    review_services.assessment_return(
        assessment=submitted, user=city_user, reason="缺照片", expected_version=version
    )
    again = review_services.assessment_return(
        assessment=submitted, user=city_user, reason="缺照片", expected_version=version
    )
    assert again.decision_repeated
    # Another text is another decision, and a request without a version cannot say it repeats one:
    # refused, the first one stands.
    with pytest.raises(ConflictError):
        review_services.assessment_return(
            assessment=submitted, user=city_user, reason="另一个理由", expected_version=version
        )
    with pytest.raises(ConflictError):
        review_services.assessment_return(assessment=submitted, user=city_user, reason="缺照片")
    assert AssessmentEvent.objects.filter(assessment=submitted, action="returned").count() == 1


def test_a_retried_save_with_the_same_version_is_refused_not_duplicated(assessment, community_user):
    response = assessment.responses.get(criterion__number=1)
    services.response_save(
        response=response, user=community_user, rating=Rating.MET, statement="第一稿", expected_version=0
    )
    with pytest.raises(ConflictError):
        services.response_save(
            response=response, user=community_user, rating=Rating.MET, statement="第一稿", expected_version=0
        )
    response.refresh_from_db()
    assert response.version == 1


def _race(n: int, work) -> list:
    """Run `work` in n threads released together; each thread's result or exception."""
    barrier = threading.Barrier(n)
    results = [None] * n

    def run(i):
        try:
            barrier.wait()
            results[i] = work()
        except Exception as exc:  # noqa: BLE001  (collected for the assertions)
            results[i] = exc
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


@pytest.mark.services
def test_concurrent_double_submits_and_decisions_on_postgresql(committed_db):
    """Four simultaneous submits (double click on two tabs), then four simultaneous recommends: the row
    lock lets exactly one through each time; the others, the same user's same decision from the same
    version, answer its outcome without taking it again (issue 20)."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    from apps.accounts.models import Role
    from tests.factories import CommunityFactory, UserFactory, region

    xuhui_community = CommunityFactory(street=region("310104003"))
    community_user = UserFactory(username="race-committee", role=Role.COMMUNITY, community=xuhui_community)
    city_user = UserFactory(username="race-xuhui", role=Role.CITY, region=region("310104"))

    assessment = AssessmentFactory(community=xuhui_community, year=2026, user=community_user)
    seen = Assessment.objects.get(pk=assessment.pk).version
    results = _race(
        4,
        lambda: submit_services.assessment_submit(
            assessment=assessment, user=community_user, expected_version=seen
        ),
    )
    assert all(isinstance(r, Assessment) for r in results), results
    assert sorted(r.decision_repeated for r in results) == [False, True, True, True]
    results = _race(
        4,
        lambda: review_services.assessment_recommend(
            assessment=assessment, user=city_user, expected_version=seen + 1
        ),
    )
    assert all(isinstance(r, Assessment) for r in results), results
    assert sorted(r.decision_repeated for r in results) == [False, True, True, True]
    counts = {
        action: AssessmentEvent.objects.filter(assessment=assessment, action=action).count()
        for action in ("submitted", "recommended")
    }
    assert counts == {"submitted": 1, "recommended": 1}
    assert Submission.objects.filter(assessment=assessment).count() == 1
    from io import StringIO

    from django.core.management import call_command

    call_command("verify_history", stdout=StringIO())


# --- Redis unreachable ----------------------------------------------------------------------------

CLOSED_PORT = "redis://127.0.0.1:1/0"


@pytest.fixture
def redis_down(settings, monkeypatch):
    """The broker points at a closed port and tasks are not run in process; any attempt to enqueue
    is recorded (and fails, as it would)."""
    settings.REDIS_URL = CLOSED_PORT
    settings.CELERY_BROKER_URL = CLOSED_PORT
    settings.CELERY_TASK_ALWAYS_EAGER = False
    enqueued = []

    def refuse(self, *args, **kwargs):
        enqueued.append(self.name)
        raise ConnectionError("broker unreachable")

    from celery.app.task import Task

    monkeypatch.setattr(Task, "apply_async", refuse)
    monkeypatch.setattr(
        celery_app, "send_task", lambda name, *a, **k: refuse(type("T", (), {"name": name})())
    )
    # The Celery app's own broker URL is left alone: changing it would leave connections to the
    # closed port in the app's pool for later tests; every way to enqueue is refused above instead.
    yield enqueued


def test_with_redis_down_the_site_serves_saves_and_submits(redis_down, assessment, community_user, city_user):
    client = Client()
    login = client.post(reverse("login"), {"username": community_user.username, "password": PASSWORD})
    assert login.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("communities:list")).status_code == 200
    assert client.get(reverse("communities:detail", args=[community_user.community_id])).status_code == 200
    # Saving, uploading and submitting do not need the broker (the form pages call these services).
    from tests.assessments.conftest import fill

    fill(assessment, community_user)
    submitted = submit_services.assessment_submit(assessment=assessment, user=community_user)
    assert submitted.state == State.SUBMITTED
    evidence = Evidence.objects.filter(response__assessment=assessment).first()
    reviewer = Client()
    reviewer.force_login(city_user)
    assert reviewer.get(reverse("assessments:evidence", args=[evidence.pk])).status_code == 200
    review_services.assessment_recommend(assessment=submitted, user=city_user)
    assert redis_down == [], f"these needed the broker: {redis_down}"


def test_with_redis_down_healthz_reports_the_broker_and_stays_up(redis_down, client, db):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == "ok"
    assert body["broker"].startswith("error")


@pytest.mark.services
def test_healthz_reports_a_reachable_broker(client, db, settings):
    if not settings.REDIS_URL:
        pytest.skip("REDIS_URL is not set")
    settings.CELERY_TASK_ALWAYS_EAGER = False
    assert client.get(reverse("healthz")).json()["broker"] == "ok"


def test_integrity_error_on_create_returns_the_existing_assessment(
    xuhui_community, community_user, monkeypatch
):
    """Two tabs opening the same year's assessment: the loser of the race gets the winner's row."""
    first = services.assessment_create(community=xuhui_community, year=2025, user=community_user)
    original = Assessment.objects.filter

    calls = {"n": 0}

    def filter_missing_once(*args, **kwargs):
        # The first existence check misses (the other tab has not committed yet).
        calls["n"] += 1
        qs = original(*args, **kwargs)
        return qs.none() if calls["n"] == 1 else qs

    monkeypatch.setattr(Assessment.objects, "filter", filter_missing_once)
    second = services.assessment_create(community=xuhui_community, year=2025, user=community_user)
    assert second.pk == first.pk
    assert Assessment.objects.count() == 1
