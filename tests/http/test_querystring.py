"""Tests for minikoa.http.querystring: Strapi's ``qs.parse`` (qs 6.11.1), made strict.

Every expected value in the tables below is what qs 6.11.1 returns for the
same input with Strapi's options ``{depth: 20, arrayLimit: 100}`` (JS ``true``
is Python ``True``, ``null`` is ``None``). Where minikoa is stricter than qs
(limits, malformed escapes) the tests say so.
"""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from minikoa.http.querystring import QueryStringError, parse_qs

# (id, query, expected)
BASICS = [
    ("empty", "", {}),
    ("only_question_mark", "?", {}),
    ("leading_question_mark_stripped_like_koa_querystring", "?a=b", {"a": "b"}),
    ("only_one_question_mark_stripped", "??a=b", {"?a": "b"}),
    ("simple", "a=b", {"a": "b"}),
    ("two_params", "a=b&c=d", {"a": "b", "c": "d"}),
    ("no_equals_gives_empty_string", "a", {"a": ""}),
    ("empty_value", "a=", {"a": ""}),
    ("split_at_first_equals", "a==b", {"a": "=b"}),
    ("equals_in_value", "a=b=c", {"a": "b=c"}),
    ("empty_parts_skipped", "&&a=1&&", {"a": "1"}),
    ("empty_key_skipped", "=x&a=1", {"a": "1"}),
    ("only_empty_key", "=x", {}),
    ("semicolon_is_not_a_delimiter", "a=1;b=2", {"a": "1;b=2"}),
    ("plus_is_space_in_key_and_value", "a+b=c+d", {"a b": "c d"}),
    ("encoded_plus_is_plus", "a=%2B", {"a": "+"}),
    ("percent_space", "a=%20", {"a": " "}),
    ("utf8_two_bytes", "a=caf%C3%A9", {"a": "café"}),
    ("utf8_four_bytes", "a=%F0%9F%98%80", {"a": "\U0001F600"}),
    ("lowercase_hex", "a=%e2%82%ac", {"a": "€"}),
    ("nul_byte_kept", "a=%00", {"a": "\x00"}),
    ("encoded_ampersand", "a=%26b", {"a": "&b"}),
    ("encoded_equals_in_key", "a%3Db=c", {"a=b": "c"}),
    ("encoded_brackets_nest", "a%5Bb%5D=c", {"a": {"b": "c"}}),
    ("raw_non_ascii_kept", "a=é", {"a": "é"}),
    ("raw_non_ascii_with_escape", "a=é%20x", {"a": "é x"}),
    ("qs_splits_at_bracket_equals_first", "a=b]=c", {"a=b]": "c"}),
    ("equals_inside_brackets", "a[=]=c", {"a": {"=": "c"}}),
    ("equals_in_nested_value", "a[b]=c=d", {"a": {"b": "c=d"}}),
    ("dots_are_not_nesting", "a.b=1", {"a.b": "1"}),
]

NESTING = [
    ("nested_objects", "a[b][c]=d", {"a": {"b": {"c": "d"}}}),
    ("sibling_keys", "a[b]=1&a[c]=2", {"a": {"b": "1", "c": "2"}}),
    ("leading_segment_is_top_key", "[a]=b", {"a": "b"}),
    ("leading_segments_nest", "[a][b]=c", {"a": {"b": "c"}}),
    ("leading_empty_brackets_give_index_key", "[]=b", {"0": "b"}),
    ("leading_index_gives_index_key", "[0]=b", {"0": "b"}),
    ("unclosed_bracket_is_literal", "a[b", {"a[b": ""}),
    ("unclosed_bracket_with_value", "a[b=1", {"a[b": "1"}),
    ("stray_close_bracket_is_literal", "a]=1", {"a]": "1"}),
    ("text_after_segment_ignored", "a[b]c=1", {"a": {"b": "1"}}),
    ("text_between_segments_ignored", "a[b]c[d]=1", {"a": {"b": {"d": "1"}}}),
    ("unclosed_last_segment_ignored", "a[b][c=1", {"a": {"b": "1"}}),
    ("nested_bracket_parent_is_before_first_segment", "a[[b]]=1", {"a[": {"b": "1"}}),
    ("spaces_in_segment", "a[ b ]=1", {"a": {" b ": "1"}}),
    ("dot_in_segment", "a[b.c]=1", {"a": {"b.c": "1"}}),
    ("strapi_filters", "filters[$and][0][title][$eq]=x",
     {"filters": {"$and": [{"title": {"$eq": "x"}}]}}),
    ("strapi_typical",
     "filters[title][$eq]=x&sort[0]=title:asc&pagination[page]=2&pagination[pageSize]=5"
     "&populate[author][fields][0]=name",
     {"filters": {"title": {"$eq": "x"}}, "sort": ["title:asc"],
      "pagination": {"page": "2", "pageSize": "5"},
      "populate": {"author": {"fields": ["name"]}}}),
]

ARRAYS = [
    ("empty_brackets_append", "a[]=1&a[]=2", {"a": ["1", "2"]}),
    ("single_empty_brackets", "a[]=1", {"a": ["1"]}),
    ("empty_brackets_mid_key", "a[]b=1", {"a": ["1"]}),
    ("indices", "a[0]=x&a[1]=y", {"a": ["x", "y"]}),
    ("sparse_compacted", "a[1]=b&a[5]=c", {"a": ["b", "c"]}),
    ("sparse_compacted_in_index_order", "a[5]=c&a[1]=b", {"a": ["b", "c"]}),
    ("single_sparse", "a[1]=b", {"a": ["b"]}),
    ("index_at_array_limit_is_array", "a[100]=x", {"a": ["x"]}),
    ("index_over_array_limit_is_key", "a[101]=x", {"a": {"101": "x"}}),
    ("leading_zero_is_key", "a[01]=x", {"a": {"01": "x"}}),
    ("negative_is_key", "a[-1]=x", {"a": {"-1": "x"}}),
    ("plus_sign_is_key", "a[%2B1]=x", {"a": {"+1": "x"}}),
    ("decimal_is_key", "a[1.0]=x", {"a": {"1.0": "x"}}),
    ("array_then_big_index_becomes_object", "a[0]=x&a[101]=y", {"a": {"0": "x", "101": "y"}}),
    ("index_after_append_pushes", "a[]=x&a[]=y&a[0]=z", {"a": ["x", "y", "z"]}),
    ("append_fills_hole_first", "a[1]=b&a[]=c", {"a": ["c", "b"]}),
    ("repeated_object_in_array", "a[][b]=1&a[][b]=2", {"a": [{"b": ["1", "2"]}]}),
    ("objects_at_same_index_merge", "a[0][b]=1&a[0][c]=2", {"a": [{"b": "1", "c": "2"}]}),
    ("objects_at_two_indices", "a[0][b]=1&a[1][b]=2", {"a": [{"b": "1"}, {"b": "2"}]}),
    ("objects_compacted_by_index", "a[1][b]=1&a[0][c]=2", {"a": [{"c": "2"}, {"b": "1"}]}),
    ("repeated_index_nests_list", "a[0]=1&a[0]=2", {"a": [["1", "2"]]}),
    ("concat_flattens_index_under_append", "a[][0]=x", {"a": ["x"]}),
    ("concat_flattens_append_under_append", "a[][]=x", {"a": ["x"]}),
    ("append_under_index", "a[0][]=x", {"a": [["x"]]}),
    ("primitive_then_object_at_index", "a[0][0]=x&a[0]=y", {"a": [["x"], "y"]}),
    ("digit_top_keys", "0=a&1=b", {"0": "a", "1": "b"}),
    # qs merges top-level keys in JS Object.keys order: "0" before "0[x]".
    ("integer_keys_merge_first", "0[x]=a&0=b", {"0": ["b", {"x": "a"}]}),
]

DUPLICATES = [
    ("repeat_combines", "a=1&a=2", {"a": ["1", "2"]}),
    ("repeat_three", "a=1&a=2&a=3", {"a": ["1", "2", "3"]}),
    ("append_then_plain", "a[]=1&a=2", {"a": ["1", "2"]}),
    ("plain_then_append", "a=1&a[]=2", {"a": ["1", "2"]}),
    ("repeat_nested", "a[b]=1&a[b]=2", {"a": {"b": ["1", "2"]}}),
    ("repeat_with_empty", "a=1&a=", {"a": ["1", ""]}),
    ("empty_then_value", "a=&a=1", {"a": ["", "1"]}),
    ("bare_twice", "a&a", {"a": ["", ""]}),
    ("same_key_after_decoding_combines", "a[b]=1&a%5Bb%5D=2", {"a": {"b": ["1", "2"]}}),
    # A different key reaching the same place merges, and qs's merge ignores ''.
    ("merge_ignores_empty_string", "a=1&[a]=", {"a": "1"}),
]

MERGES = [
    ("primitive_then_object_gives_list", "a=1&a[b]=2", {"a": ["1", {"b": "2"}]}),
    ("object_then_primitive_sets_true", "a[b]=2&a=1", {"a": {"b": "2", "1": True}}),
    ("object_then_repeated_primitive_index_keys", "a[b]=2&a=c&a=d",
     {"a": {"b": "2", "0": "c", "1": "d"}}),
    ("array_then_object_becomes_object", "a[0]=x&a[b]=y", {"a": {"0": "x", "b": "y"}}),
    ("object_then_array_index_key", "a[b]=y&a[0]=x", {"a": {"b": "y", "0": "x"}}),
    ("append_then_object", "a[]=1&a[b]=2", {"a": {"0": "1", "b": "2"}}),
    ("object_then_prototype_name_not_set", "a[b]=1&a=toString", {"a": {"b": "1"}}),
    ("object_then_empty_ignored", "a[b]=1&[a]=", {"a": {"b": "1"}}),
    ("empty_then_object", "a&a[b]=1", {"a": ["", {"b": "1"}]}),
]

PROTOTYPE = [
    ("proto_top", "__proto__=1", {}),
    ("proto_parent", "__proto__[x]=1", {}),
    ("proto_segment", "a[__proto__]=1", {}),
    ("proto_leading_segment", "[__proto__]=1", {}),
    ("has_own_property_segment", "a[hasOwnProperty]=x", {}),
    ("to_string_top_dropped_others_kept", "toString=1&a=2", {"a": "2"}),
    ("constructor_prototype", "constructor[prototype][x]=1", {}),
    ("deep_constructor_drops_only_that_param", "a[b][constructor]=1&a[c]=2", {"a": {"c": "2"}}),
    ("has_own_property_decoded", "hasOwnProperty=%20", {}),
    ("value_of_encoded_key", "%76alueOf=1", {}),
    ("prototype_is_not_special", "prototype=1", {"prototype": "1"}),
    ("prototype_segment_is_not_special", "a[prototype]=1", {"a": {"prototype": "1"}}),
    ("proto_as_value_is_fine", "a=__proto__", {"a": "__proto__"}),
]

STRICT_NULL = [
    ("bare_is_none", "a", {"a": None}),
    ("bare_and_empty", "a&b=", {"a": None, "b": ""}),
    ("bare_nested", "a[b]", {"a": {"b": None}}),
    ("bare_append", "a[]", {"a": [None]}),
    ("bare_twice", "a&a", {"a": [None, None]}),
    ("value_then_bare", "a=1&a", {"a": ["1", None]}),
    ("merge_ignores_null", "a[b]=1&[a]", {"a": {"b": "1"}}),
    ("null_then_object", "a&a[b]=1", {"a": [None, {"b": "1"}]}),
]

TABLE = BASICS + NESTING + ARRAYS + DUPLICATES + MERGES + PROTOTYPE


@pytest.mark.parametrize("query,expected", [c[1:] for c in TABLE], ids=[c[0] for c in TABLE])
def test_matches_qs(query: str, expected: dict) -> None:
    assert parse_qs(query) == expected


@pytest.mark.parametrize(
    "query,expected", [c[1:] for c in STRICT_NULL], ids=[c[0] for c in STRICT_NULL]
)
def test_matches_qs_strict_null_handling(query: str, expected: dict) -> None:
    assert parse_qs(query, strict_null_handling=True) == expected


def test_keys_keep_first_appearance_order() -> None:
    result = parse_qs("b=1&a[y]=2&c=3&a[x]=4&b=5")
    assert list(result) == ["b", "a", "c"]
    assert list(result["a"]) == ["y", "x"]


def test_result_is_fresh_each_call() -> None:
    first = parse_qs("a[b]=1")
    first["a"]["b"] = "changed"
    assert parse_qs("a[b]=1") == {"a": {"b": "1"}}


# --- limits: stricter than qs, which silently truncates ---------------------

def test_parameter_limit_exactly_at_limit_passes() -> None:
    query = "&".join(f"p{i}=v" for i in range(1000))
    assert len(parse_qs(query)) == 1000


def test_parameter_limit_one_over_fails() -> None:
    query = "&".join(f"p{i}=v" for i in range(1001))
    with pytest.raises(QueryStringError) as info:
        parse_qs(query)
    assert info.value.message == "Too many query parameters (limit 1000)"
    assert info.value.details == {"source": "query"}


def test_parameter_limit_counts_parts_like_qs() -> None:
    assert parse_qs("&" * 999) == {}  # 1000 empty parts
    with pytest.raises(QueryStringError):
        parse_qs("&" * 1000)


def test_parameter_limit_option() -> None:
    assert parse_qs("a=1&b=2", parameter_limit=2) == {"a": "1", "b": "2"}
    with pytest.raises(QueryStringError, match=r"limit 2\)"):
        parse_qs("a=1&b=2&c=3", parameter_limit=2)


def _nested(depth: int, parent: str = "a") -> str:
    return parent + "".join(f"[k{i}]" for i in range(depth)) + "=v"


def test_depth_exactly_at_limit_passes() -> None:
    node = parse_qs(_nested(20))["a"]
    for i in range(20):
        node = node[f"k{i}"]
    assert node == "v"


@pytest.mark.parametrize("query", [_nested(21), _nested(21, parent=""), _nested(40)])
def test_depth_one_over_fails(query: str) -> None:
    with pytest.raises(QueryStringError) as info:
        parse_qs(query)
    assert info.value.message.startswith("Query parameter nested too deeply: ")
    assert info.value.message.endswith("(limit 20)")
    assert len(info.value.message) < 120  # the echoed key is truncated
    assert info.value.details == {"source": "query", "param": "a" if query[0] == "a" else "k0"}


def test_leading_segment_counts_towards_depth() -> None:
    assert "k0" in parse_qs(_nested(20, parent=""))  # 20 segments, no parent


def test_depth_option() -> None:
    assert parse_qs("a[b]=1", depth=1) == {"a": {"b": "1"}}
    with pytest.raises(QueryStringError, match=r"limit 1\)"):
        parse_qs("a[b][c]=1", depth=1)
    assert parse_qs("a=1", depth=0) == {"a": "1"}
    with pytest.raises(QueryStringError):
        parse_qs("a[b]=1", depth=0)


def test_prototype_key_within_depth_drops_before_depth_check() -> None:
    # qs drops the parameter as soon as it meets the prototype key.
    assert parse_qs("a[toString]" + "[b]" * 20 + "=1&c=2") == {"c": "2"}


def test_array_limit_option() -> None:
    assert parse_qs("a[0]=x", array_limit=0) == {"a": ["x"]}
    assert parse_qs("a[1]=x", array_limit=0) == {"a": {"1": "x"}}
    assert parse_qs("a[]=x&a[]=y", array_limit=0) == {"a": ["x", "y"]}


def test_over_array_limit_index_is_not_an_error() -> None:
    assert parse_qs("a[999999999999999999999999]=x") == {"a": {"999999999999999999999999": "x"}}


# --- malformed input: qs keeps it raw, minikoa refuses it ------------------

MALFORMED = [
    ("bad_hex", "a=%zz"),
    ("trailing_percent", "a=%"),
    ("one_hex_digit", "a=%4"),
    ("percent_percent", "a=%%41"),
    ("invalid_utf8_byte", "a=%FF"),
    ("truncated_two_byte", "a=%C3"),
    ("bad_continuation", "a=%C3%28"),
    ("truncated_three_byte", "a=%E2%82"),
    ("lone_continuation", "a=%80"),
    ("overlong", "a=%C0%80"),
    ("encoded_surrogate", "a=%ED%A0%80"),
    ("above_unicode_range", "a=%F4%90%80%80"),
    ("utf8_split_by_literal", "a=%C3x%A9"),
    ("bad_in_key", "a%zz=1"),
    ("bad_in_bare_key", "%4"),
    ("bad_in_nested_value", "a[b]=%C3x"),
    ("bad_in_empty_key_part", "=%zz"),
    ("bad_after_non_ascii", "a=é%zz"),
    ("bad_utf8_after_non_ascii", "a=é%FF"),
    ("bad_in_second_param", "ok=1&a=%G0"),
]


@pytest.mark.parametrize("query", [c[1] for c in MALFORMED], ids=[c[0] for c in MALFORMED])
def test_malformed_raises(query: str) -> None:
    with pytest.raises(QueryStringError) as info:
        parse_qs(query)
    assert info.value.message.startswith("Malformed query string: ")
    assert info.value.details["source"] == "query"


def test_malformed_messages_and_details() -> None:
    with pytest.raises(QueryStringError) as info:
        parse_qs("page=1&filters[x]=%zz")
    assert info.value.message == "Malformed query string: invalid percent-encoding in 'filters[x]=%zz'"
    assert info.value.details == {"source": "query", "param": "filters"}
    assert str(info.value) == info.value.message
    assert isinstance(info.value, ValueError)

    with pytest.raises(QueryStringError) as info:
        parse_qs("a=%FF")
    assert info.value.message == (
        "Malformed query string: percent-encoded bytes that are not UTF-8 in 'a=%FF'"
    )

    with pytest.raises(QueryStringError) as info:
        parse_qs("%zz=1")  # the key itself is undecodable: no param to name
    assert info.value.details == {"source": "query"}

    long_key = "k" * 200
    with pytest.raises(QueryStringError) as info:
        parse_qs(f"{long_key}=%")
    assert info.value.message == f"Malformed query string: invalid percent-encoding in '{'k' * 47}...'"
    assert info.value.details["param"] == "k" * 47 + "..."


# --- properties ---------------------------------------------------------------

def _check_shape(value: object) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            assert type(key) is str
            _check_shape(item)
    elif isinstance(value, list):
        for item in value:
            _check_shape(item)
    else:
        assert value is True or type(value) is str


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_any_text_parses_or_raises_query_string_error(query: str) -> None:
    try:
        result = parse_qs(query)
    except QueryStringError:
        return
    assert type(result) is dict
    _check_shape(result)


QUERYISH = st.lists(
    st.sampled_from(list("ab01[]=&%+?.é") + ["%5B", "%5D", "%41", "%C3%A9", "[]", "[0]", "[1]"]),
    max_size=30,
).map("".join)


@settings(max_examples=200, deadline=None)
@given(QUERYISH, st.integers(0, 3), st.integers(0, 3))
def test_query_like_text_parses_or_raises_query_string_error(query: str, depth: int, limit: int) -> None:
    try:
        result = parse_qs(query, depth=depth, array_limit=limit, parameter_limit=8)
    except QueryStringError:
        return
    _check_shape(result)


_PROTO_NAMES = {
    "__proto__", "constructor", "hasOwnProperty", "isPrototypeOf", "propertyIsEnumerable",
    "toLocaleString", "toString", "valueOf", "__defineGetter__", "__defineSetter__",
    "__lookupGetter__", "__lookupSetter__",
}
_IDENT_START = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_$"
KEYS = st.builds(
    str.__add__, st.sampled_from(_IDENT_START), st.text(_IDENT_START + "0123456789", max_size=7)
).filter(lambda k: k not in _PROTO_NAMES)
STRUCTURES = st.recursive(
    st.text(max_size=8) | st.lists(st.text(max_size=5), min_size=1, max_size=20),
    lambda children: st.dictionaries(KEYS, children, min_size=1, max_size=4),
    max_leaves=12,
)


def _encode(value: object, prefix: str) -> list[str]:
    """The qs-style encoding a browser client sends: a[b][0]=x."""
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _encode(v, f"{prefix}[{quote(k, safe='')}]")]
    if isinstance(value, list):
        return [f"{prefix}[{i}]={quote(v, safe='')}" for i, v in enumerate(value)]
    return [f"{prefix}={quote(value, safe='')}"]


def _depth(value: object) -> int:
    """Bracket segments the deepest leaf of a top-level dict's encoding needs."""
    if isinstance(value, dict):
        return 1 + max(_depth(v) for v in value.values())
    return 1 if isinstance(value, list) else 0


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(KEYS, STRUCTURES, min_size=1, max_size=4))
def test_round_trip_of_qs_style_encoding(data: dict) -> None:
    assume(_depth(data) <= 20)
    query = "&".join(p for k, v in data.items() for p in _encode(v, quote(k, safe="")))
    result = parse_qs(query)
    assert result == data
    assert json.dumps(result) == json.dumps(data)  # same key order too



# -- linear time on adversarial input ---------------------------------------------------------------
# Query strings reach parse_qs from the URL and from urlencoded bodies; gunicorn caps the request
# line, but an app served another way (or a form body with a raised limit) need not. Each input is
# about 1 MB, shaped for the bracket and escape patterns; a super-linear parse never finishes here.


def _parse_outcome(query: str) -> tuple[str, str]:
    try:
        result = parse_qs(query)
    except QueryStringError as exc:
        return "error", exc.message
    return "ok", json.dumps(result)[:60]


