"""The staff's pages of the residents' voice: a community's results (its committee, its reviewers,
the province, nationwide users; another region's community does not exist), its poster, the posters
of a whole area (a job in the worker, with progress), and the province's survey and gate with the
distribution of satisfaction across its communities."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from apps.accounts.capabilities import is_province_staff
from apps.accounts.models import Role
from apps.accounts.scoping import is_active_user
from apps.communities.models import Community
from apps.core.errors import ServiceError
from apps.regions.models import Region

from . import posters, selectors, services
from .forms import SurveyForm
from .models import PosterJob, PosterJobState, area_scope_q


def _community(user, code) -> Community:
    community = Community.objects.visible_to(user).with_regions().filter(code=code).first()
    if community is None:
        raise Http404
    return community


def base_url(request) -> str:
    return settings.PUBLIC_BASE_URL or request.build_absolute_uri("/")


@login_required
@require_GET
def results(request, code, year):
    community = _community(request.user, code)
    gate = selectors.gate_for(community_id=community.code, province_id=community.province_id, year=year)
    return render(
        request,
        "residents/results.html",
        {
            "community": community,
            "year": year,
            "gate": gate,
            "results": gate.results,
            "comments": selectors.staff_comments(community_id=community.code, year=year),
        },
    )


@login_required
@require_GET
def poster(request, code):
    community = _community(request.user, code)
    response = HttpResponse(
        posters.render_one(community, base_url=base_url(request)), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="poster-{community.code}.pdf"'
    return response


def _area(user, code) -> Region:
    if not is_active_user(user) or user.role == Role.COMMUNITY:
        raise PermissionDenied
    region = Region.objects.filter(area_scope_q(user, "")).filter(pk=code).first()
    if region is None:
        raise Http404
    return region


@login_required
@require_http_methods(["GET", "POST"])
def area_posters(request, code):
    """The posters of every community of a street, district or city, as one PDF made by the worker."""
    region = _area(request.user, code)
    if request.method == "POST":
        try:
            job = services.poster_job_start(user=request.user, region=region, base_url=base_url(request))
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            return redirect("residents:poster-job", pk=job.pk)
    jobs = PosterJob.objects.visible_to(request.user).filter(region=region)[:5]
    count = services.area_communities(region).count()
    return render(request, "residents/area_posters.html", {"region": region, "jobs": jobs, "count": count})


def _job(user, pk) -> PosterJob:
    job = PosterJob.objects.visible_to(user).select_related("region").filter(pk=pk).first()
    if job is None:
        raise Http404
    return job


@login_required
@require_GET
def poster_job(request, pk):
    job = _job(request.user, pk)
    return render(
        request,
        "residents/poster_job.html",
        {"job": job, "running": job.state in (PosterJobState.QUEUED, PosterJobState.RUNNING)},
    )


@login_required
@require_GET
def poster_job_download(request, pk):
    job = _job(request.user, pk)
    if job.state != PosterJobState.DONE or not job.file:
        raise Http404
    return FileResponse(
        job.file.open("rb"),
        as_attachment=True,
        filename=f"posters-{job.region_id}.pdf",
        content_type="application/pdf",
    )


def _province(user) -> Region:
    if not is_province_staff(user):
        raise PermissionDenied
    return user.region


@login_required
@require_http_methods(["GET", "POST"])
def survey_settings(request, year):
    """The province's survey and gate for a year, and the distribution of its communities'
    satisfaction."""
    province = _province(request.user)
    survey = selectors.survey_for(province_id=province.pk, year=year)
    initial = {
        "questions": "\n".join(survey.questions if survey else selectors.default_questions()),
        "sms_required": survey.sms_required if survey else False,
        "gate_share_percent": survey.gate_share_percent if survey else None,
        "gate_min_answers": survey.gate_min_answers if survey else None,
    }
    form = SurveyForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.survey_set(
                    user=request.user,
                    province_id=province.pk,
                    year=year,
                    questions=data["questions"].splitlines(),
                    sms_required=data["sms_required"],
                    gate_share_percent=data["gate_share_percent"],
                    gate_min_answers=data["gate_min_answers"],
                )
            except ServiceError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
                status = exc.status
            else:
                messages.success(request, _("The residents' survey and gate were saved."))
                return redirect("residents:survey-settings", year=year)
        else:
            status = 400
    return render(
        request,
        "residents/survey_settings.html",
        {
            "province": province,
            "year": year,
            "survey": survey,
            "form": form,
            "distribution": selectors.distribution(survey=survey) if survey else None,
        },
        status=status,
    )
