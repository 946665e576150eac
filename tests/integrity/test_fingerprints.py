"""The fingerprints alone: near-copies of Chinese text with names and numbers changed resemble each
other, unrelated texts and boilerplate do not; pHash survives resizing and recompression; a damaged
image is "not comparable", never an exception."""

import io
import random
from datetime import date

from apps.assessments.files import capture_date
from apps.integrity import fingerprints as fp

from .data import edited_copy, photo_bytes, resized_recompressed

TEXT = (
    "东湖社区居委会牵头组织垃圾分类宣传入户，物业公司协调推进雨污管网改造，志愿者队伍定期开展"
    "节水节电知识讲座，共有356户居民参与，完成率87%。"
)


def test_an_edited_copy_with_another_name_and_numbers_is_similar():
    a = fp.statement_print(TEXT, names=fp.community_names("东湖社区居委会"))
    copy = edited_copy(TEXT, old_name="东湖社区居委会", new_name="西山社区居委会", rng=random.Random(1))
    b = fp.statement_print(copy, names=fp.community_names("西山社区居委会"))
    assert copy != TEXT
    assert fp.estimated_jaccard(a.signature, b.signature) >= fp.STATEMENT_THRESHOLD
    assert set(a.bands) & set(b.bands)


def test_an_unrelated_statement_is_not_similar():
    a = fp.statement_print(TEXT)
    b = fp.statement_print(
        "业委会统筹实施口袋公园建设，网格员积极参与绿色家庭评选，共建单位重点抓好节能路灯更换。"
    )
    assert fp.estimated_jaccard(a.signature, b.signature) < 0.3


def test_the_criterion_text_and_short_statements_are_not_compared():
    criterion = "建立健全社区人居环境建设和整治机制"
    assert not fp.statement_print(f"已按要求落实：{criterion}。", criterion_text=criterion).comparable
    assert not fp.statement_print("已完成。").comparable
    assert fp.statement_print(TEXT, criterion_text=criterion).comparable


def test_normalising_removes_the_own_name_digits_and_punctuation():
    assert (
        fp.normalise("东湖社区：共 356 户，完成率 87%！", names=fp.community_names("东湖社区"))
        == "共#户完成率#"
    )


def test_phash_survives_resizing_and_recompression_and_other_photos_differ():
    original = photo_bytes(1)
    h = fp.photo_phash(io.BytesIO(original))
    for scale, quality in ((0.5, 60), (0.3, 40), (1.5, 75)):
        copy = fp.photo_phash(io.BytesIO(resized_recompressed(original, scale=scale, quality=quality)))
        assert fp.hamming(h, copy) <= fp.MAX_PHOTO_DISTANCE
        assert set(fp.photo_bands(h)) & set(fp.photo_bands(copy))
    others = [fp.photo_phash(io.BytesIO(photo_bytes(seed))) for seed in range(2, 30)]
    assert min(fp.hamming(h, o) for o in others) > fp.MAX_PHOTO_DISTANCE


def test_a_damaged_or_undecodable_image_is_not_comparable(monkeypatch):
    from PIL import ImageFile

    # As after WeasyPrint was imported in the same process (it sets the flag for its own images).
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    assert fp.photo_phash(io.BytesIO(photo_bytes(3)[:1200])) is None
    heic_like = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 200
    assert fp.photo_phash(io.BytesIO(heic_like)) is None
    assert fp.photo_phash(io.BytesIO(b"not an image")) is None


def test_the_capture_date_is_read_from_exif():
    assert capture_date(io.BytesIO(photo_bytes(4, exif_date="2019:05:01 10:00:00"))) == date(2019, 5, 1)
    assert capture_date(io.BytesIO(photo_bytes(4))) is None
    assert capture_date(io.BytesIO(b"junk")) is None
