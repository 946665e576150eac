"""The site checks' pages: the province's plan (rule, preview, draw, groups, assignments, figures),
the expert's assignments and the checklist on a phone (offline: static/sitechecks/checklist.js and
the service worker served from this app's path so that it controls the checklist pages). Thin:
reads are selectors, writes services; a ServiceError comes back as the page with its message."""

from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.accounts.capabilities import can_read_site_checks, is_expert, is_nationwide, is_province_staff
from apps.core.campaign import FIRST_YEAR, campaign_year
from apps.core.drafts import form_save
from apps.core.errors import ServiceError
from apps.core.views import attempt

from . import selectors, services
from .forms import ConflictForm, ExpertForm, GroupForm, PlanForm, SignOffForm
from .models import Expert, InspectionGroup, InspectionPhoto, InspectionPlan, SampleEntry, SiteVerdict

SW_PATH = Path(settings.BASE_DIR) / "static" / "sitechecks" / "sw.js"


def _year(raw) -> int:
    year = campaign_year()
    if raw and str(raw).isascii() and str(raw).isdigit() and FIRST_YEAR <= int(raw) <= year + 1:
        return int(raw)
    return year


def _staff_plan(user, pk) -> InspectionPlan:
    """The plan through the caller's scope, for its provincial department's writes."""
    if not is_province_staff(user):
        raise PermissionDenied
    plan = get_object_or_404(InspectionPlan.objects.visible_to(user), pk=pk)
    return plan


@require_GET
def service_worker(request):
    """The service worker, from /sitechecks/ so that its scope covers the checklist pages."""
    response = HttpResponse(SW_PATH.read_text(encoding="utf-8"), content_type="application/javascript")
    response["Cache-Control"] = "no-cache"
    return response


# --- The province's plan ----------------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def plan_page(request):
    """The plan of a year: its rule (form), the preview or the drawn sample with assignments, the
    groups and the experts."""
    user = request.user
    if not is_province_staff(user):
        raise PermissionDenied
    year = _year(request.POST.get("year") if request.method == "POST" else request.GET.get("year"))
    plan = selectors.plan_for(province_id=user.region_id, year=year)
    status = 200
    if request.method == "POST":
        form = PlanForm(request.POST)
        saved = form_save(
            request,
            form,
            lambda data: services.plan_set(user=user, province_id=user.region_id, year=year, **data),
            done=_("The inspection plan of %(year)s was saved.") % {"year": year},
            then=reverse("sitechecks:plan") + f"?year={year}",
        )
        if not isinstance(saved, int):
            return saved
        status = saved
    else:
        initial = {"rule": "percent", "value": "30", "min_one": True, "force_objections": True}
        initial |= {"force_demonstration": True, "flag_weight": "1", "return_level": "province"}
        if plan is not None:
            initial = {
                f: getattr(plan, f)
                for f in PlanForm.base_fields
                if f not in ("district_rules",) and hasattr(plan, f)
            }
            initial["district_rules"] = "; ".join(
                f"{code[:6]}:{r['rule']}:{r['value']}" for code, r in (plan.district_rules or {}).items()
            )
        form = PlanForm(initial=initial)
    context = {
        "form": form,
        "year": year,
        "plan": plan,
        "years": range(campaign_year() + 1, FIRST_YEAR - 1, -1),
    }
    if plan is not None:
        experts = list(Expert.objects.visible_to(user).select_related("user", "work_county"))
        draw = selectors.last_draw(plan)
        context |= {
            "draw": draw,
            "entries": list(selectors.current_entries(plan)) if draw else [],
            "preview": selectors.preview(plan) if draw is None else [],
            "groups": list(InspectionGroup.objects.filter(plan=plan).prefetch_related("members")),
            "experts": experts,
            "group_form": GroupForm(experts=experts),
            "expert_form": ExpertForm(),
        }
    return render(request, "sitechecks/plan.html", context, status=status)


@login_required
@require_POST
def plan_draw(request, pk):
    plan = _staff_plan(request.user, pk)
    try:
        draw = services.sample_draw(user=request.user, plan=plan)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Sample drawn: %(n)s of %(total)s communities.")
            % {"n": len(draw.codes), "total": draw.population},
        )
    return redirect(reverse("sitechecks:plan") + f"?year={plan.year}")


@login_required
@require_POST
def group_new(request, pk):
    plan = _staff_plan(request.user, pk)
    experts = list(Expert.objects.visible_to(request.user))
    form = GroupForm(request.POST, experts=experts)
    if form.is_valid():
        attempt(
            request,
            lambda: services.group_create(
                user=request.user,
                plan=plan,
                name=form.cleaned_data["name"],
                leader_id=form.cleaned_data["leader"],
                member_ids=form.cleaned_data["members"],
            ),
        )
    else:
        messages.error(request, _("Name the group and choose its leader and members."))
    return redirect(reverse("sitechecks:plan") + f"?year={plan.year}")


@login_required
@require_http_methods(["POST"])
def expert_new(request):
    """A provincial department (its pool) or the ministry (the national pool) creates an expert
    account; the one-time password is shown once."""
    user = request.user
    if not (is_province_staff(user) or is_nationwide(user)):
        raise PermissionDenied
    form = ExpertForm(request.POST)
    if form.is_valid():
        try:
            account, code = services.expert_create(user=user, **form.cleaned_data)
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("Expert account %(name)s created; one-time password: %(code)s")
                % {"name": account.username, "code": code},
            )
    else:
        messages.error(request, _("Give the expert's user name and name."))
    return redirect(reverse("sitechecks:plan") if is_province_staff(user) else reverse("home"))


@login_required
@require_POST
def assign(request, pk):
    user = request.user
    if not is_province_staff(user):
        raise PermissionDenied
    sample = get_object_or_404(
        SampleEntry.objects.visible_to(user).select_related("plan", "assessment"), pk=pk
    )
    group = InspectionGroup.objects.filter(
        plan=sample.plan, pk=str(request.POST.get("group", "0"))[:9] or 0
    ).first()
    if group is None:
        messages.error(request, _("Choose a group."))
    else:
        attempt(
            request,
            lambda: services.assignment_create(user=user, sample=sample, group=group),
            success=_("Assigned to %(group)s.") % {"group": group.name},
        )
    return redirect(reverse("sitechecks:plan") + f"?year={sample.plan.year}")


@login_required
@require_GET
def report(request, pk):
    """Per district: sample size, inspected, passed, confirmed − site gap."""
    if not can_read_site_checks(request.user):
        raise PermissionDenied
    plan = get_object_or_404(
        InspectionPlan.objects.visible_to(request.user).select_related("province"), pk=pk
    )
    return render(request, "sitechecks/report.html", {"plan": plan, "figures": selectors.figures(plan)})


# --- The expert's pages -----------------------------------------------------------------------


@never_cache
@login_required
@require_GET
def assignments(request):
    """The expert's open assignments (the province: its plan page)."""
    user = request.user
    if is_province_staff(user):
        return redirect("sitechecks:plan")
    if not is_expert(user):
        raise PermissionDenied
    return render(request, "sitechecks/assignments.html", {"assignments": selectors.expert_assignments(user)})


def _assignment(request, pk):
    user = request.user
    if not (is_expert(user) or can_read_site_checks(user)):
        raise PermissionDenied
    return selectors.assignment_for(user=user, pk=pk)


@login_required
@require_GET
def assignment_page(request, pk):
    """The checklist (an expert) or the records with photos, times and places (the province)."""
    assignment = _assignment(request, pk)
    user = request.user
    context = {"assignment": assignment, "assessment": assignment.sample.assessment}
    if is_expert(user):
        criteria, inspection = selectors.checklist(assignment, user)
        context |= {
            "criteria": criteria,
            "inspection": inspection,
            "is_leader": assignment.group.leader_id == user.pk,
            "sign_off_form": SignOffForm(),
            "conflict_form": ConflictForm(),
            "verdicts": SiteVerdict.choices,
        }
        return render(request, "sitechecks/checklist.html", context)
    context["inspections"] = assignment.inspections.select_related("expert").prefetch_related(
        "items__criterion", "items__photos"
    )
    return render(request, "sitechecks/assignment.html", context)


def _json_wanted(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@login_required
@require_POST
def item_sync(request, pk):
    """One checklist item with its photos, from the phone (JSON) or the plain form. Idempotent by
    the device's ids."""
    if not is_expert(request.user):
        raise PermissionDenied
    post = request.POST
    uploads = []
    for i, f in enumerate(request.FILES.getlist("photo")):
        uploads.append(
            {
                "device_id": (post.getlist("photo_id") + [""] * 50)[i] or None,
                "file": f,
                "captured_at": (post.getlist("photo_time") + [""] * 50)[i],
                "latitude": (post.getlist("photo_lat") + [""] * 50)[i],
                "longitude": (post.getlist("photo_lng") + [""] * 50)[i],
            }
        )
    for upload in uploads:
        upload["device_id"] = upload["device_id"] or services.uuid.uuid4()
    try:
        result = services.item_upload(
            user=request.user,
            assignment_pk=pk,
            inspection_id=post.get("inspection"),
            item_id=post.get("item"),
            criterion_number=post.get("criterion"),
            verdict=post.get("verdict", ""),
            score=post.get("score", ""),
            note=post.get("note", ""),
            client_at=post.get("client_at", ""),
            photo_uploads=uploads,
        )
    except ServiceError as exc:
        if exc.code == "not_found":
            raise Http404 from exc
        if _json_wanted(request):
            return JsonResponse({"error": str(exc.message), "field": exc.field}, status=exc.status)
        messages.error(request, exc.message)
        return redirect("sitechecks:assignment", pk=pk)
    if _json_wanted(request):
        return JsonResponse(result)
    for error in result["errors"]:
        messages.error(request, error["message"])
    messages.success(request, _("Saved."))
    return redirect("sitechecks:assignment", pk=pk)


def _expert_last_step(request, pk, form_class, *, invalid: str, act, success: str):
    """An expert's last step on an assignment of their group (sign off, or step aside for a
    conflict of interest): `act(assignment, cleaned_data)` through the service; back to their
    list when done, to the assignment when the form or the service refused."""
    if not is_expert(request.user):
        raise PermissionDenied
    assignment = selectors.assignment_for(user=request.user, pk=pk)
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, invalid)
    elif attempt(request, lambda: act(assignment, form.cleaned_data), success=success):
        return redirect("sitechecks:home")
    return redirect("sitechecks:assignment", pk=pk)


@login_required
@require_POST
def sign_off(request, pk):
    return _expert_last_step(
        request,
        pk,
        SignOffForm,
        invalid=_("Choose the result and write the conclusion."),
        act=lambda assignment, data: services.inspection_sign_off(
            user=request.user, assignment=assignment, **data
        ),
        success=_("The inspection is signed off."),
    )


@login_required
@require_POST
def conflict(request, pk):
    return _expert_last_step(
        request,
        pk,
        ConflictForm,
        invalid=_("Say why (e.g. a relative lives in the community)."),
        act=lambda assignment, data: services.conflict_declare(
            user=request.user, assignment=assignment, reason=data["reason"]
        ),
        success=_("Your conflict of interest is recorded; the province will reassign the community."),
    )


@login_required
@require_GET
def photo(request, pk):
    """A site photo (without its location): the group's experts while the assignment is open, the
    province's staff and nationwide users."""
    user = request.user
    if not (is_expert(user) or can_read_site_checks(user)):
        raise PermissionDenied
    from .models import Assignment

    visible = Assignment.objects.visible_to(user).values("pk")
    row = get_object_or_404(InspectionPhoto, pk=pk, item__inspection__assignment__in=visible)
    return FileResponse(
        row.file.open("rb"), content_type=f"image/{'jpeg' if row.kind == 'jpeg' else row.kind}"
    )
