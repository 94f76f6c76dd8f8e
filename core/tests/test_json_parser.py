import io

import pytest
from rest_framework.exceptions import ParseError

from core.json_parser import (
    MAX_DEPTH,
    NUL_MESSAGE,
    TOO_DEEP_MESSAGE,
    DepthLimitedJSONParser,
    json_depth,
)


def parse(text: str):
    return DepthLimitedJSONParser().parse(io.BytesIO(text.encode()), "application/json", {})


def test_json_depth_counts_lists_and_objects_not_scalars():
    assert json_depth(1) == 0
    assert json_depth({"a": [1, {"b": []}]}) == 4


def test_parser_reads_what_is_nested_up_to_the_limit():
    text = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    assert json_depth(parse(text)) == MAX_DEPTH


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 900, 50_000])
def test_parser_refuses_json_nested_past_the_limit_with_the_reason(depth):
    with pytest.raises(ParseError) as refused:
        parse('{"title": ' + "[" * depth + "]" * depth + "}")
    assert str(refused.value.detail) == TOO_DEEP_MESSAGE


@pytest.mark.parametrize("body", ['{"team": "\\u0000"}', '{"a\\u0000": 1}', '["x\\u0000y"]'])
def test_parser_refuses_a_nul_character_in_any_string(body):
    with pytest.raises(ParseError) as refused:
        parse(body)
    assert str(refused.value.detail) == NUL_MESSAGE


def test_parser_reads_a_backslash_u_typed_as_text():
    assert parse('{"title": "\\\\u0000"}') == {"title": "\\u0000"}
