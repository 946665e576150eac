"""The `--years` option shared by the figures commands (refresh_figures, verify_figures)."""

from django.core.management.base import CommandError

from apps.reports.figures.counts import figure_years

HELP = "e.g. 2020-2025 or 2024,2025 (default: 2020 to the campaign year)"


def add_years_argument(parser) -> None:
    parser.add_argument("--years", help=HELP)


def chosen_years(years: str | None) -> list[int]:
    """The campaign years named by `--years` ("2020-2025" or "2024,2025"); every figure year
    (2020 to the campaign year) when it is not given."""
    if not years:
        return figure_years()
    try:
        if "-" in years:
            first, last = (int(v) for v in years.split("-", 1))
            return list(range(first, last + 1))
        return [int(v) for v in years.split(",")]
    except ValueError:
        raise CommandError(f"--years: expected e.g. 2020-2025 or 2024,2025, not {years!r}") from None
