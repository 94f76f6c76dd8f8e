"""The API's JSON parser: what the standard one reads, refusing JSON nested too deep.

Python's `json` recurses once per level, so a body of a few thousand `[` raised RecursionError
and the API answered 500. No request the API documents nests more than a few levels.
"""

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_DEPTH = 32
TOO_DEEP_MESSAGE = f"JSON parse error - nested deeper than {MAX_DEPTH} levels."
# PostgreSQL's text cannot hold NUL: a "\u0000" reached a query and answered 500.
NUL_MESSAGE = "JSON parse error - a string contains the NUL character (\\u0000)."


def json_depth(value, *, stop_at: int = MAX_DEPTH) -> int:
    """How deep the lists and dicts in a parsed JSON value nest (a scalar is 0), counting no
    further than just past `stop_at`. Walked with a stack, not recursion."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            item = item.values()
        elif not isinstance(item, list):
            continue
        deepest = max(deepest, depth)
        if deepest > stop_at:
            break
        stack.extend((child, depth + 1) for child in item)
    return deepest


def json_has_nul(value) -> bool:
    """Whether any string in a parsed JSON value, key or value, holds a NUL character."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


class DepthLimitedJSONParser(JSONParser):
    """JSONParser that answers 400 with the reason to a body nested past MAX_DEPTH (deeper than
    the interpreter's recursion limit, the parse itself stops; below it, the parsed value is
    measured) or with a NUL character in a string."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(TOO_DEEP_MESSAGE) from None
        if json_depth(data) > MAX_DEPTH:
            raise ParseError(TOO_DEEP_MESSAGE)
        if json_has_nul(data):
            raise ParseError(NUL_MESSAGE)
        return data
