"""Chinese strings use full-width punctuation: no half-width , : ; between Chinese characters
(欢迎，/审核：), in the compiled catalogues and in the templates' literal Chinese."""

import gettext
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CJK = r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]"
# A half-width comma, colon or semicolon with Chinese on its left and Chinese (or a placeholder
# that stands for Chinese text, or the end) on its right; spaces allowed around it.
HALF_WIDTH = re.compile(CJK + r"\s*[,:;]\s*(?:" + CJK + r"|%\(|\{|$)")


def chinese_catalogue() -> dict:
    """Every compiled Chinese catalogue of the project: the root one and each app's."""
    catalogue = {}
    paths = [ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.mo"]
    paths += sorted(ROOT.glob("apps/*/locale/zh_Hans/LC_MESSAGES/django.mo"))
    for path in paths:
        with path.open("rb") as fh:
            catalogue.update(gettext.GNUTranslations(fh)._catalog)
    return catalogue


def test_compiled_chinese_strings_use_full_width_punctuation():
    bad = []
    for msgid, msgstr in chinese_catalogue().items():
        if not msgid:
            continue  # the catalogue's header
        if HALF_WIDTH.search(msgstr):
            bad.append(f"{msgid!r} → {msgstr!r}")
    assert not bad, "half-width punctuation in Chinese strings:\n" + "\n".join(sorted(bad))


def test_templates_literal_chinese_uses_full_width_punctuation():
    bad = []
    for path in [*ROOT.glob("templates/**/*.html"), *ROOT.glob("apps/*/templates/**/*.html")]:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            # English msgids may quote Chinese names (…撤销 or 更名, …): the catalogue test covers those.
            if "translate" not in line and HALF_WIDTH.search(line):
                bad.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not bad, "half-width punctuation after Chinese in templates:\n" + "\n".join(bad)


def test_the_check_catches_what_it_is_for():
    assert HALF_WIDTH.search("欢迎, 张三")
    assert HALF_WIDTH.search("审核:%(name)s")
    assert not HALF_WIDTH.search("欢迎，张三")
    assert not HALF_WIDTH.search("时间 12:30")
