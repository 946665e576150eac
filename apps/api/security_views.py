"""The signed-in user's own security pages under /accounts/security/: API tokens (list, issue,
revoke) and two-factor sign-in. Thin: writes through apps.api.services and apps.accounts.twofactor."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from apps.core.errors import NotFoundError, ServiceError

from . import selectors, services


class TokenForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Token name"), max_length=100, required=False)


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request):
    form = TokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_key = services.issue_token(user=request.user, name=form.cleaned_data["name"])
            form = TokenForm()
        except ServiceError as error:
            form.add_error(error.field, error.message)
    rows = list(selectors.tokens_of(request.user))
    context = {
        "tokens": rows,
        "form": form,
        "new_key": new_key,
        "now": timezone.now(),
        "token_days": settings.API_TOKEN_DAYS,
    }
    return render(request, "security/tokens.html", context)


@login_required
@require_POST
def token_revoke(request, pk):
    try:
        services.revoke_token(user=request.user, pk=pk)
    except NotFoundError:
        raise Http404 from None
    messages.success(request, _("The token was revoked."))
    return redirect("security:tokens")
