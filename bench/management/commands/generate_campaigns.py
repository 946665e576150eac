"""Generate realistic campaign years for the communities in the registry (benchmarks, demos at scale).

Writes rows directly (PostgreSQL COPY, plain INSERTs elsewhere), not through the per-object
services: national scale is ~120 thousand assessments, ~2 million responses and as many evidence
rows, which the services would take hours to write. The rows obey the same rules the services
enforce (validate_answer, evidence for every met / largely met answer, the workflow order of the
timestamps, a valid history hash chain), and the tests in tests/scale/ check that they do.

Deterministic for a given seed: each community draws from its own random stream seeded by
(seed, community code), so a province generated alone gets the same rows as in a national run.
"""

import contextlib
import csv
import hashlib
import io
import json
import random
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection, transaction

from apps.accounts.models import Role, User
from apps.assessments.models import Action, Assessment, AssessmentEvent, Evidence, Rating, Response, State
from apps.communities.models import Community
from apps.core.history import chain_hash
from apps.notices.models import Notice
from apps.regions.models import Region, RegionLevel
from apps.reports.figures import store
from apps.review.models import Demonstration
from apps.review.workflow import DEFAULT_CHAIN, chain_text
from apps.standards.models import Criterion
from apps.standards.selectors import standard_for

# Generated campaigns review through the national default chain (county/city → province).
DEFAULT_CHAIN_TEXT = chain_text(DEFAULT_CHAIN)
DEFAULT_LEVEL = {State.SUBMITTED: DEFAULT_CHAIN[0], State.RECOMMENDED: DEFAULT_CHAIN[-1]}

SHANGHAI = ZoneInfo("Asia/Shanghai")
FIRST_YEAR, LAST_YEAR = 2020, 2025

# National share of communities that have taken part by the end of each year (cumulative): the
# notice aims at 60 % participating and meeting the requirements by 2022. Scaled per province.
CUMULATIVE_SHARE = {2020: 0.12, 2021: 0.33, 2022: 0.58, 2023: 0.68, 2024: 0.76, 2025: 0.83}

# Outcomes of a closed year and of the open (last generated) year.
CLOSED_OUTCOMES = [("approved", 0.89), ("returned", 0.065), ("draft", 0.045)]
OPEN_OUTCOMES = [
    ("approved", 0.42),
    ("recommended", 0.18),
    ("submitted", 0.17),
    ("returned", 0.09),
    ("draft", 0.14),
]
RETURN_REASONS = [
    "佐证材料不足,请补充现场照片。",
    "部分指标自评与佐证材料不符,请核实后重新提交。",
    "物业管理覆盖率数据缺少统计口径说明。",
    "垃圾分类覆盖情况需补充各小区清单。",
]
REVOKE_REASONS = [
    "复查发现生活垃圾分类覆盖不到位,撤销达到创建要求认定。",
    "群众投诉核查属实,社区环境整治不达标。",
]
STATEMENT = {
    Rating.MET: "已按要求落实:{t}。相关制度、台账和现场照片已上传。",
    Rating.LARGELY_MET: "基本落实:{t}。部分小区仍在推进,计划年内完成。",
    Rating.NOT_MET: "",
}
EVIDENCE_KINDS = [
    ("jpeg", 0.55, "现场照片{n}.jpg", (300_000, 4_500_000)),
    ("png", 0.10, "截图{n}.png", (80_000, 1_500_000)),
    ("pdf", 0.25, "会议纪要{n}.pdf", (60_000, 3_000_000)),
    ("docx", 0.07, "工作方案{n}.docx", (20_000, 600_000)),
    ("xlsx", 0.03, "统计台账{n}.xlsx", (10_000, 300_000)),
]
EVIDENCE_WEIGHTS = [(kind, weight) for kind, weight, _n, _s in EVIDENCE_KINDS]
EVIDENCE_FILES = {kind: (name, sizes) for kind, _w, name, sizes in EVIDENCE_KINDS}

ASSESSMENT_COLUMNS = [
    "id", "community_id", "year", "standard_id", "state", "version", "round", "province_id", "city_id",
    "county_id", "street_id", "created_at", "updated_at", "submitted_at", "first_submitted_at",
    "recommended_at", "returned_at", "approved_at", "revoked_at", "return_reason", "revoke_reason",
    "answered_count", "evidenced_count", "not_met_count", "review_level", "review_chain",
]  # fmt: skip
RESPONSE_COLUMNS = [
    "id", "assessment_id", "criterion_id", "rating", "statement", "figure", "version", "updated_at",
    "updated_by_id", "verdict", "review_comment", "reviewed_at", "reviewed_by_id",
]  # fmt: skip
EVIDENCE_COLUMNS = [
    "id", "response_id", "file", "thumbnail", "original_name", "caption", "kind", "size", "sha256",
    "uploaded_at", "uploaded_by_id", "submitted_round", "withdrawn_round",
]  # fmt: skip
EVENT_COLUMNS = [
    "id", "assessment_id", "at", "actor_id", "actor_role", "action", "from_state", "to_state", "reason",
    "data", "prev_hash", "hash",
]  # fmt: skip
DEMONSTRATION_COLUMNS = ["id", "assessment_id", "year", "citation", "designated_at", "designated_by_id"]

# The national default chain (county/city -> province), as migration assessments.0003 sets it.

# Text columns that are NOT NULL and may hold empty strings.
TEXT_COLUMNS = {
    "assessments_assessment": ["state", "return_reason", "revoke_reason", "review_level", "review_chain"],
    "assessments_response": ["rating", "statement", "verdict", "review_comment"],
    "assessments_evidence": ["file", "thumbnail", "original_name", "caption", "kind", "sha256"],
    "assessments_assessmentevent": ["actor_role", "action", "from_state", "to_state", "reason", "prev_hash"],
    "assessments_demonstration": ["citation"],
}

TABLES = [
    (Assessment, ASSESSMENT_COLUMNS),
    (Response, RESPONSE_COLUMNS),
    (Evidence, EVIDENCE_COLUMNS),
    (AssessmentEvent, EVENT_COLUMNS),
    (Demonstration, DEMONSTRATION_COLUMNS),
]


def _pick(rng: random.Random, weighted) -> str:
    x = rng.random()
    for value, weight in weighted:
        x -= weight
        if x < 0:
            return value
    return weighted[-1][0]


def _moment(rng: random.Random, year: int, month: int, day: int, *, spread_days: int) -> datetime:
    """A working-hours moment (Beijing time) within spread_days of the date, stored in UTC."""
    local = datetime(year, month, day, 9, tzinfo=SHANGHAI) + timedelta(
        days=rng.randrange(spread_days), seconds=rng.randrange(9 * 3600)
    )
    return local.astimezone(UTC)


def _later(rng: random.Random, moment: datetime, low_days: int, high_days: int) -> datetime:
    return moment + timedelta(days=rng.randint(low_days, high_days), seconds=rng.randrange(8 * 3600))


def province_factor(seed: int, province_code: str) -> float:
    """How far a province is ahead of (above 1) or behind (below 1) the national pace."""
    return 0.78 + 0.34 * random.Random(f"{seed}:province:{province_code}").random()


def cumulative_share(seed: int, province_code: str, year: int) -> float:
    return min(0.97, CUMULATIVE_SHARE[year] * province_factor(seed, province_code))


@dataclass
class Batch:
    """Rows of one province, waiting to be written table by table."""

    rows: dict = field(default_factory=lambda: {model: [] for model, _c in TABLES})
    counts: dict = field(default_factory=dict)

    def __len__(self):
        return sum(len(r) for r in self.rows.values())


class Generator:
    def __init__(self, *, seed: int, years: list[int], open_year: int, stdout=None):
        self.seed = seed
        self.years = years
        self.open_year = open_year
        self.stdout = stdout
        self.next_id = {
            model: (model.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
            for model, _c in TABLES
        }
        self.criteria_cache: dict[int, list[Criterion]] = {}
        self.reviewers: dict[str, int] = {}
        self.totals = {model.__name__: 0 for model, _c in TABLES}

    # --- identities -----------------------------------------------------------

    def _id(self, model) -> int:
        value = self.next_id[model]
        self.next_id[model] = value + 1
        return value

    def ensure_reviewers(self, communities) -> None:
        """One provincial department per province and one first-level department per city (or per
        county where there is no city): the actors of the generated reviews. Idempotent."""
        wanted = {}
        for c in communities:
            wanted[f"gen-province-{c['province_id'][:2]}"] = (Role.PROVINCE, c["province_id"])
            first = c["city_id"] or c["county_id"]
            wanted[f"gen-city-{first.rstrip('0') or first}"] = (Role.CITY, first)
        existing = dict(User.objects.filter(username__in=wanted).values_list("username", "id"))
        missing = [
            User(username=name, role=role, region_id=region, display_name=name, password=make_password(None))
            for name, (role, region) in sorted(wanted.items())
            if name not in existing
        ]
        User.objects.bulk_create(missing, batch_size=1000)
        self.reviewers = dict(User.objects.filter(username__in=wanted).values_list("username", "id"))

    def _criteria(self, standard_id: int) -> list[Criterion]:
        if standard_id not in self.criteria_cache:
            self.criteria_cache[standard_id] = list(
                Criterion.objects.filter(standard_id=standard_id).order_by("number")
            )
        return self.criteria_cache[standard_id]

    # --- one community over the years -----------------------------------------

    def community(self, batch: Batch, c: dict, standard: tuple[int, str]) -> None:
        """The community's path through the years: joins when its province's cumulative share
        reaches its draw, tries yearly (sometimes pausing) until approved; an approval may be
        revoked later, after which it may take part again."""
        rng = random.Random(f"{self.seed}:{c['code']}")
        u = rng.random()
        status, revoke_year = "out", None
        for year in range(FIRST_YEAR, LAST_YEAR + 1):
            if status == "meets":
                if revoke_year is None or year <= revoke_year:
                    continue
                status, revoke_year = "trying", None
            if status == "out":
                if u >= cumulative_share(self.seed, c["province_id"], year):
                    continue
                status = "trying"
            elif rng.random() > 0.8:  # some that did not make it last year pause for a year
                continue
            outcome = _pick(rng, OPEN_OUTCOMES if year == self.open_year else CLOSED_OUTCOMES)
            revoke_in = None
            if outcome == "approved" and year < LAST_YEAR and rng.random() < 0.015:
                revoke_in = rng.randint(year + 1, LAST_YEAR)
            if year in self.years:
                # Its own stream per year, so that generating some years gives the same rows.
                year_rng = random.Random(f"{self.seed}:{c['code']}:{year}")
                self.assessment(batch, year_rng, c, standard, year, outcome, revoke_in)
            if outcome == "approved":
                status, revoke_year = "meets", revoke_in

    def assessment(self, batch, rng, c, standard, year, outcome, revoke_in) -> None:
        rows = batch.rows
        standard_id, standard_code = standard
        aid = self._id(Assessment)
        province_actor = self.reviewers[f"gen-province-{c['province_id'][:2]}"]
        first = c["city_id"] or c["county_id"]
        city_actor = self.reviewers[f"gen-city-{first.rstrip('0') or first}"]
        events: list[tuple] = []  # (at, actor, role, action, from, to, reason, data)

        created = _moment(rng, year, 3, 1, spread_days=100)
        events.append((created, None, Role.COMMUNITY, Action.CREATED, "", State.DRAFT, "", {}))
        # How far the community got: a returned round (city or province) before approval?
        returned_once = outcome == "returned" or (
            outcome in ("approved", "recommended") and rng.random() < 0.25
        )
        quality = "weak" if outcome in ("returned", "draft") else "good"
        submitted = first_submitted = recommended = returned = approved = revoked = None
        state, round_, version = State.DRAFT, 1, 1
        return_reason = revoke_reason = ""
        returned_criteria: list[int] = []
        if outcome != "draft":
            submitted = first_submitted = _later(rng, created, 12, 50)
            events.append(
                (
                    submitted,
                    None,
                    Role.COMMUNITY,
                    Action.SUBMITTED,
                    State.DRAFT,
                    State.SUBMITTED,
                    "",
                    {"round": 1},
                )
            )
            state, version = State.SUBMITTED, version + 1
            if returned_once:
                by_province = rng.random() < 0.3
                at = _later(rng, submitted, 3, 20)
                if by_province:
                    recommended = at
                    events.append(
                        (
                            at,
                            city_actor,
                            Role.CITY,
                            Action.RECOMMENDED,
                            State.SUBMITTED,
                            State.RECOMMENDED,
                            "",
                            {},
                        )
                    )
                    at = _later(rng, at, 4, 15)
                returned = at
                return_reason = rng.choice(RETURN_REASONS)
                returned_criteria = sorted(
                    rng.sample([cr.number for cr in self._criteria(standard_id)], rng.randint(1, 3))
                )
                comments = {str(n): "请补充佐证材料。" for n in returned_criteria}
                events.append(
                    (
                        at,
                        province_actor if by_province else city_actor,
                        Role.PROVINCE if by_province else Role.CITY,
                        Action.RETURNED,
                        State.RECOMMENDED if by_province else State.SUBMITTED,
                        State.RETURNED,
                        return_reason,
                        {"comments": comments},
                    )
                )
                state, version = State.RETURNED, version + 1
                if outcome != "returned":
                    round_ = 2
                    submitted = _later(rng, returned, 5, 15)
                    events.append(
                        (
                            submitted,
                            None,
                            Role.COMMUNITY,
                            Action.SUBMITTED,
                            State.RETURNED,
                            State.SUBMITTED,
                            "",
                            {"round": 2},
                        )
                    )
                    state, version = State.SUBMITTED, version + 1
            if outcome in ("recommended", "approved"):
                recommended = _later(rng, submitted, 3, 20)
                events.append(
                    (
                        recommended,
                        city_actor,
                        Role.CITY,
                        Action.RECOMMENDED,
                        State.SUBMITTED,
                        State.RECOMMENDED,
                        "",
                        {},
                    )
                )
                state, version = State.RECOMMENDED, version + 1
            if outcome == "approved":
                approved = _later(rng, recommended, 5, 25)
                events.append(
                    (
                        approved,
                        province_actor,
                        Role.PROVINCE,
                        Action.APPROVED,
                        State.RECOMMENDED,
                        State.APPROVED,
                        "",
                        {},
                    )
                )
                state, version = State.APPROVED, version + 1
                if rng.random() < 0.03:
                    designated = _later(rng, approved, 10, 40)
                    citation = f"{year}年度绿色社区创建示范社区"
                    rows[Demonstration].append(
                        (self._id(Demonstration), aid, year, citation, designated, province_actor)
                    )
                    events.append(
                        (
                            designated,
                            province_actor,
                            Role.PROVINCE,
                            Action.DESIGNATED,
                            "",
                            "",
                            citation,
                            {"year": year},
                        )
                    )
                if revoke_in is not None:
                    revoked = _moment(rng, revoke_in, 4, 1, spread_days=200)
                    revoke_reason = rng.choice(REVOKE_REASONS)
                    events.append(
                        (
                            revoked,
                            province_actor,
                            Role.PROVINCE,
                            Action.REVOKED,
                            State.APPROVED,
                            State.REVOKED,
                            revoke_reason,
                            {},
                        )
                    )
                    state, version = State.REVOKED, version + 1

        # Responses and evidence: what the community had saved at its last submission (or so far).
        last_edit = submitted or _later(rng, created, 3, 60)
        answered = evidenced = not_met = 0
        criteria = self._criteria(standard_id)
        unanswered_from = 17 if outcome != "draft" else rng.randint(1, 17)
        reviewed_by = reviewed_at = None
        if state in (State.APPROVED, State.REVOKED):
            reviewed_by, reviewed_at = province_actor, approved
        elif state == State.RECOMMENDED:
            reviewed_by, reviewed_at = city_actor, recommended
        for criterion in criteria:
            rid = self._id(Response)
            rating = ""
            if criterion.number < unanswered_from:
                weights = (0.82, 0.15) if quality == "good" else (0.55, 0.3)
                x = rng.random()
                rating = (
                    Rating.MET
                    if x < weights[0]
                    else Rating.LARGELY_MET
                    if x < sum(weights)
                    else Rating.NOT_MET
                )
            figure = self._figure(rng, criterion, rating)
            statement = STATEMENT[rating].format(t=criterion.text_zh[:30]) if rating else ""
            updated_at = None
            if rating:
                # Revised between return and resubmission for the criteria the reviewers named.
                since = returned if (round_ == 2 and criterion.number in returned_criteria) else created
                updated_at = min(_later(rng, since, 0, max(0, (last_edit - since).days - 1)), last_edit)
            verdict = comment = ""
            r_at = r_by = None
            if criterion.number in returned_criteria and state == State.RETURNED:
                verdict, comment, r_at = "not_confirmed", "请补充佐证材料。", returned
                r_by = province_actor if recommended else city_actor
            elif reviewed_by and rating:
                verdict, r_at, r_by = "confirmed", reviewed_at, reviewed_by
            rows[Response].append(
                (rid, aid, criterion.pk, rating, statement, figure, 1 if rating else 0, updated_at, None,
                 verdict, comment, r_at, r_by)
            )  # fmt: skip
            if rating:
                answered += 1
            if rating == Rating.NOT_MET:
                not_met += 1
            if rating in (Rating.MET, Rating.LARGELY_MET) or (rating and rng.random() < 0.2):
                evidenced += 1
                for n in range(1 if rng.random() < 0.8 else 2):
                    self._evidence(rows, rng, rid, c["code"], year, n + 1, updated_at or created, outcome)

        events.sort(key=lambda e: e[0])
        prev = ""
        for at, actor, role, action, from_state, to_state, reason, data in events:
            if action == Action.CREATED:
                data = {"standard": standard_code, "generated": self.seed}
            # hash_values reads attributes only: a namespace spares building half a million models.
            event = SimpleNamespace(
                assessment_id=aid,
                at=at,
                actor_id=actor,
                actor_role=role,
                action=action,
                from_state=from_state,
                to_state=to_state,
                reason=reason,
                data=data,
                prev_hash=prev,
            )
            event.hash = chain_hash(AssessmentEvent.hash_values(event))
            rows[AssessmentEvent].append(
                (self._id(AssessmentEvent), aid, at, actor, role, action, from_state, to_state, reason,
                 json.dumps(data, ensure_ascii=False), prev, event.hash)
            )  # fmt: skip
            prev = event.hash
        rows[Assessment].append(
            (aid, c["code"], year, standard_id, state, version, round_, c["province_id"], c["city_id"],
             c["county_id"], c["street_id"], created, events[-1][0], submitted, first_submitted, recommended,
             returned, approved, revoked, return_reason, revoke_reason, answered, evidenced, not_met,
             DEFAULT_LEVEL.get(state, ""), DEFAULT_CHAIN_TEXT if first_submitted else "")
        )  # fmt: skip

    @staticmethod
    def _figure(rng, criterion, rating) -> Decimal | None:
        if criterion.kind != "percent" or not rating:
            return None
        threshold = float(criterion.threshold_percent)
        if rating == Rating.MET:
            value = threshold if threshold >= 100 else rng.uniform(threshold, 100)
        elif rating == Rating.LARGELY_MET:
            value = rng.uniform(max(0.0, threshold - 15), threshold)
        else:
            value = rng.uniform(0, max(1.0, threshold - 5))
        return Decimal(f"{min(value, 100.0):.2f}")

    def _evidence(self, rows, rng, response_id, code, year, n, uploaded, outcome) -> None:
        kind = _pick(rng, EVIDENCE_WEIGHTS)
        name, (low, high) = EVIDENCE_FILES[kind]
        token = f"{rng.getrandbits(128):032x}"
        rows[Evidence].append(
            (
                self._id(Evidence),
                response_id,
                f"evidence/{year}/{code}/{token}",
                "",
                name.format(n=n),
                "",
                kind,
                rng.randint(low, high),
                hashlib.sha256(token.encode()).hexdigest(),
                uploaded,
                None,
                None if outcome == "draft" else 1,
                None,
            )
        )

    # --- writing ----------------------------------------------------------------

    def flush(self, batch: Batch) -> None:
        for model, columns in TABLES:
            rows = batch.rows[model]
            if rows:
                write_rows(model._meta.db_table, columns, rows)
                self.totals[model.__name__] += len(rows)
                rows.clear()


def _sqlite_value(value):
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
    if isinstance(value, Decimal):
        return str(value)
    return value


def write_rows(table: str, columns: list[str], rows: list[tuple]) -> None:
    """COPY on PostgreSQL (about ten times faster than INSERT), executemany elsewhere."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            buffer = io.StringIO()
            writer = csv.writer(buffer, lineterminator="\n")
            # csv writes None as an empty field: with the default NULL '' that is NULL, and the text
            # columns that may be empty strings are exempted with FORCE_NOT_NULL.
            writer.writerows(rows)
            buffer.seek(0)
            not_null = ", ".join(TEXT_COLUMNS[table])
            sql = (
                f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH "
                f"(FORMAT csv, FORCE_NOT_NULL ({not_null}))"
            )
            cursor.cursor.copy_expert(sql, buffer)
        else:
            placeholders = ", ".join(["%s"] * len(columns))
            cursor.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})",  # noqa: S608
                [tuple(_sqlite_value(v) for v in row) for row in rows],
            )


def reset_sequences() -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model, _c in TABLES:
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                f"GREATEST((SELECT MAX(id) FROM {table}), 1))"
            )


ASSESSMENT_TABLES = [
    "assessments_evidence",
    "assessments_demonstration",
    "assessments_notice",
    "assessments_submission",
    "assessments_assessmentevent",
    "assessments_response",
    "assessments_assessment",
]


class BulkLoad:
    """Into empty tables on PostgreSQL: drop the secondary indexes and foreign keys of the tables
    written, and recreate them after the COPY. Building an index once and validating a foreign
    key with one join are far cheaper than maintaining them row by row (several million rows and
    deferred trigger events). All inside the command's transaction: a failure restores them."""

    def __init__(self):
        self.indexes: list[str] = []
        self.constraints: list[tuple[str, str, str]] = []

    def __enter__(self):
        with connection.cursor() as cursor:
            # Pending deferred checks (e.g. a registry import earlier in the same transaction)
            # would forbid altering the referenced tables: run them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for model, _c in TABLES:
                table = model._meta.db_table
                cursor.execute(
                    "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                    "WHERE conrelid = %s::regclass AND contype = 'f'",
                    [table],
                )
                for name, definition in cursor.fetchall():
                    self.constraints.append((table, name, definition))
                    cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
                cursor.execute(
                    "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT IN "
                    "(SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
                    [table, table],
                )
                for name, definition in cursor.fetchall():
                    self.indexes.append(definition)
                    cursor.execute(f'DROP INDEX "{name}"')
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None:
            return False  # the transaction rolls back and restores everything
        with connection.cursor() as cursor:
            for definition in self.indexes:
                cursor.execute(definition)
            for table, name, definition in self.constraints:
                cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's foreign keys are deferred
        return False


def delete_generated(*, provinces: list[str] | None, years: list[int]) -> int:
    """Delete the assessments (and everything hanging off them) of these provinces and years.

    History is append-only for the application; this maintenance command is the one place that
    removes it, with plain SQL, and only for data it generated or is asked to replace."""
    scope = Assessment.objects.filter(year__in=years)
    if provinces:
        scope = scope.filter(province_id__in=provinces)
    count = scope.count()
    if not count:
        return 0
    everything = count == Assessment.objects.count() and not Notice.objects.filter(assessment=None).exists()
    if connection.vendor == "postgresql" and everything:
        # Everything goes: TRUNCATE instead of deleting millions of rows one by one. Refused by
        # PostgreSQL if another table references these; then the DELETEs below do it.
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f"TRUNCATE {', '.join(ASSESSMENT_TABLES)}")
            return count
        except DatabaseError:
            pass
    ids_sql, params = scope.values("id").query.sql_with_params()
    with connection.cursor() as cursor:
        for sql in (
            "DELETE FROM assessments_evidence WHERE response_id IN "
            "(SELECT id FROM assessments_response WHERE assessment_id IN ({ids}))",
            "DELETE FROM assessments_demonstration WHERE assessment_id IN ({ids})",
            "DELETE FROM assessments_notice WHERE assessment_id IN ({ids})",
            "DELETE FROM assessments_submission WHERE assessment_id IN ({ids})",
            "DELETE FROM assessments_assessmentevent WHERE assessment_id IN ({ids})",
            "DELETE FROM assessments_response WHERE assessment_id IN ({ids})",
            "DELETE FROM assessments_assessment WHERE id IN ({ids})",
        ):
            cursor.execute(sql.format(ids=ids_sql), params)
    return count


def parse_years(value: str) -> list[int]:
    try:
        if "-" in value:
            start, end = (int(v) for v in value.split("-", 1))
            years = list(range(start, end + 1))
        else:
            years = [int(v) for v in value.split(",")]
    except ValueError:
        raise CommandError(f"--years: expected e.g. 2020-2025 or 2021,2022, not {value!r}") from None
    if not years or min(years) < FIRST_YEAR or max(years) > LAST_YEAR:
        raise CommandError(f"--years must lie within {FIRST_YEAR}-{LAST_YEAR}.")
    return years


class Command(BaseCommand):
    help = (
        "Generate realistic campaign years (2020-2025) for the communities already in the registry: "
        "assessments, one response per criterion of the standard, evidence metadata, reviews, returns, revocations, "
        "demonstrations and the history chain. Deterministic for a seed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--years", default=f"{FIRST_YEAR}-{LAST_YEAR}", help="e.g. 2020-2025")
        parser.add_argument("--province", action="append", help="2-digit or 12-digit code; repeatable")
        parser.add_argument(
            "--reset", action="store_true", help="first delete the assessments of these provinces and years"
        )

    def handle(self, *args, seed, years, province, reset, **options):
        started = time.perf_counter()
        years = parse_years(years)
        provinces = None
        if province:
            provinces = [p.strip().ljust(12, "0") for p in province]
            known = set(
                Region.objects.filter(pk__in=provinces, level=RegionLevel.PROVINCE).values_list(
                    "pk", flat=True
                )
            )
            if unknown := sorted(set(provinces) - known):
                raise CommandError(f"Unknown provincial unit(s): {', '.join(unknown)}")
        communities = Community.objects.order_by("province_id", "code")
        if provinces:
            communities = communities.filter(province_id__in=provinces)
        if not communities.exists():
            raise CommandError("The registry is empty here: run import_communities first.")

        with transaction.atomic():
            if reset:
                removed = delete_generated(provinces=provinces, years=years)
                self.stdout.write(f"deleted {removed} assessments")
            else:
                existing = Assessment.objects.filter(year__in=years)
                if provinces:
                    existing = existing.filter(province_id__in=provinces)
                if existing.exists():
                    raise CommandError(
                        "Assessments already exist for these provinces and years: nothing was generated. "
                        "Use --reset to replace them."
                    )
            generator = Generator(seed=seed, years=years, open_year=LAST_YEAR, stdout=self.stdout)
            bulk = connection.vendor == "postgresql" and not Response.objects.exists()
            with BulkLoad() if bulk else contextlib.nullcontext():
                self.generate(generator, communities, started)
            reset_sequences()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for model, _c in TABLES:
                    # Visibility map and statistics now, not whenever autovacuum comes by
                    # (VACUUM cannot run inside a transaction, e.g. under a test).
                    verb = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
                    cursor.execute(f"{verb} {model._meta.db_table}")
        # Written behind the services' backs: leave the live figures of every year current (the
        # unit-years whose inputs changed, as the healing task finds them), not for beat to find.
        healed = store.figures_heal()
        self.stdout.write(f"figures recomputed for {len(healed)} unit-years")
        totals = ", ".join(f"{n} {name}" for name, n in generator.totals.items())
        self.stdout.write(
            self.style.SUCCESS(f"generated {totals} in {time.perf_counter() - started:.1f} s (seed {seed})")
        )

    def generate(self, generator: Generator, communities, started: float) -> None:
        """Province by province, so that memory stays bounded at national scale."""
        province_ids = list(communities.order_by().values_list("province_id", flat=True).distinct())
        for province_id in sorted(province_ids):
            rows = list(
                Community.objects.filter(province_id=province_id)
                .order_by("code")
                .values("code", "province_id", "city_id", "county_id", "street_id")
            )
            generator.ensure_reviewers(rows)
            standard = standard_for(province=province_id, year=generator.open_year)
            batch = Batch()
            for c in rows:
                generator.community(batch, c, (standard.pk, standard.code))
                if len(batch) > 200_000:
                    generator.flush(batch)
            generator.flush(batch)
            self.stdout.write(
                f"{province_id[:2]}: {len(rows)} communities, "
                f"{generator.totals['Assessment']} assessments so far "
                f"({time.perf_counter() - started:.1f} s)"
            )
