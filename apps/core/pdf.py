"""What every PDF of the portal shares, whichever app prints it (the annual and national reports,
the naming's notices and documents): the collector spaced out while WeasyPrint renders, the page
footer "第 N 页 共 M 页" and the date as an official document writes it."""

import contextlib
import gc
import re

from django.utils.formats import date_format
from django.utils.translation import gettext

# WeasyPrint allocates hundreds of thousands of short-lived objects per report (boxes, styles,
# text layouts), so the collector's default first generation (700 allocations) runs thousands of
# times per PDF for little: a quarter of the render's CPU (docs/benchmarks.md, "Issue 15, second
# run"). Collections are spaced out while rendering and the thresholds put back after.
GC_FIRST_GENERATION = 50_000


@contextlib.contextmanager
def fewer_collections():
    thresholds = gc.get_threshold()
    gc.set_threshold(GC_FIRST_GENERATION, *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


def long_date(value) -> str:
    """A date as an official document writes it (2026年11月30日)."""
    return date_format(value, "DATE_FORMAT") if value else ""


def page_counter_css() -> str:
    """The page footer "第 N 页 共 M 页" as CSS content, from the translated "Page %(page)s of
    %(pages)s" (so the PDF's numbering reads in the document's language)."""
    text = gettext("Page %(page)s of %(pages)s")
    out = []
    for part in re.split(r"(%\(page\)s|%\(pages\)s)", text):
        if part == "%(page)s":
            out.append("counter(page)")
        elif part == "%(pages)s":
            out.append("counter(pages)")
        elif part:
            out.append('"' + part.replace("\\", "\\\\").replace('"', '\\"') + '"')
    return " ".join(out)
