"""`{{ value }}` for markup written in Python where the template engine cost too much (the rows of
the long lists, issue 29): a plain value (text from the database or a catalogue, a number) escaped
exactly as a template escapes it. Django's `escape` does the same through a wrapper for lazy
strings that cost more than the escaping; never pass it markup (SafeString) to keep."""

import html


def esc(value) -> str:
    """What {{ value }} writes for a plain value: `str(value)`, HTML-escaped (quotes included)."""
    return html.escape(str(value))
