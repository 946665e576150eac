"""Template lines longer than 200 characters, and (with --wrap) their safe line breaks.

Usage:
    .venv/bin/python scripts/template_lines.py [--limit 200] [--wrap] [FOLDER ...]

Without folders: templates/ and every apps/*/templates/. Prints `path:line: length` for each line
over the limit and exits 1 when there is one (0 otherwise).

--wrap breaks long lines only where whitespace means nothing to what a user sees:
- between two attributes of an HTML tag, outside quotes (`<a href="…"\n    class="…">`);
- between the rows and cells of a table or the items of a definition list, never inside a
  cell (`</td>\n    <td>`, `</dt>\n    <dd>`);
- at a single space inside `{% blocktranslate trimmed %}` (the message id stays the same: trimmed
  joins the lines with one space);
and never inside `{% %}`, `{{ }}`, `{# #}` (a Django tag cannot span lines), a blocktranslate
without trimmed, `{% comment %}`, `{% verbatim %}`, `<script>`, `<style>`, `<pre>`, `<textarea>`
or an HTML comment. Only when a line cannot be brought under the limit that way does it add
`trimmed` to the line's one-line blocktranslates (same message id when their texts have no space
at either end), then break right after a tag's name (`<span\n    class=`: check that no test
matches that markup raw). Lines it cannot break are still reported: turn a long
`{% translate "…" %}` into `{% blocktranslate trimmed %}` (same message id unless the text has %,
and the same output unless it or its translation has < > & or "), or break the text with
`{% comment "a line break that renders nothing" %}` + newline + `{% endcomment %}`.
Check the result: `bash scripts/messages.sh` must leave every msgid as it was, and the tests pass.
"""

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 200
EXTENSIONS = {".html", ".txt", ".xml"}
RAW_ELEMENTS = ("script", "style", "pre", "textarea")
BLOCKTRANS_RE = re.compile(r"\{%-?\s*(blocktranslate|blocktrans)\b(.*?)%\}")


def template_files(folders: list[Path]):
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.suffix in EXTENSIONS:
                yield path


def default_folders() -> list[Path]:
    return [ROOT / "templates", *sorted(ROOT.glob("apps/*/templates"))]


def long_lines(path: Path, limit: int = LIMIT) -> list[tuple[int, int]]:
    """(line number, length) of every line of `path` longer than `limit` characters."""
    lines = path.read_text(encoding="utf-8").split("\n")
    return [(i, len(line)) for i, line in enumerate(lines, 1) if len(line) > limit]


# --- Wrapping --------------------------------------------------------------------------------------


def _django_end(text: str, i: int) -> int:
    """Index just after the Django construct opening at text[i] ({% %}, {{ }}, {# #})."""
    closer = {"{%": "%}", "{{": "}}", "{#": "#}"}[text[i : i + 2]]
    end = text.find(closer, i + 2)
    return len(text) if end < 0 else end + 2


def breakpoints(text: str, *, after_name: bool = False) -> set[int]:
    """Indexes of whitespace characters of `text` where a line break changes nothing rendered.
    A run of whitespace inside a tag counts by its first character (the run is replaced);
    inside a trimmed blocktranslate only a single space counts. Inside a tag, only between two
    attributes unless `after_name` (then also `<span\n    class=...`, which a test matching the
    raw markup `<span class=` would no longer find)."""
    found: set[int] = set()
    i, n = 0, len(text)
    in_tag = False  # inside <name ...>
    tag_start = 0
    quote = ""  # the quote character of an attribute value being read
    blocktrans = None  # None outside, else True when trimmed
    skip_until = ""  # an end marker: {% endcomment %}, </script> ...
    tokens: list[tuple[int, int, str, str]] = []  # (start, end, kind, name) read outside tags
    while i < n:
        if skip_until:
            j = text.find(skip_until, i)
            if j < 0:
                break
            i = j + len(skip_until)
            if skip_until.startswith("</"):
                in_tag, tag_start = True, j  # the closing tag's own ">" is read on
                i = j + 2
            skip_until = ""
            continue
        two = text[i : i + 2]
        if two in ("{%", "{{", "{#"):
            end = _django_end(text, i)
            if two == "{%":
                words = text[i + 2 : end - 2].split()
                name = words[0] if words else ""
                if not in_tag and blocktrans is None:
                    tokens.append((i, end, "django", name))
                if name in ("blocktranslate", "blocktrans"):
                    blocktrans = "trimmed" in words[1:]
                elif name in ("endblocktranslate", "endblocktrans"):
                    blocktrans = None
                elif name == "comment":
                    skip_until = "{% endcomment %}"
                elif name == "verbatim":
                    skip_until = "{% endverbatim %}"
            i = end
            continue
        c = text[i]
        if blocktrans is not None:
            if (
                blocktrans
                and c == " "
                and text[i - 1] not in " \t\n"
                and text[i + 1 : i + 2] not in ("", " ", "\t", "\n")
            ):
                found.add(i)
            i += 1
            continue
        if quote:
            if c == quote:
                quote = ""
        elif in_tag:
            if c in "\"'":
                quote = c
            elif c == ">":
                in_tag = False
                tag = _tag_name(text, i)
                tokens.append((tag_start, i + 1, "open", tag))
                if tag in RAW_ELEMENTS:
                    skip_until = f"</{tag}"
            elif (
                c in " \t"
                and text[i - 1] not in " \t\n"
                and text[i + 1 : i + 2] not in ("", ">", "/")
                and (after_name or re.search(r"\s", text[tag_start:i]))
            ):
                found.add(i)
        elif text.startswith("<!--", i):
            end = text.find("-->", i)
            i = n if end < 0 else end + 3
            continue
        elif c == "<" and re.match(r"[A-Za-z]", text[i + 1 : i + 2]):
            in_tag, tag_start = True, i
        elif closing := re.match(r"</([A-Za-z][A-Za-z0-9-]*)\s*>", text[i : i + 40]):
            tokens.append((i, i + closing.end(), "close", closing.group(1).lower()))
            i += closing.end()
            continue
        i += 1
    return found | _between_table_cells(tokens)


# Between the rows and cells of a table, and the terms and descriptions of a definition list.
TABLE_LEFT = {("close", t) for t in ("tr", "th", "td", "thead", "tbody", "tfoot", "caption", "dt", "dd")} | {
    ("open", t) for t in ("table", "thead", "tbody", "tfoot", "tr", "dl")
}
TABLE_RIGHT = {("open", t) for t in ("tr", "th", "td", "thead", "tbody", "tfoot", "dt", "dd")} | {
    ("close", t) for t in ("tr", "thead", "tbody", "tfoot", "table", "dl")
}
FLOW_TAGS = {"if", "elif", "else", "endif", "for", "empty", "endfor", "with", "endwith"}


def _between_table_cells(tokens: list[tuple[int, int, str, str]]) -> set[int]:
    """Zero-width break points between the rows and cells of a table (`</td><td>`, `<tr><th>`,
    `</tr>{% endfor %}</tbody>` ...) or the items of a definition list (`</dt><dd>`): whitespace
    there is never rendered. Never inside a cell or an item."""
    found: set[int] = set()

    def html_side(k: int, step: int) -> tuple[str, str] | None:
        while 0 <= k < len(tokens):
            start, end, kind, name = tokens[k]
            if kind != "django":
                return kind, name
            if name not in FLOW_TAGS:
                return None
            nxt = k + step
            if not 0 <= nxt < len(tokens):
                return None
            if (tokens[nxt][1] != start) if step < 0 else (tokens[nxt][0] != end):
                return None
            k = nxt
        return None

    for k in range(len(tokens) - 1):
        if tokens[k][1] != tokens[k + 1][0]:
            continue
        if html_side(k, -1) in TABLE_LEFT and html_side(k + 1, 1) in TABLE_RIGHT:
            found.add(tokens[k + 1][0])
    return found


def _tag_name(text: str, gt: int) -> str:
    """The element name of the opening tag that ends at text[gt] == ">" ("" for a closing tag)."""
    start = text.rfind("<", 0, gt)
    match = re.match(r"<([A-Za-z][A-Za-z0-9-]*)", text[start:gt])
    return match.group(1).lower() if match else ""


def _add_trimmed(line: str) -> str:
    """`trimmed` added to each blocktranslate that opens and ends on this line when its texts
    have no space at either end (then the message id is the same with it)."""

    def add(match: re.Match) -> str:
        if "trimmed" in match.group(2).split():
            return match.group(0)
        rest = line[match.end() :]
        end = re.search(r"\{%-?\s*end(blocktranslate|blocktrans)\s*-?%\}", rest)
        if end is None:
            return match.group(0)
        body = rest[: end.start()]
        parts = re.split(r"\{%\s*plural\s*%\}", body)
        if any(part != part.strip() or "\n" in part for part in parts):
            return match.group(0)
        inner = match.group(0)[:-2].rstrip()
        return f"{inner} trimmed %}}"

    return BLOCKTRANS_RE.sub(add, line)


def wrap_text(text: str, limit: int = LIMIT) -> str:
    """`text` with its lines over `limit` broken at safe places (see the module's docstring);
    `trimmed` is added to a line's blocktranslates, then breaks right after a tag's name allowed,
    only when the line cannot be broken otherwise."""
    lines = text.split("\n")
    for number in range(len(lines)):
        if len(lines[number]) <= limit:
            continue
        pieces = _wrapped_line(lines, number, limit)
        trimmed = [*lines[:number], _add_trimmed(lines[number]), *lines[number + 1 :]]
        if max(map(len, pieces)) > limit:
            pieces = _wrapped_line(trimmed, number, limit)
        if max(map(len, pieces)) > limit:
            pieces = _wrapped_line(trimmed, number, limit, after_name=True)
        lines[number] = "\n".join(pieces)
    return "\n".join(lines)


def _wrapped_line(lines: list[str], number: int, limit: int, *, after_name: bool = False) -> list[str]:
    text = "\n".join(lines)
    offset = sum(len(line) + 1 for line in lines[:number])
    line = lines[number]
    points = breakpoints(text, after_name=after_name)
    ends = sorted(p - offset for p in points if offset <= p < offset + len(line))
    indent = line[: len(line) - len(line.lstrip())] + "    "
    pieces: list[str] = []
    start, prefix = 0, ""
    while len(prefix) + len(line) - start > limit:
        fitting = [p for p in ends if start < p and len(prefix) + p - start <= limit]
        later = [p for p in ends if p > start]
        cut = fitting[-1] if fitting else (later[0] if later else None)
        if cut is None:
            break
        pieces.append(prefix + line[start:cut].rstrip(" \t"))
        start = cut
        while start < len(line) and line[start] in " \t":
            start += 1
        prefix = indent
    pieces.append(prefix + line[start:])
    return pieces


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folders", nargs="*", type=Path)
    parser.add_argument("--limit", type=int, default=LIMIT)
    parser.add_argument("--wrap", action="store_true", help="break long lines where it is safe")
    args = parser.parse_args(argv)
    folders = [f if f.is_absolute() else Path.cwd() / f for f in args.folders] or default_folders()
    found = 0
    for path in template_files(folders):
        if args.wrap:
            text = path.read_text(encoding="utf-8")
            wrapped = wrap_text(text, args.limit)
            if wrapped != text:
                path.write_text(wrapped, encoding="utf-8")
        for number, length in long_lines(path, args.limit):
            found += 1
            print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}:{number}: {length}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
