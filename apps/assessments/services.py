"""Every write to assessments: the community's self-assessment and the two-level review.

Each service is atomic, checks who may act (role and scope), records who did what in the
append-only history in the same transaction, and sends notices and e-mails after commit. A
refused request raises ServiceError (or its ConflictError / ForbiddenError) with a message for
the user; nothing already saved is lost.
"""

from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import Role, User
from apps.core.errors import ConflictError, ForbiddenError, ServiceError
from apps.standards.models import Criterion
from apps.standards.selectors import standard_for

from . import files
from .models import (
    EDITABLE_STATES,
    Action,
    Assessment,
    AssessmentEvent,
    Demonstration,
    Evidence,
    Notice,
    Rating,
    Response,
    State,
    Submission,
    Verdict,
)

# --- Who may act ------------------------------------------------------------


def _in_scope(user: User, assessment: Assessment) -> bool:
    if user.role == Role.COMMUNITY:
        return assessment.community_id == user.community_id
    if user.role == Role.PROVINCE:
        return assessment.province_id == user.region_id
    if user.role == Role.CITY and user.region_id:
        return user.region_id in (assessment.city_id, assessment.county_id)
    return user.role in (Role.MINISTRY, Role.ADMIN)


def _require(user: User, assessment: Assessment, *roles: str) -> None:
    if not _in_scope(user, assessment):
        # Out of scope is "not found" for the caller: views answer 404 before reaching here.
        raise ServiceError(_("This assessment does not exist."), code="not_found", status=404)
    if user.role not in roles:
        raise ForbiddenError(_("Your role may not do this."))


def _require_editable(assessment: Assessment) -> None:
    if assessment.state not in EDITABLE_STATES:
        raise ConflictError(
            _("The assessment is %(state)s and can no longer be changed.")
            % {"state": assessment.get_state_display()},
            code="not_editable",
        )


# --- History ----------------------------------------------------------------


def _record(
    assessment: Assessment,
    user: User | None,
    action: str,
    *,
    from_state="",
    to_state="",
    reason="",
    data=None,
):
    """Append one history entry, chained to the previous entry of the same assessment.

    Callers hold the assessment's row lock, so entries of one assessment are appended in order."""
    previous = (
        AssessmentEvent.objects.filter(assessment=assessment)
        .order_by("-at", "-id")
        .values_list("hash", flat=True)
        .first()
    )
    event = AssessmentEvent(
        assessment=assessment,
        at=timezone.now(),
        actor=user,
        actor_role=getattr(user, "role", "") or "",
        action=action,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        data=data or {},
        prev_hash=previous or "",
    )
    event.hash = event.compute_hash()
    event.save()
    return event


def _locked(assessment: Assessment) -> Assessment:
    return Assessment.objects.select_for_update().get(pk=assessment.pk)


def _check_version(assessment: Assessment, expected_version: int | None) -> None:
    if expected_version is not None and assessment.version != int(expected_version):
        raise ConflictError(
            _("Someone else changed this assessment meanwhile. Reload the page to see the current state."),
            code="stale_version",
        )


# --- Community: the self-assessment -----------------------------------------


def assessment_create(*, community, year: int, user: User) -> Assessment:
    """Open (or return the existing) assessment of a community for a year, against the standard
    in force for its province. Idempotent: one assessment per community and year."""
    if user.role == Role.COMMUNITY and user.community_id != community.pk:
        raise ServiceError(_("This community does not exist."), code="not_found", status=404)
    if user.role not in (Role.COMMUNITY, Role.ADMIN):
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
            _record(assessment, user, Action.CREATED, to_state=State.DRAFT, data={"standard": standard.code})
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
    threshold = criterion.threshold
    if rating == Rating.MET and figure is not None and threshold is not None and figure < threshold:
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
    expected_version: int | None = None,
) -> Response:
    """Save one criterion's answer. Optimistic lock: a save based on a stale version (somebody else
    saved meanwhile) is refused with ConflictError and nothing is overwritten."""
    statement = (statement or "").strip()
    figure_value = _parse_figure(figure)
    criterion = response.criterion
    with transaction.atomic():
        assessment = _locked(response.assessment)
        _require(user, assessment, Role.COMMUNITY)
        _require_editable(assessment)
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
        current.version += 1
        current.updated_at = timezone.now()
        current.updated_by = user
        current.save(update_fields=["rating", "statement", "figure", "version", "updated_at", "updated_by"])
        _refresh_progress(assessment)
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
    caption = (caption or "").strip()[:200]
    files.check_size(uploaded_file.size)
    kind = files.sniff(uploaded_file)
    content = uploaded_file
    if kind in ("jpeg", "png", "heic"):
        cleaned = files.image_without_location(uploaded_file, kind)
        if cleaned is not None:
            content = File(cleaned)
            content.size = len(cleaned.getbuffer())
    digest = files.sha256_of(content)
    thumbnail = files.make_thumbnail(content) if kind in ("jpeg", "png", "heic") else None
    original_name = (getattr(uploaded_file, "name", "") or "upload").rsplit("/", 1)[-1][:255]
    evidence = Evidence(
        response=response,
        original_name=original_name,
        caption=caption,
        kind=kind,
        size=content.size,
        sha256=digest,
        uploaded_by=user,
    )
    try:
        with transaction.atomic():
            assessment = _locked(response.assessment)
            _require(user, assessment, Role.COMMUNITY)
            _require_editable(assessment)
            # Streams from the temporary upload file to storage, chunk by chunk.
            evidence.file.save(files.EXTENSIONS[kind], content, save=False)
            if thumbnail:
                evidence.thumbnail.save("thumb.jpg", ContentFile(thumbnail), save=False)
            evidence.save()
            _record(
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


def evidence_remove(*, evidence: Evidence, user: User) -> None:
    """Remove an evidence file from the current version. A file that was already submitted is never
    deleted: it stays with the earlier version and is only withdrawn from the current one."""
    with transaction.atomic():
        assessment = _locked(evidence.response.assessment)
        _require(user, assessment, Role.COMMUNITY)
        _require_editable(assessment)
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
            transaction.on_commit(lambda: [storage.delete(n) for n in names if n])
        _record(assessment, user, Action.EVIDENCE_REMOVED, data=data)
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


def _snapshot(assessment: Assessment) -> dict:
    responses = (
        Response.objects.filter(assessment=assessment)
        .select_related("criterion")
        .prefetch_related("evidence")
        .order_by("criterion__number")
    )
    return {
        "round": assessment.round,
        "standard": assessment.standard_id,
        "responses": [
            {
                "criterion": r.criterion.number,
                "rating": r.rating,
                "statement": r.statement,
                "figure": None if r.figure is None else str(r.figure),
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


def assessment_submit(
    *, assessment: Assessment, user: User, expected_version: int | None = None
) -> Assessment:
    """Submit for first-level review: every criterion answered, evidence for each met / largely met.

    Freezes what was submitted (a Submission snapshot, evidence locked to this round). A second
    submit of the same version (double click, retry) is refused with a conflict and changes nothing;
    a returned assessment must have been changed before it is resubmitted."""
    with transaction.atomic():
        locked = _locked(assessment)
        _require(user, locked, Role.COMMUNITY)
        if locked.state not in EDITABLE_STATES:
            raise ConflictError(_("The assessment has already been submitted."), code="already_submitted")
        _check_version(locked, expected_version)
        missing = assessment_missing(locked)
        if missing:
            raise ServiceError(
                _("The assessment cannot be submitted yet:") + " " + " ".join(missing),
                code="incomplete",
                field="__all__",
            )
        if locked.state == State.RETURNED and not _changed_since_return(locked):
            raise ServiceError(
                _(
                    "Nothing was changed since the assessment was returned: revise it as the reviewers asked before resubmitting."
                ),
                code="unchanged",
            )
        now = timezone.now()
        from_state = locked.state
        if from_state == State.RETURNED:
            locked.round += 1
        if from_state == State.RETURNED:
            # A new round starts with no verdicts; the last round's comments stay in its Submission.
            Response.objects.filter(assessment=locked).update(
                verdict="", review_comment="", reviewed_at=None, reviewed_by=None
            )
        locked.state = State.SUBMITTED
        locked.submitted_at = now
        locked.first_submitted_at = locked.first_submitted_at or now
        locked.version += 1
        locked.save(
            update_fields=["state", "submitted_at", "first_submitted_at", "version", "round", "updated_at"]
        )
        Evidence.objects.filter(
            response__assessment=locked, submitted_round__isnull=True, withdrawn_round__isnull=True
        ).update(submitted_round=locked.round)
        Submission.objects.create(
            assessment=locked,
            round=locked.round,
            submitted_at=now,
            submitted_by=user,
            snapshot=_snapshot(locked),
        )
        _record(
            locked,
            user,
            Action.SUBMITTED,
            from_state=from_state,
            to_state=State.SUBMITTED,
            data={"round": locked.round},
        )
    return locked


def _changed_since_return(assessment: Assessment) -> bool:
    returned_at = assessment.returned_at
    return (
        Response.objects.filter(assessment=assessment, updated_at__gt=returned_at).exists()
        or Evidence.objects.filter(response__assessment=assessment, uploaded_at__gt=returned_at).exists()
        or Evidence.objects.filter(response__assessment=assessment, withdrawn_round=assessment.round).exists()
    )


# --- Review ------------------------------------------------------------------


def response_review(*, response: Response, user: User, verdict: str, comment: str = "") -> Response:
    """A reviewer's verdict and comment on one criterion (first level on submitted, province on recommended)."""
    if verdict and verdict not in Verdict.values:
        raise ServiceError(_("Choose confirmed or not confirmed."), code="invalid_verdict", field="verdict")
    with transaction.atomic():
        assessment = _locked(response.assessment)
        _require(user, assessment, Role.CITY, Role.PROVINCE)
        reviewable = State.SUBMITTED if user.role == Role.CITY else State.RECOMMENDED
        if assessment.state != reviewable:
            raise ConflictError(
                _("The assessment is %(state)s: it is not waiting for your review.")
                % {"state": assessment.get_state_display()},
                code="wrong_state",
            )
        if verdict == Verdict.NOT_CONFIRMED and not (comment or "").strip():
            raise ServiceError(
                _("Say why the criterion is not confirmed."), code="comment_required", field="comment"
            )
        response.verdict = verdict
        response.review_comment = (comment or "").strip()
        response.reviewed_at = timezone.now()
        response.reviewed_by = user
        response.save(update_fields=["verdict", "review_comment", "reviewed_at", "reviewed_by"])
        _record(
            assessment,
            user,
            Action.REVIEWED,
            data={
                "criterion": response.criterion.number,
                "verdict": verdict,
                "comment": response.review_comment,
            },
        )
    return response


TRANSITIONS = {
    # action: (roles, from states, to state)
    "recommend": ((Role.CITY,), (State.SUBMITTED,), State.RECOMMENDED),
    "return_city": ((Role.CITY,), (State.SUBMITTED,), State.RETURNED),
    "return_province": ((Role.PROVINCE,), (State.RECOMMENDED,), State.RETURNED),
    "approve": ((Role.PROVINCE,), (State.RECOMMENDED,), State.APPROVED),
    "revoke": ((Role.PROVINCE,), (State.APPROVED,), State.REVOKED),
}


def _transition(
    assessment, user, key, *, action, reason="", expected_version=None, stamp: str, extra_fields=(), data=None
):
    roles, from_states, to_state = TRANSITIONS[key]
    locked = _locked(assessment)
    _require(user, locked, *roles)
    if locked.state not in from_states:
        raise ConflictError(
            _("The assessment is already %(state)s: someone acted on it before you. Nothing was changed.")
            % {"state": locked.get_state_display()},
            code="wrong_state",
        )
    _check_version(locked, expected_version)
    from_state = locked.state
    now = timezone.now()
    locked.state = to_state
    setattr(locked, stamp, now)
    locked.version += 1
    for name, value in extra_fields:
        setattr(locked, name, value)
    locked.save(update_fields=["state", stamp, "version", "updated_at", *[n for n, _v in extra_fields]])
    _record(locked, user, action, from_state=from_state, to_state=to_state, reason=reason, data=data)
    return locked


def assessment_recommend(
    *, assessment: Assessment, user: User, expected_version: int | None = None
) -> Assessment:
    """First level (city/county) recommends a submitted assessment to the province."""
    with transaction.atomic():
        locked = _transition(
            assessment,
            user,
            "recommend",
            action=Action.RECOMMENDED,
            expected_version=expected_version,
            stamp="recommended_at",
        )
        _notify_province(locked, _("%(community)s's %(year)s self-assessment was recommended for approval."))
    return locked


def assessment_return(
    *,
    assessment: Assessment,
    user: User,
    reason: str,
    comments: dict[int, str] | None = None,
    expected_version: int | None = None,
) -> Assessment:
    """Return to the community for revision (first level from submitted, province from recommended).
    A reason is required; per-criterion comments (criterion number -> text) are shown next to each."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(
            _("Give a reason for returning the assessment."), code="reason_required", field="reason"
        )
    key = "return_city" if user.role == Role.CITY else "return_province"
    if user.role not in (Role.CITY, Role.PROVINCE):
        raise ForbiddenError(_("Your role may not do this."))
    with transaction.atomic():
        locked = _transition(
            assessment,
            user,
            key,
            action=Action.RETURNED,
            reason=reason,
            expected_version=expected_version,
            stamp="returned_at",
            extra_fields=[("return_reason", reason)],
            data={"comments": {str(k): v for k, v in (comments or {}).items()}},
        )
        for number, text in (comments or {}).items():
            if (text or "").strip():
                Response.objects.filter(assessment=locked, criterion__number=int(number)).update(
                    review_comment=text.strip(),
                    verdict=Verdict.NOT_CONFIRMED,
                    reviewed_at=timezone.now(),
                    reviewed_by=user,
                )
        _notify_community(
            locked, _("Your %(year)s self-assessment was returned for revision: %(reason)s"), reason=reason
        )
    return locked


def assessment_approve(
    *, assessment: Assessment, user: User, expected_version: int | None = None
) -> Assessment:
    """The province approves: the community meets the requirements (达到创建要求) from now on."""
    with transaction.atomic():
        locked = _transition(
            assessment,
            user,
            "approve",
            action=Action.APPROVED,
            expected_version=expected_version,
            stamp="approved_at",
        )
        _notify_community(
            locked, _("Your %(year)s self-assessment was approved: the community meets the requirements.")
        )
    return locked


def assessment_bulk_approve(
    *, assessments, user: User, expected_versions: dict[int, int] | None = None
) -> list[Assessment]:
    """Approve several recommended assessments at once, all or nothing. `expected_versions`
    (pk -> version shown on the confirmation page) refuses the whole batch if any one changed."""
    versions = expected_versions or {}
    with transaction.atomic():
        return [
            assessment_approve(assessment=a, user=user, expected_version=versions.get(a.pk))
            for a in assessments
        ]


def assessment_revoke(
    *, assessment: Assessment, user: User, reason: str, expected_version: int | None = None
) -> Assessment:
    """Revoke (摘牌) an approval after a failed re-check: the community stops counting as meeting the
    requirements from now on; the approval itself stays in the history."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Give a reason for the revocation."), code="reason_required", field="reason")
    with transaction.atomic():
        locked = _transition(
            assessment,
            user,
            "revoke",
            action=Action.REVOKED,
            reason=reason,
            expected_version=expected_version,
            stamp="revoked_at",
            extra_fields=[("revoke_reason", reason)],
        )
        _notify_community(
            locked, _("The approval of your %(year)s self-assessment was revoked: %(reason)s"), reason=reason
        )
    return locked


def demonstration_designate(
    *, assessment: Assessment, user: User, citation: str, expected_version: int | None = None
) -> Demonstration:
    """Designate an approved community as a demonstration community (示范社区) of the assessment's year."""
    citation = (citation or "").strip()
    if not citation:
        raise ServiceError(_("Write a short citation."), code="citation_required", field="citation")
    with transaction.atomic():
        locked = _locked(assessment)
        _require(user, locked, Role.PROVINCE)
        if locked.state != State.APPROVED:
            raise ConflictError(_("Only approved communities can be designated."), code="wrong_state")
        _check_version(locked, expected_version)
        demo, created = Demonstration.objects.update_or_create(
            assessment=locked,
            defaults={
                "year": locked.year,
                "citation": citation[:300],
                "designated_at": timezone.now(),
                "designated_by": user,
            },
        )
        _record(locked, user, Action.DESIGNATED, reason=citation, data={"year": locked.year})
    return demo


# --- Notices -----------------------------------------------------------------


def notice_mark_read(*, user: User, pk: int | None = None) -> int:
    """Mark one of the user's own notices read (or all of them when pk is None). Only the recipient's
    unread rows are touched, so it is idempotent; returns how many changed."""
    qs = Notice.objects.filter(recipient=user, read_at__isnull=True)
    if pk is not None:
        qs = qs.filter(pk=pk)
    return qs.update(read_at=timezone.now())


def notify_users(*, users, text: str, url: str, assessment: Assessment | None = None) -> None:
    """An in-app notice to each user now, and one e-mail to those with an address after commit
    (so a rolled-back decision never mails). Used by the review workflow and by the reports."""
    from django.core.mail import send_mail

    users = list(users)
    Notice.objects.bulk_create(
        [Notice(recipient=u, assessment=assessment, text=text[:500], url=url) for u in users]
    )
    recipients = [u.email for u in users if u.email]
    if recipients:
        subject = _("Green Community Creation Action") + " · " + text[:60]
        transaction.on_commit(
            lambda: send_mail(
                subject, text + "\n\n" + url, settings.DEFAULT_FROM_EMAIL, recipients, fail_silently=True
            )
        )


def _notify_community(assessment: Assessment, template: str, reason: str = "") -> None:
    text = template % {"year": assessment.year, "reason": reason, "community": assessment.community.name}
    users = User.objects.filter(role=Role.COMMUNITY, community_id=assessment.community_id, is_active=True)
    notify_users(users=users, assessment=assessment, text=text, url=f"/assessments/{assessment.pk}/")


def _notify_province(assessment: Assessment, template: str) -> None:
    text = template % {"year": assessment.year, "community": assessment.community.name}
    users = User.objects.filter(role=Role.PROVINCE, region_id=assessment.province_id, is_active=True)
    notify_users(users=users, assessment=assessment, text=text, url=f"/review/{assessment.pk}/")
