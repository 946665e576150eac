"""The demo's evidence photos carry Chinese text, drawn with the Noto CJK font (issue 20, item 8)."""

import io

from PIL import Image, ImageDraw

from apps.demo import campaign


def test_demo_photos_are_drawn_in_chinese_with_the_cjk_font(monkeypatch):
    drawn = []
    text = ImageDraw.ImageDraw.text

    def spy(self, xy, words, *args, **kwargs):
        drawn.append((words, getattr(kwargs.get("font"), "path", None)))
        return text(self, xy, words, *args, **kwargs)

    monkeypatch.setattr(ImageDraw.ImageDraw, "text", spy)
    monkeypatch.setattr(campaign, "_FILES", {})
    upload = campaign._evidence_file(5)
    assert upload.name.endswith(".png")
    assert Image.open(io.BytesIO(upload.read())).format == "PNG"
    assert drawn and all(path == campaign.CJK_FONT for _words, path in drawn)
    assert any("现场照片" in words for words, _path in drawn)
    assert all(not any("a" <= ch.lower() <= "z" for ch in words) for words, _path in drawn)
