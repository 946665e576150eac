"""The form renderer of every form (settings.FORM_RENDERER): Django's own, except that a plain
<select> is written in Python instead of through three templates per option, and an <input>
(text, number, search, date ...) instead of through three templates (its type's, input.html,
attrs.html): the search box alone was a tenth of the community list's time (issue 29).

Django renders a select as select.html, which includes select_option.html for each option, which
includes attrs.html: a filter by region with 100 counties is some 300 template renders. The
bench's profiles (docs/benchmarks.md, issue 29) found the filter forms' selects to be the largest
single cost of the review queues and the community list. The markup written here is exactly
Django's (tests/core/test_forms_renderer.py compares the two on every kind of select the portal
has); any other widget, and any select with a template of its own, goes through the templates.
"""

from django.forms.renderers import DjangoTemplates
from django.template import Context
from django.template.base import render_value_in_context
from django.template.defaultfilters import stringformat
from django.utils.safestring import SafeData, mark_safe

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"
# Django's templates that are only `{% include "django/forms/widgets/input.html" %}`.
INPUTS = frozenset(
    f"django/forms/widgets/{kind}.html"
    for kind in (
        "input", "text", "number", "email", "url", "password", "hidden", "search", "tel", "date",
        "datetime", "time", "color",
    )
)  # fmt: skip


class PortalFormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        widget = context.get("widget") if isinstance(context, dict) else None
        if template_name == SELECT and widget is not None and _plain_options(widget):
            return _select(widget)
        if template_name in INPUTS and widget is not None:
            return _input(widget)
        return super().render(template_name, context, request=request)


def _plain_options(widget) -> bool:
    return all(
        option.get("template_name") == OPTION
        for _name, options, _index in widget["optgroups"]
        for option in options
    )


_CONTEXT = Context(autoescape=True)


def _text(value) -> str:
    """{{ value }} as a template writes it (localized, escaped)."""
    return render_value_in_context(value, _CONTEXT)


def _s(value) -> str:
    """{{ value|stringformat:'s' }}"""
    out = stringformat(value, "s")
    return _text(mark_safe(out) if isinstance(value, SafeData) else out)


def _attrs(attrs) -> str:
    """django/forms/widgets/attrs.html"""
    out = []
    for name, value in attrs.items():
        if value is not False:
            out.append(" " + _text(name))
            if value is not True:
                out.append(f'="{_s(value)}"')
    return "".join(out)


def _option(option) -> str:
    """django/forms/widgets/select_option.html, as select.html includes it."""
    return f'\n  <option value="{_s(option["value"])}"{_attrs(option["attrs"])}>{_text(option["label"])}</option>\n'


def _select(widget) -> str:
    """django/forms/widgets/select.html with select_option.html, character for character."""
    out = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        group = "".join(_option(option) for option in options)
        if group_name:
            group = f'\n  <optgroup label="{_text(group_name)}">{group}\n  </optgroup>'
        out.append(group)
    out.append("\n</select>")  # the renderer strips what the template ends with
    return "".join(out)


def _input(widget) -> str:
    """django/forms/widgets/input.html (each input type's template includes it), stripped."""
    value = widget["value"]
    shown = "" if value is None else f' value="{_s(value)}"'
    return f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"{shown}{_attrs(widget["attrs"])}>'
