"""Export of a year's assessments: one row per assessment, each criterion's self-rating and verdict
in columns. The pivot is done by the database (conditional aggregation grouped by assessment), so
the export is one query streamed in chunks, whatever the number of rows."""

from django.db.models import Max, Q
from django.utils.translation import gettext as _

from apps.core.exports import CHUNK, local_time

from .models import Assessment, State

NATIONAL_CRITERIA = range(1, 17)


def _criterion(n: int) -> Q:
    # A provincial variant's criterion counts under the national criterion it maps onto.
    return Q(responses__criterion__national_criterion__number=n) | Q(
        responses__criterion__national_criterion__isnull=True, responses__criterion__number=n
    )


def assessment_export_header() -> list[str]:
    header = [
        _("Statistical code"),
        _("Name"),
        _("Provincial unit"),
        _("City"),
        _("County"),
        _("Street"),
        _("Year"),
        _("State code"),
        _("State"),
        _("Round"),
        _("Submitted at"),
        _("Approved at"),
    ]
    for n in NATIONAL_CRITERIA:
        header += [
            _("Criterion %(n)s self-rating") % {"n": n},
            _("Criterion %(n)s verdict") % {"n": n},
        ]
    return header


def assessment_export_rows(*, user, year: int):
    # Labels are translated now, in the request's language, not later while the response streams.
    labels = {value: str(label) for value, label in State.choices}
    pivot = {}
    for n in NATIONAL_CRITERIA:
        pivot[f"r{n}"] = Max("responses__rating", filter=_criterion(n))
        pivot[f"v{n}"] = Max("responses__verdict", filter=_criterion(n))
    qs = (
        Assessment.objects.visible_to(user)
        .filter(year=year)
        .annotate(**pivot)
        .order_by("community_id")
        .values_list(
            "community_id",
            "community__name",
            "province__name",
            "city__name",
            "county__name",
            "street__name",
            "year",
            "state",
            "round",
            "submitted_at",
            "approved_at",
            *pivot,
        )
    )
    return _rows(qs, labels)


def _rows(qs, labels):
    for row in qs.iterator(chunk_size=CHUNK):
        code, name, prov, city, county, street, y, state, rnd, submitted, approved, *cells = row
        yield (
            code,
            name,
            prov,
            city or "",
            county,
            street,
            y,
            state,
            labels.get(state, state),
            rnd,
            local_time(submitted),
            local_time(approved),
            *[c or "" for c in cells],
        )
