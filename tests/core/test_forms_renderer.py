"""The portal's form renderer writes a <select> character for character as Django's templates do
(apps/core/forms_renderer.py): every kind of select the pages have, and the real filter forms."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, override

from apps.core.forms_renderer import PortalFormRenderer
from apps.regions.models import Region


def both(widget_or_field, name, value):
    fast = widget_or_field.render(name, value, renderer=PortalFormRenderer())
    slow = widget_or_field.render(name, value, renderer=DjangoTemplates())
    return fast, slow


class Everything(forms.Form):
    plain = forms.ChoiceField(choices=[("", "All"), ("a", "A & <b>"), (1, 'one "1"')], required=False)
    lazy = forms.ChoiceField(choices=[("x", gettext_lazy("All")), ("y", mark_safe("<i>y</i>"))])
    grouped = forms.ChoiceField(
        choices=[("", "—"), ("Group <1>", [("a", "A"), ("b", "B")]), ("c", "C")], required=False
    )
    many = forms.MultipleChoiceField(choices=[("a", "A"), ("b", "B"), ("c", "C")], required=False)
    typed = forms.TypedChoiceField(choices=[(2024, 2024), (2025, 2025)], coerce=int, required=False)
    flag = forms.NullBooleanField(required=False)
    attrs = forms.ChoiceField(
        choices=[("a", "A")],
        widget=forms.Select(attrs={"class": "select", "data-autosubmit": "1", "disabled": True, "x": False}),
    )
    empty = forms.ChoiceField(choices=[], required=False)


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"plain": "a", "lazy": "y", "grouped": "b", "many": ["a", "c"], "typed": "2025", "flag": "true"},
        {"plain": "1", "grouped": "c", "flag": "false", "many": ["zzz"]},
    ],
)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_kind_of_select_is_written_as_djangos_templates_write_it(data, language):
    with override(language):
        fast = Everything(data, renderer=PortalFormRenderer())
        slow = Everything(data, renderer=DjangoTemplates())
        for name in fast.fields:
            assert str(fast[name]) == str(slow[name]), name
        assert str(fast) == str(slow)


@pytest.mark.django_db
def test_model_choices_and_the_real_filter_forms_are_unchanged(client_for, province_user, ministry_user):
    from apps.communities.filters import CommunityFilter
    from apps.communities.models import Community
    from apps.review.forms import QueueFilterForm

    field = forms.ModelChoiceField(Region.objects.order_by("code")[:40], empty_label="All")
    fast, slow = both(field.widget, "province", Region.objects.order_by("code").first().pk)
    assert fast == slow and "<option" in fast
    for user in (province_user, ministry_user):
        for data in ({}, {"year": "2025", "state": "submitted"}):
            a, b = QueueFilterForm(data, user=user), QueueFilterForm(data, user=user)
            a.renderer, b.renderer = PortalFormRenderer(), DjangoTemplates()
            assert [str(f) for f in a] == [str(f) for f in b]
        base = Community.objects.visible_to(user)
        a = CommunityFilter({"status": "all"}, queryset=base, user=user).form
        a.renderer = PortalFormRenderer()
        b = CommunityFilter({"status": "all"}, queryset=base, user=user).form
        b.renderer = DjangoTemplates()
        assert [str(f) for f in a] == [str(f) for f in b]


def test_the_portal_uses_it(settings):
    assert settings.FORM_RENDERER == "apps.core.forms_renderer.PortalFormRenderer"


class Inputs(forms.Form):
    text = forms.CharField(required=False, widget=forms.TextInput(attrs={"placeholder": 'a "q" & <b>'}))
    search = forms.CharField(
        required=False, widget=forms.TextInput(attrs={"type": "search", "autofocus": True})
    )
    number = forms.IntegerField(required=False, min_value=0)
    decimal = forms.DecimalField(required=False, decimal_places=2)
    email = forms.EmailField(required=False)
    url = forms.URLField(required=False)
    password = forms.CharField(required=False, widget=forms.PasswordInput(render_value=True))
    hidden = forms.CharField(required=False, widget=forms.HiddenInput)
    day = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date", "x": False}))
    moment = forms.DateTimeField(required=False)
    hour = forms.TimeField(required=False)
    lazy = forms.CharField(
        required=False,
        initial=gettext_lazy("All"),
        widget=forms.TextInput(attrs={"title": gettext_lazy("All")}),
    )
    safe = forms.CharField(required=False, initial=mark_safe("<i>x</i>"))


@pytest.mark.parametrize(
    "data",
    [
        None,
        {},
        {
            "text": '"><script>',
            "search": "花园社区",
            "number": "12",
            "decimal": "1.5",
            "email": "a@b.cn",
            "url": "https://x.cn/?a=1&b=2",
            "password": "p<w>",
            "hidden": "h&",
            "day": "2026-12-07",
            "moment": "2026-12-07 10:00",
            "hour": "10:00",
        },
        {"number": "x", "decimal": "1,5", "day": "bad"},
    ],
)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_kind_of_input_is_written_as_djangos_templates_write_it(data, language):
    with override(language):
        fast = Inputs(data, renderer=PortalFormRenderer())
        slow = Inputs(data, renderer=DjangoTemplates())
        for name in fast.fields:
            assert str(fast[name]) == str(slow[name]), name
        assert str(fast) == str(slow)
