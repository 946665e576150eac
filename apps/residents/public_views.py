"""The residents' pages without login: a community's page (made for phones first) and its survey.
A code that does not exist or is retired gets a Chinese 404 with a link to the public index.

The page's body is cached per community and year for settings.RESIDENT_PAGE_CACHE_SECONDS (it holds
no per-reader data), so a crowd of readers costs one render a minute. Answers are throttled per
address and community (apps.residents.throttling), one per device and year; what was typed comes
back with every refusal."""

import uuid

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from apps.core.campaign import campaign_year
from apps.core.errors import ServiceError

from . import selectors, services
from .forms import AnswerForm
from .privacy import device_hash, normalise_phone, phone_hash
from .throttling import answer_refusal, code_refusal

DEVICE_COOKIE = "gc_device"
DEVICE_SALT = "residents.device"
DEVICE_MAX_AGE = 400 * 24 * 3600


def _not_found(request):
    return render(request, "residents/not_found.html", status=404)


@require_GET
def community_page(request, code):
    community = selectors.public_community(code)
    if community is None:
        return _not_found(request)
    year = campaign_year()
    key = f"residents:page:{code}:{year}:{translation.get_language()}"
    body = cache.get(key)
    if body is None:
        page = selectors.public_page(community=community, year=year)
        body = render_to_string("residents/_page_body.html", {"page": page}, request=None)
        cache.set(key, body, settings.RESIDENT_PAGE_CACHE_SECONDS)
    return render(
        request,
        "residents/page.html",
        {"community": community, "year": year, "body": mark_safe(body)},  # noqa: S308  (our template, escaped there)
    )


def _device_id(request) -> str | None:
    value = request.get_signed_cookie(DEVICE_COOKIE, default=None, salt=DEVICE_SALT)
    try:
        return str(uuid.UUID(value)) if value else None
    except (ValueError, signing.BadSignature):
        return None


@require_http_methods(["GET", "POST"])
def survey(request, code):
    community = selectors.public_community(code)
    if community is None:
        return _not_found(request)
    year = campaign_year()
    the_survey = services.survey_effective(province_id=community.province_id, year=year)
    device = _device_id(request)
    new_device = device is None
    device = device or str(uuid.uuid4())
    dhash = device_hash(device)
    form = AnswerForm(request.POST or None, survey=the_survey)
    status, done, sent = 200, False, False
    already = not new_device and selectors.answered(device_hash=dhash, year=year)
    if request.method == "POST":
        status, done, sent = _post(request, form, community, the_survey, dhash, new_device, already)
        already = already or status == 409
        if sent:
            # A code was asked for before the questions were answered: what was typed comes back,
            # without "required" errors on what the resident has not reached yet.
            form = AnswerForm(initial=request.POST.dict(), survey=the_survey)
    response = render(
        request,
        "residents/survey.html",
        {
            "community": community,
            "survey": the_survey,
            "form": form,
            "done": done,
            "already": already and not done,
            "sent": sent,
        },
        status=status,
    )
    if new_device:
        response.set_signed_cookie(
            DEVICE_COOKIE,
            device,
            salt=DEVICE_SALT,
            max_age=DEVICE_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response


def _post(request, form, community, the_survey, dhash, new_device, already) -> tuple[int, bool, bool]:
    """(status, answer stored, code sent) for a posted survey; errors are added to the form."""
    if new_device:
        # No device cookie: the browser refused it or this is its first visit through a POST.
        form.is_valid()
        form.add_error(
            None, _("Your browser did not send the survey's cookie: allow cookies and send again.")
        )
        return 400, False, False
    if already:
        form.is_valid()
        form.add_error(None, services.already_answered_message())
        return 409, False, False
    sending = request.POST.get("action") == "send_code"
    if not form.is_valid() and not sending:
        return 400, False, False
    phone_h = ""
    if the_survey.sms_required:
        phone = normalise_phone(request.POST.get("phone", ""))
        if phone is None:
            form.add_error("phone", _("Enter an 11-digit mainland mobile number."))
            return 400, False, False
        phone_h = phone_hash(phone)
        if sending:
            refusal = code_refusal(request)
            if refusal:
                form.add_error(None, refusal)
                return 429, False, False
            services.sms_code_send(phone=phone, phone_hash=phone_h, device_hash=dhash)
            return 200, False, True
        try:
            services.sms_code_check(phone_hash=phone_h, device_hash=dhash, code=request.POST.get("code", ""))
        except ServiceError as exc:
            form.add_error("code", exc.message)
            return 400, False, False
    refusal = answer_refusal(request, community.code)
    if refusal:
        form.add_error(None, refusal)
        return 429, False, False
    try:
        services.answer_submit(
            survey=the_survey,
            community=community,
            device_hash=dhash,
            ratings=form.ratings(),
            comment=form.cleaned_data.get("comment", ""),
            phone_hash=phone_h,
        )
    except ServiceError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return exc.status, False, False
    return 200, True, False
