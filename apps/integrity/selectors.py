"""Reads of the integrity app shared by the worker, the review page, the flag page, the API and the
figures: candidate pairs by exact index lookups, the flags of an assessment as a reviewer may see
them, and the flagged shares per province and year (docs/figures.md)."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db import connection, transaction
from django.db.models import Count, F, Q

from apps.assessments.models import Assessment, Evidence, State

from . import fingerprints as fp
from .models import (
    COUNTED_KINDS,
    CommonBucket,
    Flag,
    FlagKind,
    PhotoPrint,
    PhotoStatus,
    StatementBand,
    StatementPrint,
)

# A bucket that returns this many rows is common whatever their communities (6 years x 50).
BUCKET_LIMIT = 6 * fp.COMMON_COMMUNITIES + 1


# --- Candidate pairs ---------------------------------------------------------------------------


@dataclass(frozen=True)
class StatementMatch:
    response_id: int
    other_assessment_id: int
    other_response_id: int
    similarity: float


def _bucket_members(keys: list[tuple[int, int]]) -> dict[tuple[int, int], list[int]]:
    """The statements of each (band_no, band_hash) bucket, at most BUCKET_LIMIT of each: one
    index lookup per bucket (on PostgreSQL one statement with LATERAL). Buckets known to be common
    (CommonBucket) are skipped without reading them."""
    members: dict[tuple[int, int], list[int]] = defaultdict(list)
    if not keys:
        return members
    table, common = StatementBand._meta.db_table, CommonBucket._meta.db_table
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"""SELECT q.band_no, q.band_hash, o.statement_id
                FROM unnest(%s::int[], %s::bigint[]) AS q(band_no, band_hash)
                CROSS JOIN LATERAL (
                    SELECT b.statement_id FROM {table} b
                    WHERE b.band_no = q.band_no AND b.band_hash = q.band_hash LIMIT %s
                ) o
                WHERE NOT EXISTS (
                    SELECT 1 FROM {common} c WHERE c.band_no = q.band_no AND c.band_hash = q.band_hash
                )""",  # noqa: S608  (the table names are ours; values are parameters)
                [[k[0] for k in keys], [k[1] for k in keys], BUCKET_LIMIT],
            )
            for band_no, band_hash, statement_id in cursor.fetchall():
                members[(band_no, band_hash)].append(statement_id)
        return members
    # Elsewhere (SQLite: development and tests, small tables): one query, the limit applied here.
    hashes = {h for _b, h in keys}
    wanted = set(keys) - set(
        CommonBucket.objects.filter(band_hash__in=hashes).values_list("band_no", "band_hash")
    )
    rows = StatementBand.objects.filter(band_hash__in=hashes).values_list(
        "band_no", "band_hash", "statement_id"
    )
    for band_no, band_hash, statement_id in rows.order_by("id"):
        bucket = members[(band_no, band_hash)] if (band_no, band_hash) in wanted else None
        if bucket is not None and len(bucket) < BUCKET_LIMIT:
            bucket.append(statement_id)
    return members


def _common_buckets(
    open_buckets: dict[tuple[int, int], list[int]], prints: dict[int, StatementPrint]
) -> set[tuple[int, int]]:
    """The buckets whose statements come from more than COMMON_COMMUNITIES communities: a shared
    phrase rather than a copy, so they propose no candidates."""
    common = set()
    for key, statements in open_buckets.items():
        communities = {prints[s].community_id for s in statements if s in prints}
        if len(communities) > fp.COMMON_COMMUNITIES:
            common.add(key)
    return common


def _statement_candidates(
    *,
    statement_id: int,
    my_bands: list[tuple[int, int, int]],
    open_buckets: dict[tuple[int, int], list[int]],
    common: set[tuple[int, int]],
) -> set[int]:
    """The statements sharing one of this statement's bands that is neither full nor common."""
    candidates = set()
    for s, b, h in my_bands:
        if s == statement_id and (b, h) in open_buckets and (b, h) not in common:
            candidates.update(open_buckets[(b, h)])
    return candidates


def _best_matches(
    *, mine: StatementPrint, candidates: set[int], prints: dict[int, StatementPrint], community: str
) -> list[StatementMatch]:
    """The candidates of other communities whose estimated similarity to `mine` reaches
    STATEMENT_THRESHOLD, best first, at most COMMON_COMMUNITIES of them."""
    found = []
    for other in candidates:
        p = prints.get(other)
        if p is None or p.community_id == community:
            continue
        similarity = fp.estimated_jaccard(bytes(mine.signature), bytes(p.signature))
        if similarity >= fp.STATEMENT_THRESHOLD:
            found.append(StatementMatch(mine.response_id, p.assessment_id, other, similarity))
    found.sort(key=lambda m: (-m.similarity, m.other_response_id))
    return found[: fp.COMMON_COMMUNITIES]


def statement_matches(*, assessment_id: int) -> list[StatementMatch]:
    """The statements of other communities (any year) that resemble this assessment's: they share an
    LSH band that is not common (fewer than COMMON_COMMUNITIES communities) and their estimated
    Jaccard similarity reaches STATEMENT_THRESHOLD. At most MAX matches per statement, best first."""
    mine = {
        p.response_id: p
        for p in StatementPrint.objects.filter(assessment_id=assessment_id, signature__isnull=False).only(
            "response_id", "community_id", "signature"
        )
    }
    if not mine:
        return []
    community = next(iter(mine.values())).community_id
    my_bands = list(
        StatementBand.objects.filter(statement_id__in=mine).values_list(
            "statement_id", "band_no", "band_hash"
        )
    )
    buckets = _bucket_members(sorted({(b, h) for _s, b, h in my_bands}))
    open_buckets = {k: v for k, v in buckets.items() if len(v) < BUCKET_LIMIT}
    others = {s for v in open_buckets.values() for s in v if s not in mine}
    prints = {
        p.response_id: p
        for p in StatementPrint.objects.filter(response_id__in=others).only(
            "response_id", "assessment_id", "community_id", "signature"
        )
    }
    common = _common_buckets(open_buckets, prints)
    matches = []
    for statement_id in mine:
        candidates = _statement_candidates(
            statement_id=statement_id, my_bands=my_bands, open_buckets=open_buckets, common=common
        )
        matches.extend(
            _best_matches(mine=mine[statement_id], candidates=candidates, prints=prints, community=community)
        )
    return matches


@dataclass(frozen=True)
class PhotoSide:
    assessment_id: int
    response_id: int
    evidence_id: int


@dataclass(frozen=True)
class PhotoMatch:
    mine: PhotoSide
    theirs: PhotoSide
    distance: int


_PHOTO_FIELDS = ("evidence_id", "assessment_id", "community_id", "sha256", "phash")


def _comparable(phash) -> bool:
    # A uniform image hashes to all zeros (or ones): it resembles every other uniform image.
    return phash is not None and phash not in (0, -1)


def _live(rows: list[tuple]) -> list[tuple]:
    """The rows whose evidence is live (not withdrawn), with its response: one lookup by primary
    key (joining the evidence table in the band query would make the planner scan it)."""
    responses = dict(
        Evidence.objects.filter(pk__in=[r[0] for r in rows], withdrawn_round__isnull=True).values_list(
            "pk", "response_id"
        )
    )
    return [(r[0], responses[r[0]], *r[1:]) for r in rows if r[0] in responses]


def _photo_candidates(
    *, sha256s: list[str], hashes: list[int], bands: list[list[int]], community_id: str
) -> list[tuple]:
    """Other communities' photo fingerprints equal by SHA-256 or in one of the four band values:
    one exact indexed lookup per column, concatenated by UNION ALL (duplicates dropped here). An OR
    of the five conditions was planned as a scan of every photo fingerprint at national scale. On
    PostgreSQL a band's rows are kept only within MAX_PHOTO_DISTANCE bits of one of `hashes` (the
    Hamming check is repeated in photo_matches): the evidence of the ~20 rows a band value shares
    at national scale is then not read."""
    wanted: list[tuple[str, list, str]] = [
        ("sha256", sha256s, "varchar"),
        *((f"band{i}", v, "int") for i, v in enumerate(bands)),
    ]
    lookups = [(column, values, cast) for column, values, cast in wanted if values]
    if not lookups:
        return []
    if connection.vendor == "postgresql":
        table, columns = PhotoPrint._meta.db_table, ", ".join(_PHOTO_FIELDS)
        near = (
            "AND EXISTS (SELECT 1 FROM unnest(%s::bigint[]) AS m(h) "
            "WHERE bit_count((phash # m.h)::bit(64)) <= %s)"
        )
        sql = " UNION ALL ".join(
            f"SELECT {columns} FROM {table} WHERE {column} = ANY(%s::{cast}[]) AND community_id <> %s"  # noqa: S608
            + ("" if column == "sha256" else " " + near)
            for column, _values, cast in lookups
        )
        params: list[object] = []
        for column, values, _cast in lookups:
            params += [list(values), community_id]
            if column != "sha256":
                params += [list(hashes), fp.MAX_PHOTO_DISTANCE]
        # A few hundred rows by index: starting parallel workers cost more than the lookups (74 ms
        # of a 85 ms plan under load).
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
            cursor.execute(sql, params)
            fetched = cursor.fetchall()
    else:  # SQLite (development and tests): the same lookups through the ORM
        fetched = [
            row
            for column, values, _cast in lookups
            for row in PhotoPrint.objects.filter(**{f"{column}__in": values})
            .exclude(community_id=community_id)
            .values_list(*_PHOTO_FIELDS)
        ]
    return sorted({row[0]: row for row in fetched}.values())


def photo_matches(*, assessment_id: int) -> list[PhotoMatch]:
    """Photos of other communities equal by SHA-256 or within MAX_PHOTO_DISTANCE bits of pHash of
    one of this assessment's live photos, found by exact lookups of the four 16-bit bands."""
    mine = _live(list(PhotoPrint.objects.filter(assessment_id=assessment_id).values_list(*_PHOTO_FIELDS)))
    if not mine:
        return []
    community = mine[0][3]
    hashes = [m[5] for m in mine if _comparable(m[5])]
    candidates = _live(
        _photo_candidates(
            sha256s=sorted({m[4] for m in mine}),
            hashes=hashes,
            bands=[sorted({fp.photo_bands(h)[i] for h in hashes}) for i in range(fp.PHOTO_BANDS)],
            community_id=community,
        )
    )
    matches = []
    for ev, resp, assessment, _c, sha, phash in mine:
        found = []
        for o_ev, o_resp, o_assessment, _oc, o_sha, o_phash in candidates:
            if sha == o_sha:
                distance = 0
            elif _comparable(phash) and _comparable(o_phash):
                distance = fp.hamming(phash, o_phash)
                if distance > fp.MAX_PHOTO_DISTANCE:
                    continue
            else:
                continue
            found.append(
                PhotoMatch(PhotoSide(assessment, resp, ev), PhotoSide(o_assessment, o_resp, o_ev), distance)
            )
        found.sort(key=lambda m: (m.distance, m.theirs.evidence_id))
        matches.extend(found[: fp.COMMON_COMMUNITIES])
    return matches


@dataclass(frozen=True)
class PhotoFinding:
    kind: str
    response_id: int
    evidence_id: int
    captured_on: date | None = None


def photo_single_findings(*, assessment: Assessment) -> list[PhotoFinding]:
    """Live photos of the assessment taken before its campaign year (EXIF date), and those that
    could not be decoded (not comparable)."""
    findings = []
    rows = PhotoPrint.objects.filter(
        assessment_id=assessment.pk, evidence__withdrawn_round__isnull=True
    ).values_list("evidence_id", "evidence__response_id", "status", "evidence__captured_on")
    for ev, resp, status, captured_on in rows:
        if status == PhotoStatus.NOT_COMPARABLE:
            findings.append(PhotoFinding(FlagKind.NOT_COMPARABLE, resp, ev))
        if captured_on is not None and captured_on.year < assessment.year:
            findings.append(PhotoFinding(FlagKind.OLD_PHOTO, resp, ev, captured_on))
    return findings


# --- What a reviewer sees ----------------------------------------------------------------------


def assessment_flags(*, user, assessment: Assessment) -> list[Flag]:
    """The flags of an assessment the caller may read (the caller already passed access_assessment),
    in two queries. About the other community each flag carries only its name, province and year;
    `other_visible` says whether the caller's scope covers the other assessment (then its
    statement or photo may be shown: the ministry sees both)."""
    flags = list(
        Flag.objects.filter(assessment=assessment)
        .select_related(
            "response__criterion",
            "other_assessment__community",
            "other_assessment__province",
            "other_response",
            "explained_by",
        )
        .order_by("response__criterion__number", "kind", "-similarity", "distance", "id")
    )
    other_ids = {f.other_assessment_id for f in flags if f.other_assessment_id}
    visible = set(
        Assessment.objects.visible_to(user).filter(pk__in=other_ids).values_list("pk", flat=True)
        if other_ids
        else ()
    )
    for f in flags:
        f.other_visible = f.other_assessment_id in visible
        f.percent = round(f.similarity * 100) if f.similarity is not None else None
    return flags


def flags_by_response(*, user, assessment: Assessment) -> dict[int, list[Flag]]:
    grouped: dict[int, list[Flag]] = defaultdict(list)
    for f in assessment_flags(user=user, assessment=assessment):
        grouped[f.response_id].append(f)
    return grouped


def access_flag(*, user, pk) -> Flag:
    """A flag of an assessment in the caller's scope, or NotFoundError (the one fetch-and-check)."""
    from django.utils.translation import gettext as _

    from apps.core.errors import NotFoundError

    try:
        flag = (
            Flag.objects.visible_to(user)
            .select_related(
                "assessment__community",
                "assessment__province",
                "response__criterion",
                "evidence",
                "other_assessment__community",
                "other_assessment__province",
                "other_response",
                "other_evidence",
                "explained_by",
            )
            .get(pk=pk)
        )
    except (Flag.DoesNotExist, ValueError, TypeError):
        raise NotFoundError(_("This flag does not exist.")) from None
    flag.other_visible = bool(
        flag.other_assessment_id
        and Assessment.objects.visible_to(user).filter(pk=flag.other_assessment_id).exists()
    )
    flag.percent = round(flag.similarity * 100) if flag.similarity is not None else None
    if flag.other_visible and flag.other_evidence_id:
        flag.other_evidence_visible = (
            Evidence.objects.visible_to(user).filter(pk=flag.other_evidence_id).exists()
        )
    else:
        flag.other_evidence_visible = False
    return flag


# --- Figures -----------------------------------------------------------------------------------


def flagged_shares(*, user, year: int | None = None) -> list[dict]:
    """Per province and year: assessments submitted (left draft) and those with an unexplained flag,
    by kind and in all, with shares. One GROUP BY over the caller's scope (docs/figures.md,
    "flagged share")."""
    rows = Assessment.objects.visible_to(user).exclude(state=State.DRAFT)
    if year is not None:
        rows = rows.filter(year=year)
    open_flag = Q(integrity_flags__explained_at__isnull=True)
    counts = {
        kind.value: Count("id", distinct=True, filter=open_flag & Q(integrity_flags__kind=kind))
        for kind in COUNTED_KINDS
    }
    result = list(
        rows.values("province_id", "province__name", "year")
        .annotate(
            submitted=Count("id", distinct=True),
            flagged=Count("id", distinct=True, filter=open_flag & Q(integrity_flags__kind__in=COUNTED_KINDS)),
            **counts,
        )
        .order_by("-year", "province_id")
    )
    for row in result:
        n = row["submitted"]
        row["shares"] = {k: (row[k] / n if n else 0.0) for k in (*COUNTED_KINDS, "flagged")}
    return result


# --- Backfill ----------------------------------------------------------------------------------


def backfill_candidates(*, year: int | None = None) -> set[int]:
    """Assessments (left draft) that may have a flag: a statement in a band bucket shared with another
    statement and not common, a photo whose SHA-256 or pHash band another community's photo shares
    (on PostgreSQL: within MAX_PHOTO_DISTANCE bits), an image that could not be decoded, or an image
    taken before its campaign year. Set-based queries, not one lookup per assessment."""
    band = StatementBand._meta.db_table
    stmt = StatementPrint._meta.db_table
    photo = PhotoPrint._meta.db_table
    ids: set[int] = set()
    common = CommonBucket._meta.db_table
    with connection.cursor() as cursor:
        # The buckets found full, remembered for the lookups of every later submission.
        cursor.execute(
            f"""INSERT INTO {common} (band_no, band_hash)
            SELECT band_no, band_hash FROM {band} GROUP BY band_no, band_hash HAVING COUNT(*) >= %s
            ON CONFLICT DO NOTHING""",  # noqa: S608  (our table names)
            [BUCKET_LIMIT],
        )
        cursor.execute(
            f"""SELECT DISTINCT p.assessment_id FROM {band} b
            JOIN (SELECT band_no, band_hash FROM {band} GROUP BY band_no, band_hash
                  HAVING COUNT(*) BETWEEN 2 AND %s) c ON c.band_no = b.band_no AND c.band_hash = b.band_hash
            JOIN {stmt} p ON p.response_id = b.statement_id""",  # noqa: S608  (our table names)
            [BUCKET_LIMIT - 1],
        )
        ids.update(r[0] for r in cursor.fetchall())
        cursor.execute(
            f"""SELECT DISTINCT p.assessment_id FROM {photo} p
            JOIN (SELECT sha256 FROM {photo} GROUP BY sha256 HAVING COUNT(DISTINCT community_id) > 1) d
            ON d.sha256 = p.sha256"""  # noqa: S608
        )
        ids.update(r[0] for r in cursor.fetchall())
        if connection.vendor == "postgresql":
            for i in range(fp.PHOTO_BANDS):
                cursor.execute(
                    f"""SELECT DISTINCT a.assessment_id FROM {photo} a JOIN {photo} b
                    ON b.band{i} = a.band{i} AND b.community_id <> a.community_id
                    WHERE a.phash NOT IN (0, -1) AND b.phash NOT IN (0, -1)
                    AND bit_count((a.phash # b.phash)::bit(64)) <= %s""",  # noqa: S608
                    [fp.MAX_PHOTO_DISTANCE],
                )
                ids.update(r[0] for r in cursor.fetchall())
        else:
            ids.update(PhotoPrint.objects.filter(phash__isnull=False).values_list("assessment_id", flat=True))
    ids.update(
        PhotoPrint.objects.filter(status=PhotoStatus.NOT_COMPARABLE).values_list("assessment_id", flat=True)
    )
    old = PhotoPrint.objects.filter(
        evidence__captured_on__isnull=False, evidence__captured_on__year__lt=F("assessment__year")
    )
    ids.update(old.values_list("assessment_id", flat=True))
    if year is not None:
        ids &= set(Assessment.objects.filter(pk__in=ids, year=year).values_list("pk", flat=True))
    return ids
