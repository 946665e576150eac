"""The account pages: the list of the accounts a user manages (filters, search, the rollout's
coverage), one account with the level above's actions (one-time password, deactivate/reactivate,
lift a lockout), and everyone's own care (password, e-mail and phone, password reset by e-mail)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.core.errors import ServiceError
from apps.core.models import TraceEvent, TraceKind

from . import services, twofactor
from .forms import AccountFilterForm, ContactForm, PasswordChangeForm, SetPasswordForm
from .managing import account_manage_check, can_manage_accounts
from .models import User
from .selectors import account_coverage, account_list, locked_usernames

PAGE_SIZE = 50


@login_required
@require_GET
def account_manage_list(request):
    if not can_manage_accounts(request.user):
        raise PermissionDenied
    form = AccountFilterForm(request.GET or None, user=request.user)
    filters = {}
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        filters = {
            "level": d["level"],
            "region": d["region"],
            "active": d["active"],
            "never_logged_in": d["never_logged_in"],
            "locked": d["locked"],
            "search": d["q"],
        }
    rows = account_list(actor=request.user, **filters)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    locked = locked_usernames(u.username for u in page)
    return render(
        request,
        "accounts/manage_list.html",
        {"form": form, "page": page, "locked": locked, "coverage": account_coverage(actor=request.user)},
    )


def _managed_or_error(request, pk) -> User:
    """The account `pk` if the caller manages it: 404 outside its scope, 403 at or above its level."""
    target = User.objects.select_related("region", "community", "community__street").filter(pk=pk).first()
    if target is None:
        if not can_manage_accounts(request.user):
            raise PermissionDenied
        raise Http404
    account_manage_check(request.user, target)
    return target


def _detail_context(request, target, **extra):
    history = (
        TraceEvent.objects.filter(kind=TraceKind.ACCOUNT, subject=str(target.pk))
        .select_related("actor")
        .order_by("-id")[:20]
    )
    return {
        "account": target,
        "locked": bool(locked_usernames([target.username])),
        # The level above may reset a lost authenticator (apps.accounts.twofactor).
        "twofactor_enrolled": twofactor.may_reset(request.user, target) and twofactor.is_enrolled(target),
        "history": history,
        **extra,
    }


@login_required
@require_GET
def account_detail(request, pk):
    target = _managed_or_error(request, pk)
    return render(request, "accounts/detail.html", _detail_context(request, target))


@login_required
@require_POST
def account_reset(request, pk):
    """A new one-time password, shown on this answer only (never stored readable)."""
    target = _managed_or_error(request, pk)
    code = services.account_reset_by_manager(actor=request.user, user=target)
    target.refresh_from_db()
    response = render(
        request, "accounts/detail.html", _detail_context(request, target, one_time_password=code)
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def account_active(request, pk):
    target = _managed_or_error(request, pk)
    active = request.POST.get("active") == "1"
    services.account_set_active(actor=request.user, user=target, active=active)
    messages.success(
        request, _("The account is active again.") if active else _("The account is deactivated.")
    )
    return redirect("accounts:detail", pk=target.pk)


@login_required
@require_POST
def account_unlock(request, pk):
    target = _managed_or_error(request, pk)
    removed = services.account_lift_lockout(actor=request.user, user=target)
    messages.success(
        request, _("The lockout is lifted.") if removed else _("The account was not locked out.")
    )
    return redirect("accounts:detail", pk=target.pk)


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change one's own password. After a one-time password (no usable password yet) the old
    password is not asked for; the validators' reasons are in the user's language."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password_change_done")

    def get_form_class(self):
        return PasswordChangeForm if self.request.user.has_usable_password() else SetPasswordForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["forced"] = self.request.user.must_change_password
        return context

    def form_valid(self, form):
        services.account_password_change(
            user=self.request.user, new_password=form.cleaned_data["new_password1"]
        )
        update_session_auth_hash(self.request, self.request.user)
        return redirect(self.get_success_url())


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


@login_required
@require_http_methods(["GET", "POST"])
def contact(request):
    """One's own e-mail address and phone number."""
    user = request.user
    form = ContactForm(request.POST or None, initial={"email": user.email, "phone": user.phone})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.account_contact_update(
                    user=user, email=form.cleaned_data["email"], phone=form.cleaned_data["phone"]
                )
            except ServiceError as error:
                form.add_error(error.field, error.message)
            else:
                messages.success(request, _("Your contact details are saved."))
                return redirect("accounts:contact")
    return render(request, "accounts/contact.html", {"form": form}, status=status)


def reset_by_email_available() -> bool:
    return bool(getattr(settings, "PASSWORD_RESET_BY_EMAIL", False))


class PasswordResetView(auth_views.PasswordResetView):
    """Password reset by e-mail, when mail is configured (EMAIL_URL); otherwise a page that says it
    is not available and whom to ask."""

    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def dispatch(self, request, *args, **kwargs):
        if not reset_by_email_available():
            return render(request, "accounts/password_reset_unavailable.html")
        return super().dispatch(request, *args, **kwargs)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    form_class = SetPasswordForm
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        services.account_password_change(user=form.user, new_password=form.cleaned_data["new_password1"])
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        return redirect(self.get_success_url())


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
