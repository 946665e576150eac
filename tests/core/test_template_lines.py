"""No template line over 200 characters (issue 28): long lines hide what a template does and make
every diff of them a wall. Break them where whitespace renders nothing (scripts/template_lines.py
lists the long lines and, with --wrap, breaks them safely).

Every template folder of the tree is checked (each app's and the root one).
"""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 200
FOLDERS = sorted(str(path.relative_to(ROOT)) for path in [*ROOT.glob("apps/*/templates"), ROOT / "templates"])


@pytest.mark.parametrize("folder", FOLDERS)
def test_no_template_line_is_over_200_characters(folder):
    assert (ROOT / folder).is_dir(), folder
    too_long = [
        f"{path.relative_to(ROOT)}:{number}: {len(line)}"
        for path in sorted((ROOT / folder).rglob("*"))
        if path.is_file() and path.suffix in {".html", ".txt", ".xml"}
        for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1)
        if len(line) > LIMIT
    ]
    assert too_long == [], "\n".join(too_long)
