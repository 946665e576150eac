"""Pages of the reports app: the provincial report (province staff; read-only for the ministry) and
the national dashboard (ministry). Every read goes through the selectors' scoped querysets."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from apps.accounts.capabilities import (
    can_edit_report,
    can_read_national_pdf,
    can_see_national,
    is_province_staff,
)
from apps.core import campaign
from apps.core.broker import broker_available
from apps.core.campaign import NATIONAL_TARGET_YEAR, campaign_year, report_deadline
from apps.core.drafts import draft_endpoint
from apps.core.errors import ForbiddenError, ServiceError
from apps.notices.services import notices_read_for

from . import charts, jobs, presenters, selectors, services, tasks
from .figures import compose, live, store
from .figures.counts import figure_years
from .forms import NarrativeForm, ReturnForm
from .models import NARRATIVE_FIELDS, AnnualReport, CompileJob, JobKind, NationalSnapshot


def _broker_down_message() -> str:
    return _(
        "Reports cannot be compiled right now: the compile service (Redis) is unreachable. "
        "Your request is kept and runs as soon as the service is back; everything else works as usual."
    )


def _require_national(request) -> None:
    if not can_see_national(request.user):
        raise Http404


@login_required
@require_GET
def index(request):
    """Province staff land on their own report of the campaign year; the ministry on the dashboard."""
    user = request.user
    if is_province_staff(user):
        report = services.annual_report_ensure(province_code=user.region_id, year=campaign_year())
        return redirect("reports:detail", pk=report.pk)
    if can_see_national(user):
        return redirect("reports:national", year=campaign_year())
    raise Http404


@login_required
@require_GET
def detail(request, pk):
    report = selectors.access_report(user=request.user, pk=pk)
    notices_read_for(user=request.user, url=reverse("reports:detail", args=[report.pk]))
    can_edit = can_edit_report(request.user, report.province_id) and report.is_editable
    form = NarrativeForm(instance=report, initial={"version": report.version}) if can_edit else None
    return render(request, "reports/detail.html", _detail_context(request, report, form))


def _detail_context(request, report: AnnualReport, form, return_form=None) -> dict:
    figures = report.figures or {}
    job = (
        CompileJob.objects.visible_to(request.user)
        .filter(kind=JobKind.PROVINCE, province_id=report.province_id, year=report.year)
        .first()
    )
    today = campaign.today()
    areas = figures.get("cities") if figures.get("has_cities", True) else figures.get("counties")
    return {
        "report": report,
        "f": figures,
        "t": figures.get("totals", {}),
        "levels": presenters.waiting_levels(figures),
        "changes": presenters.change_rows(selectors.report_changes_since_submission(report=report)),
        "form": form,
        "return_form": return_form or (ReturnForm() if can_see_national(request.user) else None),
        "is_province": can_edit_report(request.user, report.province_id),
        "narrative": presenters.narrative(report),
        "deadline": report_deadline(report.year),
        "days_left": (report_deadline(report.year) - today).days,
        "due": campaign.due(report_deadline(report.year), on=today),
        "job": job,
        "broker_down": not broker_available(),
        "broker_down_message": _broker_down_message(),
        "events": report.events.select_related("actor").order_by("-at", "-id")[:20],
        "city_chart": charts.bar_chart(
            presenters.share_items(areas or []),
            target=figures.get("target"),
            label=_("Share meeting the requirements by city")
            if figures.get("has_cities") is not False
            else _("Share meeting the requirements by district"),
        )
        if figures
        else "",
        "criteria_chart": presenters.criteria_chart(figures) if figures else "",
        "criteria_rows": presenters.criteria_rows(figures),
        "score_chart": presenters.score_chart(figures),
    }


def _report_page(request, pk) -> str:
    return reverse("reports:detail", args=[pk])


def _narrative_save(request, report):
    """Save the posted narrative: (the saved report, its form) or (None, the form as typed with its
    errors), for the narrative's own button and for the submit that saves it first."""
    form = NarrativeForm(request.POST, instance=AnnualReport.objects.get(pk=report.pk))
    if not form.is_valid():
        return None, form
    try:
        saved = services.annual_report_update_narrative(
            report=report,
            user=request.user,
            data=form.cleaned_data,
            expected_version=form.cleaned_data["version"],
        )
    except ForbiddenError:
        # Readers of the report (the ministry) may not change it: 403, not a pretended 404.
        raise PermissionDenied from None
    except ServiceError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return None, form
    return saved, form


@draft_endpoint(_report_page)
def narrative(request, pk):
    report = selectors.access_report(user=request.user, pk=pk)
    saved, form = _narrative_save(request, report)
    if saved is not None:
        messages.success(request, _("The narrative was saved."))
        return redirect("reports:detail", pk=report.pk)
    return render(request, "reports/detail.html", _detail_context(request, report, form), status=400)


@login_required
@require_POST
def compile_report(request, pk):
    report = selectors.access_report(user=request.user, pk=pk)
    jobs.compile_jobs_requeue()
    try:
        job = jobs.compile_job_start(
            user=request.user, kind=JobKind.PROVINCE, year=report.year, province_code=report.province_id
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        job.refresh_from_db()
        if job.state == "done":
            messages.success(request, _("The figures were compiled."))
        elif job.enqueued_at is None:
            messages.warning(request, _broker_down_message())
        else:
            messages.info(request, _("Compiling: the page refreshes when it is done."))
    return redirect("reports:detail", pk=report.pk)


def _missing_sections(report) -> list[str]:
    return [
        f"{i}. {AnnualReport._meta.get_field(name).verbose_name}"
        for i, name in enumerate(NARRATIVE_FIELDS, start=1)
        if not (getattr(report, name) or "").strip()
    ]


@draft_endpoint(_report_page)
def submit(request, pk):
    """Submit the report to the ministry. The narrative form's submit button posts the narrative
    with it: it is saved first, so nothing typed is lost. Before anything is sent the page shows what
    will happen and who will be told; only the confirm step (`confirm=1`) submits. An empty section is
    named."""
    report = selectors.access_report(user=request.user, pk=pk)
    if not can_edit_report(request.user, report.province_id):
        raise PermissionDenied
    form = None
    saved_now = False
    version = int(request.POST.get("version", "")) if (request.POST.get("version") or "").isdigit() else None
    if any(name in request.POST for name in NARRATIVE_FIELDS):
        saved, form = _narrative_save(request, report)
        if saved is None:
            return render(request, "reports/detail.html", _detail_context(request, report, form), status=400)
        report = saved
        version = report.version
        saved_now = True
        # The page shown from here on carries the saved text and the new version.
        form = NarrativeForm(instance=report, initial={"version": report.version})
    missing = _missing_sections(report)
    confirmed = request.POST.get("confirm") == "1"
    # (A confirmed submit without the narrative form goes on: the service says what is wrong.)
    if (missing or not confirmed) and not (form is None and confirmed):
        if form is None:
            form = NarrativeForm(instance=report, initial={"version": report.version})
        context = _detail_context(request, report, form)
        context["narrative_saved"] = saved_now
        if missing:
            context["submit_error"] = _(
                "The report cannot be submitted yet: every section of the narrative must be written. Still empty: %(list)s."
            ) % {"list": "；".join(missing)}
            return render(request, "reports/detail.html", context, status=400)
        context["confirm_submit"] = True
        return render(request, "reports/detail.html", context)
    try:
        services.annual_report_submit(report=report, user=request.user, expected_version=version)
    except ForbiddenError:
        raise PermissionDenied from None
    except ServiceError as exc:
        message = exc.message
        if missing:
            message = f"{message} " + _("Still empty: %(list)s.") % {"list": "；".join(missing)}
        messages.error(request, message)
    else:
        messages.success(request, _("The report was submitted to the ministry."))
    return redirect("reports:detail", pk=report.pk)


@login_required
@require_POST
def return_report(request, pk):
    report = selectors.access_report(user=request.user, pk=pk)
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            services.annual_report_return(
                report=report, user=request.user, reason=form.cleaned_data["reason"]
            )
        except ForbiddenError:
            raise PermissionDenied from None
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The report was returned to the province."))
    else:
        messages.error(request, _("Give a reason for returning the report."))
    return redirect("reports:detail", pk=report.pk)


def _serve_pdf(request, obj, filename: str, render_task, *args, back: str):
    if not obj.pdf_is_current:
        if not broker_available():
            messages.warning(request, _broker_down_message())
            return redirect(back)
        render_task.delay(*args)  # in the worker; eager (make run) renders right here
        obj.refresh_from_db()
    if not obj.pdf_is_current:
        messages.info(request, _("The PDF is being prepared. Try the download again in a moment."))
        return redirect(back)
    return FileResponse(
        obj.pdf.open("rb"), as_attachment=True, filename=filename, content_type="application/pdf"
    )


@login_required
@require_GET
def report_pdf(request, pk):
    report = selectors.access_report(user=request.user, pk=pk)
    if not report.compiled_at:
        raise Http404
    # Never older than the page: the figures (of a draft) and the status as they stand now.
    report = services.annual_report_make_current(report=report)
    return _serve_pdf(
        request,
        report,
        f"{report.year}-{report.province.name}-年度总结评估报告.pdf",
        tasks.render_annual_report_pdf,
        report.pk,
        back=reverse("reports:detail", args=[report.pk]),
    )


SORTS = {
    # Units without a registry are not ranked: they come last in every order.
    "rank": lambda r: (r["rank"] is None, r["rank"] or 0, r["code"]),
    "name": lambda r: r["code"],
    "share": lambda r: (r["share"] is None, -(r["share"] or 0), r["code"]),
    "participation": lambda r: (r["participation"] is None, -(r["participation"] or 0), r["code"]),
    "registered": lambda r: (-r["registered"], r["code"]),
    "status": lambda r: (["on_time", "late", "not_yet", "missing"].index(r["status"]), r["code"]),
}


ANY_CODE = "000000000000"
# How long a rendered fragment of the dashboard is kept (its key changes with what it shows).
FRAGMENT_TTL_S = 24 * 3600


@login_required
@require_GET
def national(request, year: int):
    """The ministry's dashboard, live: the national share against the target, each unit (linked to
    its figures), the report status (the cards count the rows of the table), the years since 2020
    and a tile map of the units."""
    _require_national(request)
    snapshot = NationalSnapshot.objects.filter(year=year).first()
    figures, as_of = live.national_figures_live(year=year, snapshot=snapshot)
    today = campaign.today()
    status_rows = presenters.status_rows(selectors.report_status(year=year, today=today))
    status = {r["code"]: r for r in status_rows}
    rows = [
        {**u, **{k: v for k, v in status.get(u["code"], {}).items() if k != "name"}}
        for u in figures.get("units", [])
    ]
    sort = request.GET.get("sort", "rank")
    rows.sort(key=SORTS.get(sort, SORTS["rank"]))
    trend = compose.national_trend(until=year)
    status_counts = selectors.report_status_counts(status_rows)
    years = list(reversed(figure_years()))
    tile_colour = "target" if request.GET.get("colour") == "target" else "share"
    # The page's two large fragments (the cards; the table, maps and charts) are rendered once for
    # each distinct set of what they show (issue 29): the figures by their snapshot's `compiled_at`
    # (as the naming stages), everything live by value. Not with figures composed now, nor with the
    # map coloured by the targets (read by the template): rendered every time, as before.
    fragment = (
        presenters.fragment_key(
            year, as_of, today, request.GET.urlencode(), rows, status_counts, trend, years
        )
        if as_of is not None
        else ""
    )
    # One reverse for the 32 tiles' links (one each was a tenth of the dashboard's time, issue 29):
    # the same address with each unit's code in place of a placeholder code.
    region_link = reverse("reports:figures_region", args=[year, ANY_CODE])
    target = figures.get("target", campaign.target_share())
    return render(
        request,
        "reports/national.html",
        {
            "year": year,
            "snapshot": snapshot,
            "as_of": as_of,
            "f": figures,
            "t": figures.get("totals", {}),
            "rows": rows,
            "sort": sort,
            "deadline": report_deadline(year),
            "days_left": (report_deadline(year) - today).days,
            "overdue_days": max(0, (today - report_deadline(year)).days),
            "status_counts": status_counts,
            "status_parts": presenters.status_count_parts(status_counts),
            "fragment": fragment,
            "head_ttl": FRAGMENT_TTL_S if fragment else 0,
            "body_ttl": FRAGMENT_TTL_S if fragment and tile_colour == "share" else 0,
            # The figures are live without the broker; the PDFs are rendered by the worker.
            "broker_down": not broker_available(),
            "broker_down_message": _broker_down_message(),
            # Drawn only when their fragment is rendered (callables: the template calls them).
            "unit_chart": lambda: charts.bar_chart(
                presenters.share_items([u for u in figures.get("units", []) if u.get("registry_imported")]),
                target=figures.get("target"),
                bar_height=12,
                gap=4,
            ),
            "criteria_chart": lambda: presenters.criteria_chart(figures),
            "criteria_rows": lambda: presenters.criteria_rows(figures),
            "trend": trend,
            "trend_chart": lambda: presenters.trend_chart(
                trend, target=target, target_year=NATIONAL_TARGET_YEAR
            ),
            "tile_map": lambda: presenters.tile_map(
                figures.get("units", []),
                href=lambda code: region_link.replace(f"/{ANY_CODE}/", f"/{code}/", 1),
            ),
            "years": years,
            # The tile map by share, or by each unit's distance to its target (apps.targets).
            "tile_colour": tile_colour,
        },
    )


@login_required
@require_POST
def national_remind(request, year: int):
    """The ministry reminds (催报) every unit that has not submitted its report of `year`."""
    _require_national(request)
    try:
        reminded = services.annual_reports_remind_by(user=request.user, year=year)
    except ForbiddenError:
        raise PermissionDenied from None
    if reminded:
        messages.success(
            request,
            _("A reminder was sent to %(n)s provincial units that have not submitted their report.")
            % {"n": reminded},
        )
    else:
        messages.info(
            request,
            _("Nothing was sent: every unit has submitted, or was already reminded today."),
        )
    return redirect("reports:national", year=year)


@login_required
@require_GET
def national_redirect(request):
    _require_national(request)
    return redirect("reports:national", year=campaign_year())


@login_required
@require_POST
def national_compile(request, year: int):
    _require_national(request)
    jobs.compile_jobs_requeue()
    job = jobs.compile_job_start(user=request.user, kind=JobKind.YEAR, year=year)
    job.refresh_from_db()
    if job.enqueued_at is None and job.state == "pending":
        messages.warning(request, _broker_down_message())
    else:
        messages.info(request, _("Compiling every provincial report and the national snapshot."))
    return redirect("reports:national", year=year)


@login_required
@require_GET
def national_pdf(request, year: int):
    # Shared with the national accounts of the ministries that issued the notice (apps.departments).
    if not can_read_national_pdf(request.user):
        raise Http404
    if year in figure_years():
        # The figures and the report status as the dashboard shows them now.
        store.national_snapshot_make_current(year=year)
    try:
        snapshot = selectors.national_snapshot_get(user=request.user, year=year)
    except NationalSnapshot.DoesNotExist:
        raise Http404 from None
    return _serve_pdf(
        request,
        snapshot,
        f"{year}-全国绿色社区创建进展.pdf",
        tasks.render_national_pdf,
        year,
        back=reverse("reports:national", args=[year]),
    )


@login_required
@require_GET
def job_status(request, pk):
    """A compile job's state as JSON, for the page's polling script (scoped like the reports)."""
    try:
        job = selectors.compile_job_get(user=request.user, pk=pk)
    except CompileJob.DoesNotExist:
        raise Http404 from None
    return JsonResponse({"id": str(job.pk), "state": job.state, "error": job.error})
