"""Export of a year's assessments: one row per assessment, each NATIONAL criterion's self-rating and
verdict in columns, through the mapping of the assessment's standard and by the rule of every
per-criterion figure (apps.assessments.weakest: the weakest of the local criteria counted under it).
The pivot is done by the database (conditional aggregation grouped by assessment) in a query of its
own beside the query of the rows' names and dates, both in the community's order and read side by
side in chunks: two queries whatever the number of rows. (Grouped together, PostgreSQL groups and
sorts 505,000 joined responses by the assessment and its five names: about twice the time, issue 29.)"""

from contextlib import contextmanager

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.exports import CHUNK, Verbatim, local_time, place_cells
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
    # One assessment per community and year: the community orders both queries' rows alike.
    assessments = Assessment.objects.visible_to(user).filter(year=year).order_by("community_id")
    qs = assessments.values_list(
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
    )
    cells = assessments.values("community_id").annotate(**pivot).values_list("community_id", *pivot)
    return _rows(qs, cells, labels, blank=(None,) * len(pivot))


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


def _rows(qs, cells, labels, blank):
    with _without_jit():
        yield from _formatted(_side_by_side(qs, cells, blank), labels)


def _side_by_side(qs, cells, blank):
    """Each row of `qs` with its criterion cells from `cells`, both ordered by community. An
    assessment created between the two queries has no cells yet (`blank`), one deleted between
    them is skipped in `cells`: the rows are those of the first query. The codes are 12 digits, so
    the database orders them as Python compares them."""
    pivot = _plain_rows(cells)
    current = next(pivot, None)
    for row in qs.iterator(chunk_size=CHUNK):
        code = row[0]
        while current is not None and current[0] < code:
            current = next(pivot, None)
        if current is not None and current[0] == code:
            yield (*row, *current[1:])
        else:
            yield (*row, *blank)


def _plain_rows(qs):
    """The rows of `qs` as the database sends them, without Django's converter per value: the
    pivot's ranks are integers already (a million int() calls for a national export, issue 29).
    Through a plain cursor, not a server-side one: PostgreSQL plans a query for a cursor without
    parallel workers, and this one aggregates every response of the year (0.8 s nationally with
    two workers, 1.2 s without). Its result is small integers, one row per assessment (a few MB
    for the nation), turned into Python rows chunk by chunk."""
    try:
        sql, params = qs.query.sql_with_params()
    except EmptyResultSet:  # a caller with nothing in scope: no query to send
        return
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(CHUNK):
            yield from rows


def _formatted(rows, labels):
    # The current time zone once (local_time looks it up for every value: 63,000 times nationally).
    zone = timezone.get_current_timezone()
    texts = None
    for row in rows:
        code, name, prov, city, county, street, y, state, rnd, submitted, approved, *cells = row
        if texts is None:
            texts = _criterion_texts(len(cells))
        yield (
            *place_cells(code, name, prov, city, county, street),
            y,
            state,
            labels.get(state, state),
            rnd,
            local_time(submitted, zone),
            local_time(approved, zone),
            Verbatim([text.get(rank, "") for text, rank in zip(texts, cells, strict=True)]),
        )


# The same texts as plain str (the choices are str subclasses: each would take neutralise's slow
# path); no response under the criterion (None): "".
RATING_TEXT: dict[int | None, str] = {
    None: "",
    **{rank: str(value) for rank, value in RATING_OF_RANK.items()},
}
VERDICT_TEXT: dict[int | None, str] = {
    None: "",
    **{rank: str(value) for rank, value in VERDICT_OF_RANK.items()},
}


def _criterion_texts(count: int) -> list[dict]:
    """Ratings and verdicts alternate (r1, v1, r2, v2, ...): the catalogue of each cell."""
    return [VERDICT_TEXT if index % 2 else RATING_TEXT for index in range(count)]
