"""Replies made from the message they answer: ``{{$.path}}`` as JSON text."""

from __future__ import annotations

import pytest

from sockscope.core.jsonpath.values import NOT_JSON, parse_document
from sockscope.core.rules.errors import RuleError
from sockscope.core.rules.template import Template


def render(reply: str, message: str, resolve: object = None) -> str:
    template = Template.compile(reply)
    document = parse_document(message)
    return template.render(document, resolve) if resolve else template.render(document)  # type: ignore[arg-type]


def test_a_number_is_inserted_as_json() -> None:
    assert render('{"op":"pong","n":{{$.n}}}', '{"op":"ping","n":7}') == '{"op":"pong","n":7}'


def test_strings_are_quoted_objects_and_arrays_whole() -> None:
    message = '{"id": "a\\"b", "who": {"name": "Zoë", "age": 3}, "xs": [1, null]}'
    assert render("{{$.id}}", message) == '"a\\"b"'
    assert render("{{ $.who }}", message) == '{"name":"Zoë","age":3}'
    assert render("{{$.xs}}", message) == "[1,null]"
    assert render("{{$}}", '{"a": 1}') == '{"a":1}'


def test_several_values_make_an_array() -> None:
    assert render("{{$..id}}", '{"a": {"id": 1}, "b": [{"id": 2}]}') == "[1,2]"


def test_a_missing_path_is_an_error_and_nothing_is_made() -> None:
    with pytest.raises(RuleError, match=r"no value at \$\.n"):
        render('{"n":{{$.n}}}', '{"op":"ping"}')


def test_a_message_that_is_not_json_cannot_fill_a_path() -> None:
    with pytest.raises(RuleError, match="not JSON"):
        Template.compile("{{$.n}}").render(NOT_JSON)


def test_a_reply_without_paths_needs_no_json_and_other_braces_stay() -> None:
    template = Template.compile("pong {{$guid}} {{NAME}} {not a path}")
    assert template.render(NOT_JSON) == "pong {{$guid}} {{NAME}} {not a path}"


def test_variables_are_resolved_around_the_values_never_inside_them() -> None:
    seen: list[str] = []

    def resolve(text: str) -> str:
        seen.append(text)
        return text.replace("{{TOKEN}}", "t0k")

    reply = render('{"t":"{{TOKEN}}","echo":{{$.x}}}', '{"x": "{{TOKEN}}"}', resolve)
    assert reply == '{"t":"t0k","echo":"{{TOKEN}}"}'
    assert seen == ['{"t":"{{TOKEN}}","echo":', "}"]


def test_a_bad_path_in_a_reply_is_said_at_once() -> None:
    with pytest.raises(RuleError, match="not a JSONPath"):
        Template.compile("{{$.[}}")
