"""The one rule about control characters in typed text (apps.core.text): refused, never stripped."""

import pytest

from apps.core.errors import ServiceError
from apps.core.text import control_character_at, text_check, without_controls


@pytest.mark.parametrize(
    "char", ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f", "\x85", "\x9f", "\ud800"]
)
def test_controls_are_refused_everywhere(char):
    assert control_character_at(f"ab{char}c") == 2
    assert control_character_at(f"ab{char}c", multiline=True) == 2


@pytest.mark.parametrize("char", ["\t", "\n", "\r"])
def test_tab_and_line_breaks_only_in_multi_line_text(char):
    assert control_character_at(f"a{char}b") == 1
    assert control_character_at(f"a{char}b", multiline=True) is None


@pytest.mark.parametrize("text", ["徐汇区天平路街道", "Name (x) — “引号”", "\u3000全角空格", "emoji 🌱", ""])
def test_ordinary_text_passes(text):
    assert control_character_at(text) is None
    assert text_check(text, field="name", label="名称") == text


def test_refusal_names_the_field_in_chinese():
    with pytest.raises(ServiceError) as refused:
        text_check("天平\x00路", field="name", label="名称")
    assert refused.value.code == "control_character"
    assert refused.value.field == "name"
    assert str(refused.value.message) == "“名称”含有无法保存的控制字符（U+0000，第 3 个字符），请删除后重试。"


def test_file_names_are_cleaned_not_refused():
    assert without_controls("名录\x00\x1f.csv") == "名录.csv"
