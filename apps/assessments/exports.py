"""Export of a year's assessments: one row per assessment, each NATIONAL criterion's self-rating and
verdict in columns, through the mapping of the assessment's standard and by the rule of every
per-criterion figure (apps.assessments.weakest: the weakest of the local criteria counted under it).
The pivot is done by the database (conditional aggregation grouped by assessment), so the export
is one query streamed in chunks, whatever the number of rows."""

from contextlib import contextmanager

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.exports import CHUNK, local_time, place_cells
from apps.standards.selectors import national_criteria

from .models import Assessment, State
from .weakest import RATING_OF_RANK, VERDICT_OF_RANK, weakest_rating, weakest_verdict


def criterion_columns() -> list[int]:
    """The columns: one pair per national criterion (read once per export, passed to both)."""
    return list(national_criteria().values_list("number", flat=True))


def assessment_export_header(numbers: list[int] | None = None) -> list[str]:
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
    for n in numbers if numbers is not None else criterion_columns():
        header += [
            _("Criterion %(n)s self-rating") % {"n": n},
            _("Criterion %(n)s verdict") % {"n": n},
        ]
    return header


def assessment_export_rows(*, user, year: int, numbers: list[int] | None = None):
    # Labels are translated now, in the request's language, not later while the response streams.
    labels = {value: str(label) for value, label in State.choices}
    pivot = {}
    for n in numbers if numbers is not None else criterion_columns():
        pivot[f"r{n}"] = weakest_rating(n)
        pivot[f"v{n}"] = weakest_verdict(n)
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


@contextmanager
def _without_jit():
    """PostgreSQL's JIT compiles this pivot (one aggregate per national criterion) because the
    planner overestimates its rows ~16x: 5 s of compiling for a 1.2 s query at national scale
    (issue 29). Off for this query only: RESET when the rows have been read or the download stops."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET jit = off")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET jit")


def _rows(qs, labels):
    with _without_jit():
        yield from _formatted(qs, labels)


def _formatted(qs, labels):
    # The current time zone once (local_time looks it up for every value: 63,000 times nationally).
    zone = timezone.get_current_timezone()
    for row in qs.iterator(chunk_size=CHUNK):
        code, name, prov, city, county, street, y, state, rnd, submitted, approved, *cells = row
        yield (
            *place_cells(code, name, prov, city, county, street),
            y,
            state,
            labels.get(state, state),
            rnd,
            local_time(submitted, zone),
            local_time(approved, zone),
            *[_cell(i, c) for i, c in enumerate(cells)],
        )


# The same texts as plain str (the choices are str subclasses: each would take neutralise's slow path).
_RATING_TEXT = {rank: str(value) for rank, value in RATING_OF_RANK.items()}
_VERDICT_TEXT = {rank: str(value) for rank, value in VERDICT_OF_RANK.items()}


def _cell(index: int, rank) -> str:
    """Ratings and verdicts alternate (r1, v1, r2, v2, ...); no response under the criterion: ""."""
    if rank is None:
        return ""
    return (_VERDICT_TEXT if index % 2 else _RATING_TEXT).get(rank, "")
