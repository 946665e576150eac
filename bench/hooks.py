"""Where the figures that need other issues' features plug in.

Each hook is None until its feature exists in the branch; the bench then prints the figure as
"pending (issue N)" instead of a number. Fill a hook in, and the bench measures it in the next
run, against the floor it already measures. See docs/benchmarks.md.
"""

# Figure 2 (needs issue 5): a callable(year: int) -> None that compiles the figures of all 32
# provincial units and the nation for one year, the way the reports app does (without PDFs).
# Its floor, one hand-written SQL query of the same per-province, per-criterion counts, is
# measured already (bench/figures.py: criterion_counts_sql).
COMPILE_FIGURES = None

# Figure 3 (needs issue 5): a callable(year: int, timeout: float) -> dict that enqueues the full
# annual compile through Celery (all 32 provincial PDFs and the national PDF), waits for it with
# two worker processes running, and returns {"total": seconds, "national_pdf": seconds}.
ANNUAL_COMPILE = None

# Figure 4, pages still to come (needs issue 4): a callable(context) -> path, where context holds
# the bench users and regions (see bench/figures.py: PageContext).
REVIEW_QUEUE_COUNTY_PATH = None  # first-level review queue of the largest county
REVIEW_QUEUE_PROVINCE_PATH = None  # province review queue of the largest province
NATIONAL_DASHBOARD_PATH = None  # the ministry's national dashboard

# Figure 5 (needs issue 6): the argv (list of str, run from the project root with the bench's
# environment) of the national CSV export, e.g. [python, "manage.py", "export_...", "--national"],
# or a callable(context) -> path of the export URL served by gunicorn.
NATIONAL_EXPORT_ARGV = None
