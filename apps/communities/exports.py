"""The community registry export: every community in the caller's scope with its state of a year."""

from django.db.models import FilteredRelation, Q
from django.utils.translation import gettext as _

from apps.assessments.models import State
from apps.core.exports import CHUNK, local_time, place_cells

from .models import Community


def community_export_rows(*, user, year: int):
    """Communities in the caller's scope with the state of their assessment for `year` (blank: none).
    One query, streamed: a LEFT JOIN on that year's assessment, never a query per community."""
    # Labels are translated now, in the request's language, not later while the response streams.
    labels = {value: str(label) for value, label in State.choices}
    not_started = _("Not started")
    qs = (
        Community.objects.visible_to(user)
        .annotate(current=FilteredRelation("assessments", condition=Q(assessments__year=year)))
        .order_by("code")
        .values_list(
            "code",
            "name",
            "province__name",
            "city__name",
            "county__name",
            "street_id",
            "street__name",
            "current__state",
            "current__submitted_at",
            "current__approved_at",
        )
    )
    return _community_rows(qs, year, labels, not_started)


def _community_rows(qs, year, labels, not_started):
    for code, name, prov, city, county, street, street_name, state, submitted, approved in qs.iterator(
        chunk_size=CHUNK
    ):
        yield (
            *place_cells(code, name, prov, city, county, street),
            street_name,
            year,
            state or "",
            labels.get(state, not_started),
            local_time(submitted),
            local_time(approved),
        )


def community_export_header() -> list[str]:
    return [
        _("Statistical code"),
        _("Name"),
        _("Provincial unit"),
        _("City"),
        _("County"),
        _("Street code"),
        _("Street"),
        _("Year"),
        _("State code"),
        _("State"),
        _("Submitted at"),
        _("Approved at"),
    ]
