"""Lists people type one item per line: frictions, journey steps, questions."""

from collections.abc import Iterable

LINE_TOO_LONG_MESSAGE = "Keep each line under {limit} characters: “{start}…” is longer."


def distinct_lines(items: Iterable[str]) -> list[str]:
    """Each item with its white space folded, empty ones dropped, each once, in order."""
    lines: list[str] = []
    for item in items:
        text = " ".join(item.split())
        if text and text not in lines:
            lines.append(text)
    return lines


def line_too_long(lines: Iterable[str], limit: int) -> str | None:
    """The message for the first line longer than `limit`, or None."""
    for line in lines:
        if len(line) > limit:
            return LINE_TOO_LONG_MESSAGE.format(limit=limit, start=line[:40])
    return None
