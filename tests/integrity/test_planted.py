"""On generated national data with planted near-copies: the backfill finds every planted pair (edited
statements across provinces and years, resized and recompressed photos, an old capture date, a
truncated JPEG) and nothing else: the stated false-positive rate is 0 on these ~1,000 statements
and ~30 photos (the test allows at most 0.5 % of the unplanted statements). Boilerplate (the
criterion's own text, short statements, a paragraph shared by more than 50 communities) is never
flagged. A second run is idempotent; the figures equal a direct count."""

import pytest
from django.core.management import call_command
from django.db.models import Q

from apps.assessments.models import Assessment, State
from apps.integrity import selectors, services
from apps.integrity.models import Flag, FlagKind, PhotoPrint, PhotoStatus, StatementPrint

from .data import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return build_world()


def _pairs(kind, subject):
    return {
        frozenset((getattr(f, subject), getattr(f, "other_" + subject)))
        for f in Flag.objects.filter(kind=kind)
    }


def test_backfill_finds_every_planted_pair_and_nothing_else(world, capsys):
    call_command("integrity_backfill", batch=17)
    out = capsys.readouterr().out
    assert "fingerprints: 60/60" in out and "integrity_backfill:" in out

    statement_pairs = {frozenset(p) for p in _pairs(FlagKind.STATEMENT, "response_id")}
    assert world.planted_statements <= statement_pairs
    false_positives = statement_pairs - world.planted_statements
    assert len(false_positives) <= 0.005 * world.statement_count
    assert not Flag.objects.filter(response_id__in=world.boilerplate_responses).exists()
    # Both sides are flagged, each pointing at the other.
    assert Flag.objects.filter(kind=FlagKind.STATEMENT).count() == 2 * len(statement_pairs)

    assert _pairs(FlagKind.PHOTO, "evidence_id") == world.planted_photos
    assert (
        set(Flag.objects.filter(kind=FlagKind.OLD_PHOTO).values_list("evidence_id", flat=True))
        == world.old_photos
    )
    assert set(Flag.objects.filter(kind=FlagKind.NOT_COMPARABLE).values_list("evidence_id", flat=True)) == (
        world.broken_photos
    )
    assert (
        PhotoPrint.objects.get(evidence_id=next(iter(world.broken_photos))).status
        == PhotoStatus.NOT_COMPARABLE
    )


def test_backfill_twice_changes_nothing_and_keeps_explanations(world, city_user):
    services.integrity_backfill()
    flags = set(Flag.objects.values_list("key", flat=True))
    prints = StatementPrint.objects.count()
    flag = Flag.objects.filter(kind=FlagKind.PHOTO, assessment__province_id="310000000000").first()
    services.flag_explain(flag=flag, user=city_user, note="两个社区共用的活动中心")
    outcome = services.integrity_backfill()
    assert outcome["statements"] == 0 and outcome["photos"] == 0
    assert set(Flag.objects.values_list("key", flat=True)) == flags
    assert StatementPrint.objects.count() == prints
    flag.refresh_from_db()
    assert flag.is_explained
    # Recomputing one assessment (a resubmission) does not reopen it either.
    services.assessment_flags_compute(assessment_id=flag.assessment_id)
    flag.refresh_from_db()
    assert flag.is_explained and flag.explanation == "两个社区共用的活动中心"


def test_a_changed_statement_loses_its_open_flag_on_both_sides(world):
    services.integrity_backfill()
    flag = Flag.objects.filter(kind=FlagKind.STATEMENT).first()
    response = flag.response
    response.statement = "社区网格员定期开展楼道清理整治，业委会全面落实节能路灯更换。"
    response.save(update_fields=["statement"])
    services.assessment_flags_compute(assessment_id=flag.assessment_id)
    assert not Flag.objects.filter(pk=flag.pk).exists()
    assert not Flag.objects.filter(kind=FlagKind.STATEMENT, other_response=response).exists()


def test_the_figures_equal_a_direct_count(world, ministry_user):
    services.integrity_backfill()
    explained = Flag.objects.filter(kind=FlagKind.STATEMENT).first()
    Flag.objects.filter(pk=explained.pk).update(explained_at=explained.found_at)
    rows = {(r["province_id"], r["year"]): r for r in selectors.flagged_shares(user=ministry_user)}
    submitted = Assessment.objects.exclude(state=State.DRAFT)
    keys = set(submitted.values_list("province_id", "year"))
    assert set(rows) == keys
    for province_id, year in keys:
        mine = submitted.filter(province_id=province_id, year=year)
        row = rows[(province_id, year)]
        assert row["submitted"] == mine.count()
        for kind in ("statement", "photo", "old_photo"):
            direct = {
                f.assessment_id
                for f in Flag.objects.filter(kind=kind, explained_at__isnull=True, assessment__in=mine)
            }
            assert row[kind] == len(direct)
        anything = {
            f.assessment_id
            for f in Flag.objects.filter(
                Q(kind__in=("statement", "photo", "old_photo")),
                explained_at__isnull=True,
                assessment__in=mine,
            )
        }
        assert row["flagged"] == len(anything)
        assert row["shares"]["flagged"] == pytest.approx(len(anything) / mine.count())
    assert sum(r["flagged"] for r in rows.values()) > 0


def test_a_province_sees_only_its_own_figures(world, province_user):
    services.integrity_backfill()
    rows = selectors.flagged_shares(user=province_user)
    assert rows and {r["province_id"] for r in rows} == {"310000000000"}
