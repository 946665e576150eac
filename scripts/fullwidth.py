"""Half-width , : ; after a Chinese character become full-width (，：；) in the Chinese of every
locale-src/*.json file and zh_Hans catalogue. Idempotent: `python scripts/fullwidth.py`."""

import json
import re
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
CJK = "\u3400-\u9fff\uff00-\uffef\u3000-\u303f"
HALF = re.compile(f"([{CJK}])\\s*([,:;])\\s*")
FULL = {",": "，", ":": "：", ";": "；"}


def fix(text: str) -> str:
    return HALF.sub(lambda m: m.group(1) + FULL[m.group(2)], text)


def main() -> int:
    changed = 0
    for path in sorted((ROOT / "locale-src").glob("*.json")):
        table = json.loads(path.read_text(encoding="utf-8"))
        fixed = {k: fix(v) for k, v in table.items()}
        if fixed != table:
            changed += sum(fixed[k] != table[k] for k in table)
            path.write_text(json.dumps(fixed, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    for po_path in sorted(
        [*ROOT.glob("locale/zh_Hans/LC_MESSAGES/*.po"), *ROOT.glob("apps/*/locale/zh_Hans/LC_MESSAGES/*.po")]
    ):
        po = polib.pofile(str(po_path))
        dirty = False
        for entry in po:
            if entry.msgstr and fix(entry.msgstr) != entry.msgstr:
                entry.msgstr, dirty = fix(entry.msgstr), True
            for n, s in list(entry.msgstr_plural.items()):
                if fix(s) != s:
                    entry.msgstr_plural[n], dirty = fix(s), True
        if dirty:
            po.save()
            po.save_as_mofile(str(po_path.with_suffix(".mo")))
    print(f"{changed} source strings made full-width")
    return 0


if __name__ == "__main__":
    sys.exit(main())
