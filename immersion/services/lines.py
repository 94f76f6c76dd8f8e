"""Lists people type one item per line: frictions, journey steps, questions."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError

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


def full_clean_with_lines(
    instance, *, field: str, lines: list[str], limit: int, empty_message: str
) -> None:
    """Check `instance` and the lines typed for its `field` together, so the form shows every
    problem at once: at least one line, none over `limit`, and the model's own checks."""
    errors = {}
    if problem := line_too_long(lines, limit) if lines else empty_message:
        errors[field] = problem
    try:
        instance.full_clean()
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
