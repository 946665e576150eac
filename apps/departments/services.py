"""Every write of the departments outside the consultation (apps.departments.consulting): their
accounts (created by the housing department of the same level), the criteria each type checks in
a local standard, opinions per criterion, and the co-signature of the annual report.

Each service is atomic, checks who acts, and raises ServiceError (nothing changed) when refused.
"""

import re

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts import onetime
from apps.accounts.capabilities import can_configure_province, can_edit_report
from apps.accounts.managing import DEPARTMENT_RANK_BY_LEVEL, managed_ranks
from apps.accounts.models import Role, User
from apps.accounts.scoping import department_column, department_province_q, department_type_id
from apps.assessments.models import Assessment, Response
from apps.core import versioned
from apps.core.errors import ConflictError, ForbiddenError, NotFoundError, ServiceError
from apps.core.models import TraceAction, TraceKind
from apps.core.text import text_check
from apps.core.trace import trace_append
from apps.notices.services import notify_users
from apps.regions.models import Region
from apps.reports.models import AnnualReport, ReportState
from apps.standards.models import Criterion, StandardVersion

from . import selectors
from .models import (
    Confirmation,
    CriterionOpinion,
    DepartmentProfile,
    DepartmentType,
    OwnedCriterion,
    ReportSignature,
)

USERNAME_RE = re.compile(r"^[A-Za-z0-9_.-]{3,40}$")

# --- Accounts -------------------------------------------------------------------------------------


def department_account_create(
    *, actor: User, username: str, display_name: str, department_type: DepartmentType, region: Region | None
) -> tuple[User, str]:
    """A department account at `region`'s level (None: national) created by the housing department
    of that level (the ministry for national ones), with a one-time password returned once."""
    rank = DEPARTMENT_RANK_BY_LEVEL.get(region.level if region else None)
    if rank is None or rank not in managed_ranks(actor):
        raise ForbiddenError(_("Only the housing department of the same level creates this account."))
    if (
        region is not None
        and actor.region_id != region.pk
        and not actor.is_superuser
        and actor.role != Role.ADMIN
    ):
        raise ForbiddenError(_("Only the housing department of the same level creates this account."))
    username = text_check(username, field="username", label=_("Username")).strip()
    if not USERNAME_RE.match(username):
        raise ServiceError(
            _("A username has 3 to 40 letters, digits, dots, hyphens or underscores."),
            code="invalid_username",
            field="username",
        )
    display_name = text_check(display_name, field="display_name", label=_("Office or name")).strip()[:100]
    if not display_name:
        raise ServiceError(_("Give the department's name."), code="name_required", field="display_name")
    province_id = region.province_id if region else None
    if not DepartmentType.objects.for_province(province_id).active().filter(pk=department_type.pk).exists():
        raise NotFoundError(_("This department does not exist."), field="department_type")
    with transaction.atomic():
        if User.objects.filter(username__iexact=username).exists():
            raise ConflictError(_("This username is taken."), code="username_taken", field="username")
        user = User(
            username=username,
            role=Role.DEPARTMENT,
            region=region,
            display_name=display_name,
            is_active=True,
            date_joined=timezone.now(),
        )
        code = onetime.issue(user)
        user.save()
        DepartmentProfile.objects.create(user=user, department_type=department_type)
        trace_append(
            kind=TraceKind.ACCOUNT,
            action=TraceAction.CREATED,
            actor=actor,
            subject=str(user.pk),
            subject_label=f"{username}（{display_name}）",
            province_id=province_id,
            data={
                "role": Role.DEPARTMENT,
                "region": region.pk if region else None,
                "type": department_type.code,
            },
        )
    return user, code


def department_type_add(*, actor: User, province_id: str, name: str) -> DepartmentType:
    """A department type of the province's own (水务, 大数据局 …), beside the national list."""
    if not can_configure_province(actor, province_id):
        raise ForbiddenError(_("Only the provincial department can do this."))
    name = text_check(name, field="name", label=_("Department")).strip()[:60]
    if not name:
        raise ServiceError(_("Give the department's name."), code="name_required", field="name")
    with transaction.atomic():
        if DepartmentType.objects.for_province(province_id).filter(name=name).exists():
            raise ConflictError(_("This department is already in the list."), code="duplicate", field="name")
        count = DepartmentType.objects.filter(province_id=province_id).count()
        return DepartmentType.objects.create(
            code=f"p{province_id[:2]}-{count + 1}", name=name, province_id=province_id, order=200 + count
        )


def department_type_remove(*, actor: User, department_type: DepartmentType) -> DepartmentType:
    """Take a province's own type off the list: its accounts and history keep it."""
    if department_type.province_id is None or not can_configure_province(actor, department_type.province_id):
        raise ForbiddenError(_("Only the provincial department can do this."))
    department_type.active = False
    department_type.save(update_fields=["active"])
    return department_type


# --- Criteria a department checks ------------------------------------------------------------------


def owned_criteria_set(*, actor: User, standard: StandardVersion, owners: dict) -> int:
    """Set, per criterion of the province's local standard, the department type that checks it
    (`owners`: criterion id → type id or None). Returns the number of criteria with an owner."""
    if standard.province_id is None or not can_configure_province(actor, standard.province_id):
        raise ForbiddenError(_("Only the provincial department can do this."))
    types = {t.pk: t for t in DepartmentType.objects.for_province(standard.province_id)}
    criteria = {c.pk: c for c in Criterion.objects.filter(standard=standard)}
    with transaction.atomic():
        for criterion_id, type_id in owners.items():
            criterion = criteria.get(int(criterion_id))
            if criterion is None:
                raise NotFoundError(_("This criterion does not exist."))
            if not type_id:
                OwnedCriterion.objects.filter(criterion=criterion).delete()
                continue
            if int(type_id) not in types:
                raise NotFoundError(_("This department does not exist."))
            OwnedCriterion.objects.update_or_create(
                criterion=criterion, defaults={"department_type_id": int(type_id), "set_by": actor}
            )
    return OwnedCriterion.objects.filter(criterion__standard=standard).count()


# --- Opinions per criterion -----------------------------------------------------------------------


def criterion_opinion_add(
    *, user: User, assessment: Assessment, criterion: Criterion, text: str
) -> CriterionOpinion:
    """A department's opinion on a criterion its type checks, of an assessment in its area (never a
    verdict). The reviewers of the assessment's scope are told."""
    if department_column(user) is None:
        raise ForbiddenError(_("Only another department gives an opinion here."))
    if not Response.objects.visible_to(user).filter(assessment=assessment, criterion=criterion).exists():
        raise NotFoundError(_("This criterion is not one your department checks."))
    text = text_check(text, field="text", label=_("Opinion"), multiline=True).strip()
    if not text:
        raise ServiceError(_("Write the opinion."), code="text_required", field="text")
    type_id = department_type_id(user)
    assert type_id is not None, "a department account has a type"
    with transaction.atomic():
        opinion = CriterionOpinion.objects.create(
            assessment=assessment,
            criterion=criterion,
            department_type_id=type_id,
            author=user,
            department_name=user.display_name or user.username,
            text=text[:4000],
        )
    return opinion


# --- The co-signed annual report ----------------------------------------------------------------------


def report_departments_set(
    *, actor: User, report: AnnualReport, department_type_ids
) -> list[ReportSignature]:
    """The departments that take part in the unit's annual evaluation (会同有关部门): each is asked to
    confirm the report before it is submitted. Types taken off keep the confirmations given."""
    if not can_edit_report(actor, report.province_id):
        raise ForbiddenError(_("Only the provincial department can do this."))
    if report.state == ReportState.SUBMITTED:
        raise ConflictError(_("The report was already submitted."), code="wrong_state")
    ids = {int(i) for i in department_type_ids}
    types = list(DepartmentType.objects.for_province(report.province_id).active().filter(pk__in=ids))
    if len(types) != len(ids):
        raise NotFoundError(_("This department does not exist."))
    with transaction.atomic():
        ReportSignature.objects.filter(report=report, state=Confirmation.PENDING).exclude(
            department_type_id__in=ids
        ).delete()
        have = set(ReportSignature.objects.filter(report=report).values_list("department_type_id", flat=True))
        new = [
            ReportSignature(report=report, department_type=t, added_by=actor)
            for t in types
            if t.pk not in have
        ]
        ReportSignature.objects.bulk_create(new)
        versioned.drop(selectors.SIGNATURES_VERSION)  # bulk_create sends no signal
        AnnualReport.objects.filter(pk=report.pk).update(pdf_compiled_at=None)
        for s in new:
            notify_users(
                users=User.objects.filter(
                    is_active=True,
                    role=Role.DEPARTMENT,
                    region_id=report.province_id,
                    department_profile__department_type=s.department_type,
                ),
                text=_("Please confirm the annual report %(year)s of %(unit)s.")
                % {"year": report.year, "unit": report.province.name},
                url=f"/reports/{report.pk}/",
            )
    return list(ReportSignature.objects.filter(report=report).select_related("department_type"))


def report_confirm(*, user: User, signature: ReportSignature, comment: str = "") -> ReportSignature:
    """The department confirms the report (no comment) or comments on it. Once."""
    if department_column(user) != "province_id" or department_type_id(user) != signature.department_type_id:
        raise ForbiddenError(_("Only the department asked may confirm."))
    if not ReportSignature.objects.filter(department_province_q(user, "report__"), pk=signature.pk).exists():
        raise NotFoundError(_("This report does not exist."))
    comment = text_check(comment, field="comment", label=_("Comment"), multiline=True).strip()
    with transaction.atomic():
        locked = (
            ReportSignature.objects.select_for_update(of=("self",))
            .select_related("report")
            .get(pk=signature.pk)
        )
        if locked.state != Confirmation.PENDING:
            raise ConflictError(_("Your department already answered."), code="already_answered")
        if locked.report.state == ReportState.SUBMITTED:
            raise ConflictError(_("The report was already submitted."), code="wrong_state")
        locked.state = Confirmation.COMMENTED if comment else Confirmation.CONFIRMED
        locked.comment = comment
        locked.signed_at = timezone.now()
        locked.signed_by = user
        locked.signed_name = user.display_name or user.username
        locked.save(update_fields=["state", "comment", "signed_at", "signed_by", "signed_name"])
        # The report's PDF shows who confirmed: render it again on the next download.
        AnnualReport.objects.filter(pk=locked.report_id).update(pdf_compiled_at=None)
        notify_users(
            users=User.objects.filter(
                is_active=True, role=Role.PROVINCE, region_id=locked.report.province_id
            ),
            text=_("%(department)s: %(state)s (annual report %(year)s).")
            % {
                "department": locked.signed_name,
                "state": locked.get_state_display(),
                "year": locked.report.year,
            },
            url=f"/reports/{locked.report_id}/",
        )
    return locked
