"""Fill empty or fuzzy msgstr entries of every zh_Hans catalogue from a JSON file {msgid: 中文}.

Usage: .venv/bin/python scripts/po_fill.py locale-src/*.json   (also compiles the .mo files)
Plural entries take the same Chinese for every form. Prints the msgids still untranslated.
"""

import json
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent


# Django merges every catalogue at run time, so a msgid has one translation everywhere. When two
# areas translate one msgid differently, the file later in this list wins (the rest alphabetical).
PRIORITY = [
    "accounts",
    "ux",
    "forms",
    "scores",
    "tokens",
    "api",
    "security",
    "reports",
    "review",
    "assessments",
    "foundation",
    "chains",
    "late",
]


def main(paths: list[str]) -> int:
    rank = {name: i for i, name in enumerate(PRIORITY, start=1)}
    table = {}
    for path in sorted(paths, key=lambda p: (rank.get(Path(p).stem, 0), Path(p).stem)):
        table.update(json.loads(Path(path).read_text(encoding="utf-8")))
    missing = []
    for po_path in [
        *ROOT.glob("apps/*/locale/zh_Hans/LC_MESSAGES/django.po"),
        ROOT / "locale/zh_Hans/LC_MESSAGES/django.po",
    ]:
        if not po_path.exists():
            continue
        po = polib.pofile(str(po_path))
        for entry in po:
            if entry.msgid in table:
                if entry.msgid_plural:
                    entry.msgstr_plural = {0: table[entry.msgid]}
                else:
                    entry.msgstr = table[entry.msgid]
                if "fuzzy" in entry.flags:
                    entry.flags.remove("fuzzy")
            translated = entry.msgstr or (entry.msgstr_plural and entry.msgstr_plural.get(0))
            if not translated or "fuzzy" in entry.flags:
                missing.append(f"{po_path.relative_to(ROOT)}: {entry.msgid}")
        po.save()
        po.save_as_mofile(str(po_path.with_suffix(".mo")))
    print("\n".join(missing) or "all translated")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
