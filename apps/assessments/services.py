"""Every write of the community's self-assessment: opening it, answering, evidence, and the parts of
a submission that belong to the assessment (what is missing, the frozen snapshot). Submitting
(apps.review.submit_services), the verdicts (apps.review.verdict_services) and every review decision
(apps.review.services) are transitions of the review workflow.

Each service is atomic, checks who may act (role and scope), records who did what in the
append-only history in the same transaction. A refused request raises ServiceError (or its
ConflictError / ForbiddenError / NotFoundError) with a message for the user; nothing already saved
is lost.
"""

from decimal import Decimal, InvalidOperation

from django.core.files.base import ContentFile, File
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.capabilities import can_open_assessment, is_committee
from apps.accounts.models import User
from apps.core.campaign import FIRST_YEAR, campaign_year, year_exists
from apps.core.errors import ConflictError, ForbiddenError, NotFoundError, ServiceError
from apps.core.history import chain_append, chain_append_many
from apps.core.text import text_check, without_controls
from apps.standards.models import Criterion
from apps.standards.selectors import standard_for

from . import files, scores
from .models import (
    EDITABLE_STATES,
    Action,
    Assessment,
    AssessmentEvent,
    Evidence,
    Rating,
    Response,
    State,
    Submission,
)

# response_save's self_score when the caller does not touch it.
UNCHANGED = object()

# --- Who may act ------------------------------------------------------------


def require_committee(user: User, assessment: Assessment) -> None:
    """Only the committee of the assessment's own community fills it in. Out of scope is "not
    found" for the caller (pages and the API answer 404 before reaching here)."""
    if not assessment.is_visible_to(user):
        raise NotFoundError(_("This assessment does not exist."))
    if not is_committee(user):
        raise ForbiddenError(_("Your role may not do this."))


def require_editable(assessment: Assessment) -> None:
    if assessment.state not in EDITABLE_STATES:
        raise ConflictError(
            _("The assessment is %(state)s and can no longer be changed.")
            % {"state": assessment.get_state_display()},
            code="not_editable",
        )


# --- History ----------------------------------------------------------------


def history_append(
    assessment: Assessment,
    user: User | None,
    action: str,
    *,
    from_state="",
    to_state="",
    reason="",
    data=None,
) -> AssessmentEvent:
    """Append one history entry, chained to the previous entry of the same assessment. The one
    append path of the assessment history (self-assessment and review alike).

    Through the one append path of every history (apps.core.history.chain_append)."""
    return chain_append(
        AssessmentEvent,
        assessment_id=assessment.pk,
        at=timezone.now(),
        actor=user,
        actor_role=getattr(user, "role", "") or "",
        action=action,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        data=data or {},
    )


def history_append_many(
    assessments, user: User | None, action: str, *, from_state="", to_state="", reason="", data=None
) -> None:
    """The same entry appended to the history of many assessments at once (a batch's naming), in
    one bulk insert (apps.core.history.chain_append_many)."""
    now = timezone.now()
    chain_append_many(
        AssessmentEvent,
        [
            {
                "assessment_id": assessment.pk,
                "at": now,
                "actor": user,
                "actor_role": getattr(user, "role", "") or "",
                "action": action,
                "from_state": from_state,
                "to_state": to_state,
                "reason": reason,
                "data": data or {},
            }
            for assessment in assessments
        ],
    )


def assessment_lock(assessment: Assessment) -> Assessment:
    """The assessment's row, locked until the end of the transaction (every write takes it first)."""
    return Assessment.objects.select_for_update().get(pk=assessment.pk)


def check_version(assessment: Assessment, expected_version: int | None) -> None:
    if expected_version is not None and assessment.version != int(expected_version):
        raise ConflictError(
            _("Someone else changed this assessment meanwhile. Reload the page to see the current state."),
            code="stale_version",
        )


# --- Community: the self-assessment -----------------------------------------


def assessment_create(*, community, year: int, user: User) -> Assessment:
    """Open (or return the existing) assessment of a community for a year, against the standard
    in force for its province. Idempotent: one assessment per community and year. Only a campaign
    year that exists (2020 to the campaign year) may be opened."""
    if not year_exists(year):
        raise ServiceError(
            _("There is no campaign year %(year)s: choose a year from %(first)s to %(last)s.")
            % {"year": year, "first": FIRST_YEAR, "last": campaign_year()},
            code="unknown_year",
            field="year",
        )
    if is_committee(user) and user.community_id != community.pk:
        raise NotFoundError(_("This community does not exist."))
    if not can_open_assessment(user, community.pk):
        raise ForbiddenError(_("Only the community committee can open its self-assessment."))
    existing = Assessment.objects.filter(community=community, year=year).first()
    if existing:
        return existing
    standard = standard_for(province=community.province_id, year=year)
    try:
        with transaction.atomic():
            assessment = Assessment.objects.create(
                community=community,
                year=year,
                standard=standard,
                province_id=community.province_id,
                city_id=community.city_id,
                county_id=community.county_id,
                street_id=community.street_id,
            )
            Response.objects.bulk_create(
                [
                    Response(assessment=assessment, criterion=c)
                    for c in Criterion.objects.filter(standard=standard).order_by("number")
                ]
            )
            history_append(
                assessment, user, Action.CREATED, to_state=State.DRAFT, data={"standard": standard.code}
            )
    except IntegrityError:
        return Assessment.objects.get(community=community, year=year)
    return assessment


def _parse_figure(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        figure = Decimal(str(value).strip().rstrip("%"))
    except (InvalidOperation, ValueError):
        raise ServiceError(
            _("The figure must be a number between 0 and 100."), code="invalid_figure", field="figure"
        ) from None
    if not (0 <= figure <= 100) or not figure.is_finite():
        raise ServiceError(
            _("The figure must be a number between 0 and 100."), code="invalid_figure", field="figure"
        )
    return figure.quantize(Decimal("0.01"))


def validate_answer(criterion: Criterion, rating: str, statement: str, figure: Decimal | None) -> None:
    """The rules a single criterion's answer must satisfy, with the message that says why not.

    A figure criterion's unit, range and threshold are data of the criterion (docs/figures.md)."""
    if rating and rating not in Rating.values:
        raise ServiceError(_("Choose met, largely met or not met."), code="invalid_rating", field="rating")
    if rating in (Rating.MET, Rating.LARGELY_MET) and not statement.strip():
        raise ServiceError(
            _("Describe what was done: a statement is required for met and largely met."),
            code="statement_required",
            field="statement",
        )
    unit = criterion.unit
    if unit is None:
        return
    if rating and figure is None:
        raise ServiceError(
            _("Enter %(label)s (%(unit)s).") % {"label": criterion.figure_label, "unit": unit.symbol},
            code="figure_required",
            field="figure",
        )
    if figure is not None and not unit.contains(figure):
        raise ServiceError(
            _("%(label)s must be between %(min)s and %(max)s %(unit)s.")
            % {
                "label": criterion.figure_label,
                "min": f"{unit.minimum.normalize():f}",
                "max": f"{unit.maximum.normalize():f}",
                "unit": unit.symbol,
            },
            code="invalid_figure",
            field="figure",
        )
    if (
        rating == Rating.MET
        and figure is not None
        and (threshold := criterion.unmet_threshold(figure)) is not None
    ):
        raise ServiceError(
            _('%(label)s is %(figure)s %(unit)s: "met" needs at least %(threshold)s %(unit)s.')
            % {
                "label": criterion.figure_label,
                "figure": f"{figure.normalize():f}",
                "threshold": f"{threshold.normalize():f}",
                "unit": unit.symbol,
            },
            code="figure_contradicts_rating",
            field="rating",
        )


def response_save(
    *,
    response: Response,
    user: User,
    rating: str = "",
    statement: str = "",
    figure=None,
    self_score=UNCHANGED,
    expected_version: int | None = None,
) -> Response:
    """Save one criterion's answer (and, under a scored standard, its self-score: 0 to the
    criterion's points; left as it is when not given). The assessment's totals are recomputed. Optimistic lock: a save based on a stale version (somebody else
    saved meanwhile) is refused with ConflictError and nothing is overwritten. A statement holding a
    control character is refused (apps.core.text)."""
    statement = text_check(statement, field="statement", label=_("What was done"), multiline=True).strip()
    figure_value = _parse_figure(figure)
    criterion = response.criterion
    if self_score is not UNCHANGED:
        self_score = scores.parse_score(self_score, criterion=criterion)
    with transaction.atomic():
        assessment = assessment_lock(response.assessment)
        require_committee(user, assessment)
        require_editable(assessment)
        validate_answer(criterion, rating or "", statement, figure_value)
        current = Response.objects.select_for_update().get(pk=response.pk)
        if expected_version is not None and current.version != int(expected_version):
            raise ConflictError(
                _(
                    "Someone else saved criterion %(n)s meanwhile. Your text was not saved over theirs: reload, compare and save again."
                )
                % {"n": criterion.number},
                code="stale_version",
            )
        current.rating = rating or ""
        current.statement = statement
        current.figure = figure_value
        fields = ["rating", "statement", "figure", "version", "updated_at", "updated_by"]
        if self_score is not UNCHANGED:
            current.self_score = self_score
            fields.append("self_score")
        current.version += 1
        current.updated_at = timezone.now()
        current.updated_by = user
        current.save(update_fields=fields)
        _refresh_progress(assessment)
        if self_score is not UNCHANGED:
            scores.totals_refresh(assessment)
    return current


def _refresh_progress(assessment: Assessment) -> None:
    live_evidence = Q(evidence__withdrawn_round__isnull=True)
    counts = Response.objects.filter(assessment=assessment).aggregate(
        answered=Count("id", filter=~Q(rating=""), distinct=True),
        evidenced=Count("id", filter=live_evidence & Q(evidence__id__isnull=False), distinct=True),
        not_met=Count("id", filter=Q(rating=Rating.NOT_MET), distinct=True),
    )
    Assessment.objects.filter(pk=assessment.pk).update(
        answered_count=counts["answered"],
        evidenced_count=counts["evidenced"],
        not_met_count=counts["not_met"],
    )
    assessment.answered_count, assessment.evidenced_count, assessment.not_met_count = (
        counts["answered"],
        counts["evidenced"],
        counts["not_met"],
    )


def evidence_add(*, response: Response, user: User, uploaded_file, caption: str = "") -> Evidence:
    """Attach one evidence file. Checked by size and by content (magic bytes); images are verified
    and stripped of GPS location. The stored file gets a server-made name; its SHA-256 is kept."""
    caption = text_check(caption, field="caption", label=_("Caption")).strip()[:200]
    files.check_size(uploaded_file.size)
    kind = files.sniff(uploaded_file)
    content = uploaded_file
    captured_on = None
    if kind in ("jpeg", "png", "heic"):
        # Read before the location is stripped: re-encoding may drop the EXIF date with it.
        captured_on = files.capture_date(uploaded_file)
        cleaned = files.image_without_location(uploaded_file, kind)
        if cleaned is not None:
            content = File(cleaned)
            content.size = len(cleaned.getbuffer())
    digest = files.sha256_of(content)
    thumbnail = files.make_thumbnail(content) if kind in ("jpeg", "png", "heic") else None
    original_name = without_controls(getattr(uploaded_file, "name", "")).rsplit("/", 1)[-1][:255] or "upload"
    evidence = Evidence(
        response=response,
        original_name=original_name,
        caption=caption,
        kind=kind,
        size=content.size,
        sha256=digest,
        uploaded_by=user,
        captured_on=captured_on,
    )
    try:
        with transaction.atomic():
            assessment = assessment_lock(response.assessment)
            require_committee(user, assessment)
            require_editable(assessment)
            # Streams from the temporary upload file to storage, chunk by chunk.
            evidence.file.save(files.EXTENSIONS[kind], content, save=False)
            if thumbnail:
                evidence.thumbnail.save("thumb.jpg", ContentFile(thumbnail), save=False)
            evidence.save()
            history_append(
                assessment,
                user,
                Action.EVIDENCE_ADDED,
                data={"criterion": response.criterion.number, "evidence": evidence.pk, "sha256": digest},
            )
            _refresh_progress(assessment)
    except Exception:
        # Nothing was recorded: do not leave the stored bytes behind.
        for name in (evidence.file.name, evidence.thumbnail.name):
            if name:
                evidence.file.storage.delete(name)
        raise
    return evidence


def _delete_files(storage, names: list[str | None]) -> None:
    for name in names:
        if name:
            storage.delete(name)


def evidence_remove(*, evidence: Evidence, user: User) -> None:
    """Remove an evidence file from the current version. A file that was already submitted is never
    deleted: it stays with the earlier version and is only withdrawn from the current one."""
    with transaction.atomic():
        assessment = assessment_lock(evidence.response.assessment)
        require_committee(user, assessment)
        require_editable(assessment)
        evidence = Evidence.objects.select_for_update().get(pk=evidence.pk)
        data = {
            "criterion": evidence.response.criterion.number,
            "evidence": evidence.pk,
            "sha256": evidence.sha256,
        }
        if evidence.is_locked:
            evidence.withdrawn_round = assessment.round
            evidence.save(update_fields=["withdrawn_round"])
        else:
            names = [evidence.file.name, evidence.thumbnail.name]
            storage = evidence.file.storage
            evidence.delete()
            transaction.on_commit(lambda: _delete_files(storage, names))
        history_append(assessment, user, Action.EVIDENCE_REMOVED, data=data)
        _refresh_progress(assessment)


def assessment_missing(assessment: Assessment) -> list[str]:
    """What stops a submission, one readable line per criterion (empty when it can be submitted)."""
    missing = []
    responses = (
        Response.objects.filter(assessment=assessment)
        .select_related("criterion")
        .annotate(live_evidence=Count("evidence", filter=Q(evidence__withdrawn_round__isnull=True)))
        .order_by("criterion__number")
    )
    for r in responses:
        n = r.criterion.number
        if not r.rating:
            missing.append(_("Criterion %(n)s: no self-rating yet.") % {"n": n})
            continue
        if r.criterion.points is not None and r.self_score is None:
            missing.append(_("Criterion %(n)s: no self-score yet.") % {"n": n})
        if (
            r.criterion.requires_evidence
            and r.rating in (Rating.MET, Rating.LARGELY_MET)
            and not r.live_evidence
        ):
            missing.append(
                _("Criterion %(n)s: rated %(rating)s but no evidence file.")
                % {"n": n, "rating": r.get_rating_display()}
            )
        try:
            validate_answer(r.criterion, r.rating, r.statement, r.figure)
        except ServiceError as exc:
            missing.append(_("Criterion %(n)s: %(why)s") % {"n": n, "why": exc.message})
    return missing


def submission_snapshot(assessment: Assessment) -> dict:
    """What a submission freezes: every answer with its live evidence (Submission.snapshot)."""
    responses = (
        Response.objects.filter(assessment=assessment)
        .select_related("criterion")
        .prefetch_related("evidence")
        .order_by("criterion__number")
    )
    return {
        "round": assessment.round,
        "standard": assessment.standard_id,
        "self_total": None if assessment.self_total is None else str(assessment.self_total),
        "responses": [
            {
                "criterion": r.criterion.number,
                "rating": r.rating,
                "statement": r.statement,
                "figure": None if r.figure is None else str(r.figure),
                "self_score": None if r.self_score is None else str(r.self_score),
                "confirmed_score": None if r.confirmed_score is None else str(r.confirmed_score),
                "verdict": r.verdict,
                "review_comment": r.review_comment,
                "evidence": [
                    {
                        "id": e.pk,
                        "name": e.original_name,
                        "caption": e.caption,
                        "kind": e.kind,
                        "size": e.size,
                        "sha256": e.sha256,
                    }
                    for e in r.evidence.all()
                    if e.withdrawn_round is None
                ],
            }
            for r in responses
        ],
    }


def changed_since_return(assessment: Assessment) -> bool:
    """The community changed an answer or the evidence since the assessment was returned."""
    returned_at = assessment.returned_at
    return (
        Response.objects.filter(assessment=assessment, updated_at__gt=returned_at).exists()
        or Evidence.objects.filter(response__assessment=assessment, uploaded_at__gt=returned_at).exists()
        or Evidence.objects.filter(response__assessment=assessment, withdrawn_round=assessment.round).exists()
    )


def submission_freeze(*, assessment: Assessment, user: User, at) -> Submission:
    """Freeze what is submitted in the assessment's current round: evidence locked to the round
    (immutable from now on) and a Submission with the snapshot of every answer. The caller holds the
    assessment's lock and has checked that nothing is missing."""
    Evidence.objects.filter(
        response__assessment=assessment, submitted_round__isnull=True, withdrawn_round__isnull=True
    ).update(submitted_round=assessment.round)
    return Submission.objects.create(
        assessment=assessment,
        round=assessment.round,
        submitted_at=at,
        submitted_by=user,
        snapshot=submission_snapshot(assessment),
    )
