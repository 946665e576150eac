"""Columns other apps add to the figures exports (the drill-down's and the national table's), so
that reports imports none of them: the targets app adds each area's target and state. A provider
is `provider(*, year, parent_code, codes) -> (header, {code: cells})`, `parent_code` "" for the
nation's units; an area it has nothing for gets empty cells."""

from collections.abc import Callable

Provider = Callable[..., tuple[list[str], dict[str, list]]]
PROVIDERS: list[Provider] = []


def register_export_columns(provider: Provider) -> None:
    """Add `provider`'s columns to every figures export (idempotent: ready() may run twice)."""
    if provider not in PROVIDERS:
        PROVIDERS.append(provider)


def extra_columns(
    *, year: int, parent_code: str, codes: list[str]
) -> tuple[list[str], Callable[[str], list]]:
    """The registered providers' header and a function giving one area's cells."""
    header: list[str] = []
    parts = []
    for provider in PROVIDERS:
        names, cells = provider(year=year, parent_code=parent_code, codes=codes)
        header += names
        parts.append((len(names), cells))

    def cells_of(code: str) -> list:
        out: list = []
        for width, cells in parts:
            out += cells.get(code) or [""] * width
        return out

    return header, cells_of
