from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from .models import region_model

ONE_TIME_BACKEND = "apps.accounts.backends.OneTimePasswordBackend"


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("Wrong username or password. Both are case-sensitive."),
        "inactive": _("This account is inactive."),
        "one_time_expired": _(
            "This one-time password has expired. Ask the level above you (your street office, county, "
            "city or provincial housing department) for a new one."
        ),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # An empty field says which one is missing, under that field (the page shows field errors).
        self.fields["username"].error_messages["required"] = _("Enter your username.")
        self.fields["password"].error_messages["required"] = _("Enter your password.")

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError:
            # Say so when the one-time password was right but is used up or too old
            # (apps.accounts.onetime), and whom to ask for a new one.
            from . import onetime
            from .models import User
            from .services import ONE_TIME_USED_MESSAGE

            username, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
            user = User.objects.filter(username=username).first() if username and password else None
            if user is not None and onetime.matches(user, password):
                if onetime.is_used(user):
                    raise forms.ValidationError(ONE_TIME_USED_MESSAGE, code="one_time_used") from None
                if onetime.is_expired(user):
                    raise forms.ValidationError(
                        self.error_messages["one_time_expired"], code="one_time_expired"
                    ) from None
            raise

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if getattr(user, "backend", "") == ONE_TIME_BACKEND:
            # This sign-in uses the one-time password up: it signs in once.
            from apps.core.errors import ServiceError

            from .services import account_one_time_sign_in

            try:
                account_one_time_sign_in(user=user)
            except ServiceError as error:
                raise forms.ValidationError(error.message, code=error.code) from None


class _PasswordRulesUnderTheNewPassword:
    """The password rules' reasons (too short, too common, ...) are about the new password: show
    them under that field, not under its confirmation (where Django puts them)."""

    def clean(self):
        self.validate_passwords("new_password1", "new_password2")
        self.validate_password_for_user(self.user, "new_password1")
        return forms.Form.clean(self)


class SetPasswordForm(_PasswordRulesUnderTheNewPassword, auth_forms.SetPasswordForm):
    pass


class PasswordChangeForm(_PasswordRulesUnderTheNewPassword, auth_forms.PasswordChangeForm):
    pass


class RegionCascadeMixin:
    """Region pickers province → city → county → street (static/js/cascade.js, data-cascade on the
    form) for any form with those four ChoiceFields and a `region` code field: `picked` is the
    deepest valid choice, `clean_region` the region a typed code or the pickers name."""

    PICKERS = ("province", "city", "county", "street")

    def __init__(self, data=None, *args, user=None, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.user = user
        self._cascade(data or {})
        for field in self.fields.values():
            if isinstance(field.widget, forms.Select):
                field.widget.attrs.setdefault("class", "select")

    def _cascade(self, data):
        """Region pickers that cascade province → city → county → street, like the endpoint
        /regions/<code>/children/ that static/js/cascade.js calls: the top picker lists the
        children of the caller's own region (the provincial units for nationwide users), each
        picker below the children of the choice above, never every county of the country at once.
        Without JavaScript the server narrows them on each search; a choice that no longer
        belongs to the one above (a province changed without JavaScript) is dropped."""
        from apps.accounts.scoping import region_tree_q

        self.picked = ""
        scoped = (
            region_model().objects.filter(region_tree_q(self.user))
            if self.user is not None
            else region_model().objects.none()
        )
        rows = self._top_rows(scoped)
        self._pickers_from(rows[0][2] if rows else None)
        self._pickers_follow(rows, scoped, data)
        if hasattr(data, "copy") and self.is_bound:
            self._stale_choices_cleared(data)

    def _top_rows(self, scoped) -> list[tuple[str, str, str]]:
        """(code, name, level) of the top picker's regions: the provincial units for nationwide
        users, else the children of the user's own region (none without a user or a region)."""
        from apps.accounts.scoping import is_nationwide

        if self.user is not None and is_nationwide(self.user):
            return list(scoped.filter(level="province").order_by("code").values_list("code", "name", "level"))
        if self.user is not None and self.user.region_id:
            return list(
                scoped.filter(parent_id=self.user.region_id)
                .order_by("code")
                .values_list("code", "name", "level")
            )
        return []

    def _pickers_from(self, level) -> None:
        """Drop the pickers above `level` (the top picker's level; None: every picker) and empty
        the others to "All"."""
        top = self.PICKERS.index(level) if level in self.PICKERS else len(self.PICKERS)
        for name in self.PICKERS[:top]:
            del self.fields[name]
        for name in self.PICKERS[top:]:
            self.fields[name].choices = [("", _("All"))]

    def _pickers_follow(self, rows, scoped, data) -> None:
        """Fill each picker with `rows` and go down while its choice is one of them: the picker below
        lists the chosen region's children. The deepest valid choice is `picked`."""
        while rows:
            level = rows[0][2]
            if level not in self.fields:
                break
            self.fields[level].choices = [("", _("All")), *[(c, n) for c, n, _lv in rows]]
            chosen = data.get(level) or ""
            if chosen not in {c for c, _n, _lv in rows}:
                break
            self.picked = chosen
            rows = list(scoped.filter(parent_id=chosen).order_by("code").values_list("code", "name", "level"))

    def _stale_choices_cleared(self, data) -> None:
        """The form's data becomes a copy of `data` in which each choice a picker no longer offers
        reads "All": stale choices below the last valid one are not errors."""
        self.data = data.copy()
        for name in self.PICKERS:
            if (
                name in self.fields
                and self.data.get(name)
                and self.data.get(name) not in dict(self.fields[name].choices)
            ):
                self.data[name] = ""

    def clean_region(self):
        code = (self.cleaned_data.get("region") or "").strip()
        if not code:
            return region_model().objects.get(pk=self.picked) if self.picked else None
        if not code.isdigit() or len(code) > 12:
            raise forms.ValidationError(_("A region code is up to 12 digits."))
        region = region_model().objects.visible_to(self.user).filter(pk=code.ljust(12, "0")).first()
        if region is None:
            raise forms.ValidationError(_("No region with this code in your scope."))
        return region


class AccountFilterForm(RegionCascadeMixin, forms.Form):
    """The filters of the account list. The region is a division code in the caller's scope."""

    LEVEL_CHOICES = [
        ("", _("Every level")),
        ("community", _("Community committee")),
        ("street", _("Street office")),
        ("county", _("County department")),
        ("city", _("City department")),
        ("province", _("Provincial housing department")),
        ("ministry", _("Ministry of Housing and Urban-Rural Development")),
    ]
    ACTIVE_CHOICES = [("", _("Active or not")), ("yes", _("Active")), ("no", _("Deactivated"))]

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    level = forms.ChoiceField(label=_("Level"), choices=LEVEL_CHOICES, required=False)
    province = forms.ChoiceField(label=_("Provincial unit"), required=False)
    city = forms.ChoiceField(label=_("City"), required=False)
    county = forms.ChoiceField(label=_("County"), required=False)
    street = forms.ChoiceField(label=_("Street"), required=False)
    region = forms.CharField(label=_("Region code"), required=False, max_length=12)
    active = forms.ChoiceField(label=_("State"), choices=ACTIVE_CHOICES, required=False)
    never_logged_in = forms.BooleanField(label=_("Never signed in"), required=False)
    locked = forms.BooleanField(label=_("Locked out"), required=False)


class ContactForm(forms.Form):
    """The user's own e-mail address and phone number for notices."""

    email = forms.EmailField(label=_("E-mail"), required=False, max_length=254)
    phone = forms.RegexField(
        label=_("Phone"),
        required=False,
        max_length=20,
        regex=r"^[0-9+\-() ]{5,20}$",
        error_messages={"invalid": _("A phone number has 5 to 20 digits, spaces, +, - or brackets.")},
    )


class BulkForm(RegionCascadeMixin, forms.Form):
    """Bulk creation: a region in the caller's scope, picked with the cascading pickers of every
    other page (or typed as a code), and what to create there. Nothing picked: the caller's own
    region."""

    KIND_CHOICES = [
        ("communities", _("Community committees")),
        ("departments", _("Street offices and county departments")),
    ]

    province = forms.ChoiceField(label=_("Provincial unit"), required=False)
    city = forms.ChoiceField(label=_("City"), required=False)
    county = forms.ChoiceField(label=_("County"), required=False)
    street = forms.ChoiceField(label=_("Street"), required=False)
    region = forms.CharField(label=_("Region code"), required=False, max_length=12)
    kind = forms.ChoiceField(
        label=_("Accounts for"), choices=KIND_CHOICES, initial="communities", required=False
    )

    def clean_region(self):
        region = super().clean_region()
        if region is None and self.user is not None and self.user.region_id:
            region = region_model().objects.get(pk=self.user.region_id)  # "All": the caller's own region
        if region is None:
            raise forms.ValidationError(_("Choose a region in your scope."))
        return region

    def clean_kind(self):
        return self.cleaned_data.get("kind") or "communities"
