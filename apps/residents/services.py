"""Every write of the residents' voice: the province's survey and gate, a resident's answer, the
text-message code, the poster jobs. Services are keyword-only, atomic, and raise ServiceError with
a message a resident or an official can read."""

import secrets

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.capabilities import is_province_staff
from apps.accounts.models import User
from apps.communities.models import Community
from apps.core.errors import ConflictError, ForbiddenError, ServiceError
from apps.core.text import text_check

from . import selectors, sms
from .models import MAX_QUESTIONS, QUESTION_FIELDS, Answer, PosterJob, PosterJobState, Survey
from .privacy import keyed_hash

COMMENT_MAX = 500
QUESTION_MAX = 200
CODE_SECONDS = 10 * 60
CODE_ATTEMPTS = 5

# --- The province's survey and gate ---------------------------------------------------------------


@transaction.atomic
def survey_set(
    *,
    user: User,
    province_id: str,
    year: int,
    questions: list[str],
    sms_required: bool,
    gate_share_percent: int | None,
    gate_min_answers: int | None,
) -> Survey:
    """The provincial department sets its survey and gate for a year. The questions are fixed
    once the first answer is in (the answers' columns follow them); the gate and the code may
    change."""
    if not is_province_staff(user, province_id):
        raise ForbiddenError(_("Only the provincial department sets its residents' survey."))
    cleaned = []
    for i, text in enumerate(questions, start=1):
        text = text_check(text, field="questions", label=_("Questions")).strip()
        if len(text) > QUESTION_MAX:
            raise ServiceError(
                _("Question %(n)s is longer than %(max)s characters.") % {"n": i, "max": QUESTION_MAX},
                field="questions",
            )
        if text:
            cleaned.append(text)
    if not 1 <= len(cleaned) <= MAX_QUESTIONS:
        raise ServiceError(
            _("Write between 1 and %(max)s questions, one per line.") % {"max": MAX_QUESTIONS},
            field="questions",
        )
    if (gate_share_percent is None) != (gate_min_answers is None):
        raise ServiceError(
            _("A gate needs both the satisfied share and the number of answers (or neither)."),
            field="gate_share_percent",
        )
    if gate_share_percent is not None and not 0 < gate_share_percent <= 100:
        raise ServiceError(
            _("The satisfied share is a percentage from 1 to 100."), field="gate_share_percent"
        )
    survey = Survey.objects.select_for_update().filter(province_id=province_id, year=year).first()
    if survey is None:
        survey = Survey(province_id=province_id, year=year)
    elif survey.questions != cleaned and survey.answers.exists():
        raise ConflictError(
            _("Residents have already answered this year's questions: they can no longer be changed."),
            field="questions",
        )
    survey.questions = cleaned
    survey.sms_required = sms_required
    survey.gate_share_percent = gate_share_percent
    survey.gate_min_answers = gate_min_answers
    survey.set_by = user
    survey.set_at = timezone.now()
    survey.save()
    return survey


def survey_effective(*, province_id: str, year: int) -> Survey:
    """The year's survey of a province; a province that set none gets the default questions (one per
    theme of the standard), no code and no gate. Idempotent."""
    survey = selectors.survey_for(province_id=province_id, year=year)
    if survey is not None:
        return survey
    try:
        with transaction.atomic():
            return Survey.objects.create(
                province_id=province_id,
                year=year,
                questions=selectors.default_questions(),
                set_at=timezone.now(),
            )
    except IntegrityError:
        return Survey.objects.get(province_id=province_id, year=year)


# --- A resident's answer ----------------------------------------------------------------------------


def answer_submit(
    *,
    survey: Survey,
    community: Community,
    device_hash: str,
    ratings: list[int | None],
    comment: str,
    phone_hash: str = "",
) -> Answer:
    """Store one answer: every question rated 1–5, the comment without control characters and at
    most COMMENT_MAX characters. A second answer from the same device (or verified phone) in the
    same year is refused (ConflictError) and changes nothing. Atomic."""
    if community.province_id != survey.province_id:
        raise ServiceError(_("This survey is not the survey of the community's province."))
    if len(ratings) != len(survey.questions) or any(r not in (1, 2, 3, 4, 5) for r in ratings):
        raise ServiceError(_("Rate every question from 1 to 5."), code="ratings", field="ratings")
    comment = text_check(comment, field="comment", label=_("Comment"), multiline=True).strip()
    if len(comment) > COMMENT_MAX:
        raise ServiceError(
            _("The comment is longer than %(max)s characters.") % {"max": COMMENT_MAX}, field="comment"
        )
    if survey.sms_required and not phone_hash:
        raise ServiceError(_("Enter the code sent to your phone."), code="code_required", field="code")
    values = dict(zip(QUESTION_FIELDS, ratings, strict=False))
    try:
        with transaction.atomic():
            return Answer.objects.create(
                survey=survey,
                community=community,
                year=survey.year,
                device_hash=device_hash,
                phone_hash=phone_hash,
                comment=comment,
                **values,
            )
    except IntegrityError:
        raise ConflictError(already_answered_message(), code="already_answered") from None


def already_answered_message() -> str:
    return _("This device (or phone) has already answered this year: only the first answer counts.")


# --- The text-message code --------------------------------------------------------------------------


def _code_key(phone_hash: str, device_hash: str) -> str:
    return f"residents:code:{phone_hash}:{device_hash}"


def sms_code_send(*, phone: str, phone_hash: str, device_hash: str) -> None:
    """Send a 6-digit code to `phone` for this device; the cache keeps only the code's hash, under
    the phone's hash, for CODE_SECONDS. The phone number is not kept anywhere."""
    code = f"{secrets.randbelow(10**6):06d}"
    cache.set(
        _code_key(phone_hash, device_hash), {"code": keyed_hash("code", code), "tries": 0}, CODE_SECONDS
    )
    sms.send(
        phone, _("Your code for the residents' survey is %(code)s (valid for 10 minutes).") % {"code": code}
    )


def sms_code_check(*, phone_hash: str, device_hash: str, code: str) -> None:
    """The code sent to this phone for this device, or ServiceError; at most CODE_ATTEMPTS tries."""
    key = _code_key(phone_hash, device_hash)
    stored = cache.get(key)
    if stored is None:
        raise ServiceError(_("The code has expired or was never sent: ask for a new one."), field="code")
    if stored["tries"] >= CODE_ATTEMPTS:
        raise ServiceError(_("Too many wrong codes: ask for a new one."), field="code")
    if keyed_hash("code", (code or "").strip()) != stored["code"]:
        stored["tries"] += 1
        cache.set(key, stored, CODE_SECONDS)
        raise ServiceError(_("The code is not right."), field="code")
    cache.delete(key)


# --- The gate (called by apps.review where the last level's decision would name) ------------------


def gate_check(*, community_id: str, province_id: str, year: int) -> None:
    """Refuse (ServiceError) when the province set a gate for the year that the community does not
    meet."""
    gate = selectors.gate_for(community_id=community_id, province_id=province_id, year=year)
    if not gate.met:
        raise ServiceError(gate.refusal(), code="residents_gate")


def approval_gate(assessment) -> None:
    """The review's approval check (apps.review.hooks): the gate of the assessment's year."""
    gate_check(community_id=assessment.community_id, province_id=assessment.province_id, year=assessment.year)


# --- Posters for a whole area --------------------------------------------------------------------------


@transaction.atomic
def poster_job_start(*, user: User, region, base_url: str) -> PosterJob:
    """Queue the posters of every active community of `region` (a street, district or city) as one
    PDF; the worker starts after commit."""
    from . import tasks

    total = area_communities(region).count()
    if total == 0:
        raise ServiceError(_("There is no community in this area."))
    job = PosterJob.objects.create(region=region, total=total, requested_by=user)
    transaction.on_commit(lambda: tasks.posters_render.delay(job.pk, base_url))
    return job


def area_communities(region):
    """The active communities of a street, county, city or provincial unit, in code order."""
    column = {"province": "province_id", "city": "city_id", "county": "county_id"}.get(
        region.level, "street_id"
    )
    return Community.objects.active().filter(**{column: region.pk}).order_by("code")


def poster_job_run(*, job_id: int, base_url: str) -> PosterJob | None:
    """Render the job's posters (progress saved as it goes). Idempotent: a finished job is left
    alone."""
    from django.core.files.base import ContentFile

    from . import posters

    job = PosterJob.objects.select_related("region").filter(pk=job_id).first()
    if job is None or job.state == PosterJobState.DONE:
        return job
    job.state = PosterJobState.RUNNING
    job.done = 0
    job.save(update_fields=["state", "done"])
    communities = list(area_communities(job.region).select_related("street", "county", "city", "province"))

    def progress(done: int) -> None:
        PosterJob.objects.filter(pk=job.pk).update(done=done)

    try:
        pdf = posters.render_many(communities, base_url=base_url, progress=progress)
    except Exception as exc:
        PosterJob.objects.filter(pk=job.pk).update(state=PosterJobState.FAILED, error=str(exc)[:300])
        raise
    job.file.save(f"{job.pk}.pdf", ContentFile(pdf), save=False)
    job.state = PosterJobState.DONE
    job.done = len(communities)
    job.total = len(communities)
    job.finished_at = timezone.now()
    job.save(update_fields=["file", "state", "done", "total", "finished_at"])
    return job
