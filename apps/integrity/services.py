"""Every write of the integrity app: fingerprints of submitted statements and photos, the flags they
lead to, and a reviewer's explanation of a flag.

Computing is idempotent: fingerprints are recomputed only when missing or when the text changed,
flags are found again by their key (never duplicated), an explained flag is never reopened, and an
open flag whose pair no longer holds (the community changed its text) is removed. Nothing decides:
flags are shown to reviewers, who explain them.
"""

import io
import multiprocessing
import posixpath
import time
from collections import defaultdict
from collections.abc import Iterable
from contextlib import contextmanager

from django.core.files.storage import default_storage
from django.db import connection, connections, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.capabilities import can_explain_flags
from apps.accounts.models import User
from apps.assessments import services as assessment_services
from apps.assessments.models import Action, Assessment, Evidence, Response, State
from apps.core.errors import ForbiddenError, NotFoundError, ServiceError
from apps.core.text import text_check

from . import fingerprints as fp
from . import selectors
from .models import Flag, FlagKind, PhotoPrint, PhotoStatus, StatementBand, StatementPrint

IMAGE_KINDS = ("jpeg", "png", "heic")
# At most this many other communities are named per statement or photo (more is boilerplate).
MAX_MATCHES = fp.COMMON_COMMUNITIES


# --- Fingerprints ------------------------------------------------------------------------------


def statement_prints_compute(*, assessment_ids: Iterable[int], cache: dict | None = None) -> int:
    """Fingerprint the statements of these assessments (those that left draft) that have none or
    whose text changed since. Returns how many were (re)computed. `cache` (normalised text,
    criterion -> [print, statements whose band rows this run wrote]) lets a backfill compute each
    distinct text once and stop writing the band rows of a text whose buckets are full. Rows are read as tuples and
    written through COPY on PostgreSQL: a backfill handles millions."""
    ids = list(assessment_ids)
    responses = (
        Response.objects.filter(assessment_id__in=ids)
        .exclude(assessment__state=State.DRAFT)
        .values_list(
            "id",
            "statement",
            "assessment_id",
            "criterion_id",
            "criterion__text_zh",
            "criterion__national_criterion__text_zh",
            "assessment__community_id",
            "assessment__community__name",
        )
    )
    existing = dict(
        StatementPrint.objects.filter(assessment_id__in=ids).values_list("response_id", "text_hash")
    )
    cache = {} if cache is None else cache
    criteria: dict[int, frozenset] = {}
    prints, bands, stale = [], [], []
    for pk, statement, assessment_id, criterion_id, text, national_text, community_id, name in responses:
        if criterion_id not in criteria:
            criteria[criterion_id] = fp.criterion_shingles(text + (national_text or ""))
        norm = fp.normalise(statement, names=fp.community_names(name))
        key = (norm, criterion_id)
        cached = cache.get(key)
        if cached is None:
            cached = [fp.normalised_print(norm, criterion_shingles=criteria[criterion_id]), 0]
            if len(cache) < 200_000:
                cache[key] = cached
        result = cached[0]
        if existing.get(pk) == result.text_hash:
            continue
        if pk in existing:
            stale.append(pk)
        prints.append((pk, assessment_id, community_id, result.text_hash, result.length, result.signature))
        # Once this run wrote BUCKET_LIMIT statements of one print, each of its buckets is common
        # (every lookup reads at most BUCKET_LIMIT rows of a bucket and skips a full one): the rows
        # of further copies would never be read, so a model text copied by thousands writes none.
        if result.bands and cached[1] < selectors.BUCKET_LIMIT:
            cached[1] += 1
            bands.extend((pk, i, h) for i, h in enumerate(result.bands))
    now = timezone.now()
    with transaction.atomic():
        if stale:
            StatementPrint.objects.filter(response_id__in=stale).delete()
        _insert(
            StatementPrint,
            (
                "response_id",
                "assessment_id",
                "community_id",
                "text_hash",
                "length",
                "signature",
                "computed_at",
            ),
            [(*p, now) for p in prints],
        )
        _insert(StatementBand, ("statement_id", "band_no", "band_hash"), bands, integers=True)
    return len(prints)


def _copy_value(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bytes):
        return "\\\\x" + value.hex()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def _copy_encoder(limit: int = 100_000):
    """_copy_value, remembering the text of repeated values (the batch's timestamp, the signature of
    a model text copied by thousands, a community's code): integers are written as they are."""
    memo: dict = {}

    def encode(value) -> str:
        if type(value) is int:
            return str(value)
        text = memo.get(value)
        if text is None:
            text = _copy_value(value)
            if len(memo) < limit:
                memo[value] = text
        return text

    return encode


def _insert(model, columns: tuple[str, ...], rows: list[tuple], *, integers: bool = False) -> None:
    """Insert plain rows: COPY on PostgreSQL for anything large, bulk_create elsewhere. `integers`:
    every value is an int (the band rows, 16 a statement), written without escaping."""
    if not rows:
        return
    if connection.vendor != "postgresql" or len(rows) < 500:
        model.objects.bulk_create(
            [model(**dict(zip(columns, row, strict=True))) for row in rows], batch_size=2000
        )
        return
    buffer = io.StringIO()
    if integers:
        buffer.writelines(f"{a}\t{b}\t{c}\n" for a, b, c in rows)
    else:
        encode = _copy_encoder()
        buffer.writelines("\t".join(map(encode, row)) + "\n" for row in rows)
    buffer.seek(0)
    with connection.cursor() as cursor:
        cursor.copy_expert(f"COPY {model._meta.db_table} ({', '.join(columns)}) FROM STDIN", buffer)


class _StoredFiles:
    """Opens stored files, listing each directory once: a file its directory's listing lacks is
    missing without a failed open (one listing per community's folder, not one failed open per
    file: the benchmark's 1.26 million photo rows have no files). Storages that cannot list are
    asked file by file."""

    def __init__(self):
        self._listings: dict[str, set[str] | None] = {}

    def _listed(self, directory: str) -> set[str] | None:
        if directory not in self._listings:
            try:
                names = set(default_storage.listdir(directory)[1])
            except (FileNotFoundError, NotADirectoryError):
                names = set()
            except (NotImplementedError, OSError, ValueError):
                names = None
            self._listings[directory] = names
        return self._listings[directory]

    def open(self, name: str):
        directory, base = posixpath.split(name)
        listed = self._listed(directory)
        if listed is not None and base not in listed:
            return None
        try:
            return default_storage.open(name, "rb")
        except (FileNotFoundError, OSError, ValueError):
            return None


def photo_prints_compute(*, assessment_ids: Iterable[int]) -> int:
    """Fingerprint the submitted images of these assessments that have none: pHash and bands, or
    "not comparable" for an image that cannot be decoded, "missing" for a file that is not in
    storage. The capture date comes from the upload (Evidence.captured_on); for files uploaded
    before it was recorded it is read from the stored file. Never raises for a bad image."""
    from apps.assessments.files import capture_date

    ids = list(assessment_ids)
    done = set(PhotoPrint.objects.filter(assessment_id__in=ids).values_list("evidence_id", flat=True))
    evidence = Evidence.objects.filter(
        response__assessment_id__in=ids, kind__in=IMAGE_KINDS, submitted_round__isnull=False
    ).values_list(
        "id", "file", "sha256", "captured_on", "response__assessment_id", "response__assessment__community_id"
    )
    rows, dates = [], []
    now = timezone.now()
    files = _StoredFiles()
    for pk, name, sha256, captured_on, assessment_id, community_id in evidence:
        if pk in done:
            continue
        handle = files.open(name) if name else None
        if handle is None:
            status, phash = PhotoStatus.MISSING, None
        else:
            with handle:
                phash = fp.photo_phash(handle)
                if captured_on is None:
                    captured = capture_date(handle)
                    if captured is not None:
                        dates.append(Evidence(pk=pk, captured_on=captured))
            status = PhotoStatus.OK if phash is not None else PhotoStatus.NOT_COMPARABLE
        bands = fp.photo_bands(phash) or (None,) * fp.PHOTO_BANDS
        rows.append((pk, assessment_id, community_id, sha256, status.value, phash, *bands, now))
    with transaction.atomic():
        _insert(
            PhotoPrint,
            (
                "evidence_id",
                "assessment_id",
                "community_id",
                "sha256",
                "status",
                "phash",
                "band0",
                "band1",
                "band2",
                "band3",
                "computed_at",
            ),
            rows,
        )
        if dates:
            Evidence.objects.bulk_update(dates, ["captured_on"], batch_size=1000)
    return len(rows)


# --- Flags -------------------------------------------------------------------------------------


def _flag_key(kind: str, subject: int, other: int | None = None) -> str:
    return f"{kind}:{subject}" + (f":{other}" if other is not None else "")


def assessment_flags_compute(*, assessment_id: int) -> dict[str, int]:
    """Fingerprint one assessment and (re)compute its flags against every other community of every
    year, and the mirror flags on the other side. Idempotent; does nothing for a draft or an
    assessment that no longer exists. Returns the number of open flags by kind."""
    assessment = Assessment.objects.filter(pk=assessment_id).exclude(state=State.DRAFT).first()
    if assessment is None:
        return {}
    statement_prints_compute(assessment_ids=[assessment_id])
    photo_prints_compute(assessment_ids=[assessment_id])
    rows: list[Flag] = []
    for m in selectors.statement_matches(assessment_id=assessment_id):
        rows.append(
            Flag(
                assessment_id=assessment_id,
                response_id=m.response_id,
                kind=FlagKind.STATEMENT,
                key=_flag_key(FlagKind.STATEMENT, m.response_id, m.other_response_id),
                other_assessment_id=m.other_assessment_id,
                other_response_id=m.other_response_id,
                similarity=m.similarity,
            )
        )
        rows.append(
            Flag(
                assessment_id=m.other_assessment_id,
                response_id=m.other_response_id,
                kind=FlagKind.STATEMENT,
                key=_flag_key(FlagKind.STATEMENT, m.other_response_id, m.response_id),
                other_assessment_id=assessment_id,
                other_response_id=m.response_id,
                similarity=m.similarity,
            )
        )
    for m in selectors.photo_matches(assessment_id=assessment_id):
        for mine, theirs in ((m.mine, m.theirs), (m.theirs, m.mine)):
            rows.append(
                Flag(
                    assessment_id=mine.assessment_id,
                    response_id=mine.response_id,
                    evidence_id=mine.evidence_id,
                    kind=FlagKind.PHOTO,
                    key=_flag_key(FlagKind.PHOTO, mine.evidence_id, theirs.evidence_id),
                    other_assessment_id=theirs.assessment_id,
                    other_response_id=theirs.response_id,
                    other_evidence_id=theirs.evidence_id,
                    distance=m.distance,
                )
            )
    rows.extend(
        Flag(
            assessment_id=assessment_id,
            response_id=p.response_id,
            evidence_id=p.evidence_id,
            kind=p.kind,
            key=_flag_key(p.kind, p.evidence_id),
            captured_on=p.captured_on,
        )
        for p in selectors.photo_single_findings(assessment=assessment)
    )
    found = {f.key for f in rows if f.assessment_id == assessment_id}
    with transaction.atomic():
        # Open flags of this assessment that no longer hold (text changed, evidence withdrawn),
        # and their mirrors; explained flags stay, whatever changed.
        gone = list(
            Flag.objects.filter(assessment_id=assessment_id, explained_at__isnull=True)
            .exclude(key__in=found)
            .values_list(
                "key", "kind", "response_id", "evidence_id", "other_response_id", "other_evidence_id"
            )
        )
        mirrors = [
            _flag_key(
                kind,
                other_ev if kind == FlagKind.PHOTO else other_resp,
                ev if kind == FlagKind.PHOTO else resp,
            )
            for _key, kind, resp, ev, other_resp, other_ev in gone
            if other_resp is not None
        ]
        Flag.objects.filter(key__in=[g[0] for g in gone]).delete()
        Flag.objects.filter(key__in=mirrors, explained_at__isnull=True).delete()
        Flag.objects.bulk_create(
            rows,
            batch_size=1000,
            update_conflicts=True,
            unique_fields=["key"],
            update_fields=["similarity", "distance", "captured_on"],
        )
    counts: dict[str, int] = defaultdict(int)
    for f in rows:
        if f.assessment_id == assessment_id:
            counts[f.kind] += 1
    return dict(counts)


def assessment_check_on_commit(*, assessment_id: int, **_ignored) -> None:
    """Domain-event handler ("assessment_submitted"): after the submit commits, queue the
    comparison of the assessment with the nation (tasks.assessment_flags). Never slows the submit:
    the work runs in the worker."""
    from .tasks import assessment_flags

    transaction.on_commit(lambda: assessment_flags.delay(assessment_id), robust=True)


# --- Explaining --------------------------------------------------------------------------------


def flag_explain(*, flag: Flag, user: User, note: str) -> Flag:
    """A reviewer of the assessment's scope marks a flag as explained, with a note. Recorded in the
    assessment's history in the same transaction. The mirror flag (the other community's flag about
    the same pair) is explained with it when the reviewer's scope covers that assessment too: a
    facility two communities of one street share is explained once. Explained stays explained:
    explaining again changes nothing."""
    note = text_check(note, field="note", label=_("Explanation"), multiline=True).strip()
    if not note:
        raise ServiceError(
            _("Say why this is not a copy (for example: a facility both communities share)."),
            code="note_required",
            field="note",
        )
    if not can_explain_flags(user):
        raise ForbiddenError(_("Only reviewers can explain an integrity flag."))
    with transaction.atomic():
        assessment = assessment_services.assessment_lock(flag.assessment)
        if not assessment.is_visible_to(user):
            raise NotFoundError(_("This flag does not exist."))
        flag = Flag.objects.select_for_update().get(pk=flag.pk)
        if flag.is_explained:
            return flag
        explained = [flag]
        mirror = _mirror(flag)
        if mirror is not None and not mirror.is_explained and mirror.assessment.is_visible_to(user):
            explained.append(mirror)
        now = timezone.now()
        for f in explained:
            if f is not flag:
                assessment_services.assessment_lock(f.assessment)
            f.explained_at, f.explained_by, f.explanation = now, user, note[:2000]
            f.save(update_fields=["explained_at", "explained_by", "explanation"])
            assessment_services.history_append(
                f.assessment,
                user,
                Action.FLAG_EXPLAINED,
                reason=note,
                data={"flag": f.pk, "kind": f.kind, "criterion": f.response.criterion.number},
            )
    return flag


def _mirror(flag: Flag) -> Flag | None:
    if flag.other_response_id is None:
        return None
    subject = flag.other_evidence_id if flag.kind == FlagKind.PHOTO else flag.other_response_id
    other = flag.evidence_id if flag.kind == FlagKind.PHOTO else flag.response_id
    return (
        Flag.objects.select_for_update()
        .select_related("assessment", "response__criterion")
        .filter(key=_flag_key(flag.kind, subject, other))
        .first()
    )


# --- Backfill ----------------------------------------------------------------------------------


def integrity_backfill(
    *, batch: int = 500, year: int | None = None, workers: int = 2, progress=None
) -> dict[str, object]:
    """Fingerprint every assessment that left draft and has no fingerprint yet (batches of `batch`
    assessments, each its own transaction, so an interrupted run keeps what it did), then compute the
    flags of every assessment that has a candidate pair or a photo finding. Idempotent: a second run
    fingerprints nothing and finds the same flags. `progress(phase, done, total)` is called per batch;
    the outcome has the seconds spent per stage (fingerprints and candidates and flags: wall time;
    statements and photos: summed over the workers).

    On PostgreSQL, outside a transaction, the batches are fingerprinted by `workers` processes (each
    with its own connection: hashing and formatting in one overlap the COPY of the other). Inside a
    transaction (the tests) they run here: other connections would not see its rows."""
    report = progress or (lambda *a: None)
    submitted = Assessment.objects.exclude(state=State.DRAFT)
    if year is not None:
        submitted = submitted.filter(year=year)
    # NOT EXISTS (an anti-join on the indexed assessment_id), not NOT IN: with millions of prints a
    # NOT IN subquery that does not fit work_mem is rescanned for every assessment.
    printed = StatementPrint.objects.filter(assessment_id=OuterRef("pk"))
    missing = list(submitted.filter(~Exists(printed)).order_by("pk").values_list("pk", flat=True))
    batches = [missing[start : start + batch] for start in range(0, len(missing), batch)]
    parallel = workers > 1 and len(batches) > 1
    parallel = parallel and connection.vendor == "postgresql" and not connection.in_atomic_block
    statements = photos = done = 0
    seconds: dict[str, float] = defaultdict(float)
    _BACKFILL_CACHE.clear()  # counts of band rows this run wrote: never those of an earlier run
    with _timed(seconds, "fingerprints"):
        if parallel:
            connections.close_all()  # the children must not share this process's connection
            pool = multiprocessing.get_context("fork").Pool(workers)
            results = pool.imap_unordered(_fingerprint_batch, batches)
        else:
            pool, results = None, map(_fingerprint_batch, batches)
        try:
            for size, counted, timings in results:
                statements, photos, done = statements + counted[0], photos + counted[1], done + size
                for stage, value in timings.items():
                    seconds[stage] += value
                report("fingerprints", done, len(missing))
        finally:
            if pool is not None:
                pool.close()
                pool.join()
    with _timed(seconds, "candidates"):
        candidates = sorted(selectors.backfill_candidates(year=year))
    with _timed(seconds, "flags"):
        for n, assessment_id in enumerate(candidates, 1):
            assessment_flags_compute(assessment_id=assessment_id)
            if n % 100 == 0 or n == len(candidates):
                report("flags", n, len(candidates))
    return {
        "statements": statements,
        "photos": photos,
        "flagged": len(candidates),
        "stage_seconds": dict(seconds),
    }


# One per process: the distinct texts already fingerprinted (and how many band rows each wrote).
_BACKFILL_CACHE: dict = {}


def _fingerprint_batch(ids: list[int]) -> tuple[int, tuple[int, int], dict[str, float]]:
    """One batch of the backfill (in a worker process or here): its statements, then its photos."""
    seconds: dict[str, float] = defaultdict(float)
    with _timed(seconds, "statements"):
        statements = statement_prints_compute(assessment_ids=ids, cache=_BACKFILL_CACHE)
    with _timed(seconds, "photos"):
        photos = photo_prints_compute(assessment_ids=ids)
    return len(ids), (statements, photos), dict(seconds)


@contextmanager
def _timed(seconds: dict[str, float], stage: str):
    started = time.perf_counter()
    try:
        yield
    finally:
        seconds[stage] += time.perf_counter() - started
