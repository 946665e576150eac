"""Home panels of reviewers: queue counts, work waiting (issue 4)."""


def panels(request) -> list[dict]:
    return []
