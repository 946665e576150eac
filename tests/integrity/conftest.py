import pytest

from apps.integrity import services
from tests.factories import CommunityFactory, region

from .data import SHARED_PARAGRAPH, add_evidence, photo_bytes, resized_recompressed, submitted_assessment


@pytest.fixture(autouse=True)
def _comparisons_in_process(eager_tasks):
    """The comparison runs in a Celery task after the submit commits: here in process, also where
    REDIS_URL points at a broker (CI)."""


@pytest.fixture
def shared(db):
    """Three submitted assessments: 徐汇 A and B (same street) and 北京东城 C. A's criterion 1
    statement was copied by C (name and numbers changed); A's criterion 2 photo was also submitted by
    B (the shared facility, resized) and by C (recompressed). Flags computed."""
    a_c = CommunityFactory(street=region("310104003"), name="天平甲社区居委会")
    b_c = CommunityFactory(street=region("310104003"), name="天平乙社区居委会")
    c_c = CommunityFactory(street=region("110101001"), name="东华丙社区居委会")
    a, ra = submitted_assessment(a_c, year=2023)
    b, rb = submitted_assessment(b_c, year=2023)
    c, rc = submitted_assessment(c_c, year=2021)
    ra[1].statement = "天平甲社区居委会" + SHARED_PARAGRAPH
    ra[1].save(update_fields=["statement"])
    rc[1].statement = "东华丙社区居委会" + SHARED_PARAGRAPH.replace("356", "9173").replace(
        "87", "91"
    ).replace("居民", "群众", 1)
    rc[1].save(update_fields=["statement"])
    photo = photo_bytes(42)
    ea = add_evidence(ra[2], photo)
    eb = add_evidence(rb[2], resized_recompressed(photo, scale=0.5, quality=60))
    ec = add_evidence(rc[2], resized_recompressed(photo, scale=0.8, quality=70))
    for assessment in (a, b, c):
        services.assessment_flags_compute(assessment_id=assessment.pk)
    return {"a": a, "b": b, "c": c, "ra": ra, "rb": rb, "rc": rc, "ea": ea, "eb": eb, "ec": ec}
