"""Editing a call's path keeps its path parameters: renamed, parked and restored, not lost."""

from __future__ import annotations

from designer.core.http.path_edit import edit_path
from designer.core.models import Api, Call, Parameter, Placement, ValueType

API = Api(
    name="Users",
    parameters=[Parameter(name="tenant", value="acme", placement=Placement.PATH)],
)


def _call() -> Call:
    return Call(
        name="Get user",
        path="/users/{user_id}",
        parameters=[
            Parameter(name="verbose", value="1"),
            Parameter(
                name="user_id",
                value="42",
                placement=Placement.PATH,
                type=ValueType.INTEGER,
                dynamic=False,
                description="who",
            ),
        ],
    )


def _typed(call: Call, *paths: str) -> tuple[Call, list[str]]:
    """``call`` after the path was typed through ``paths`` in one editing session."""
    parked: tuple = ()
    notes: list[str] = []
    for path in paths:
        edit = edit_path(API, call, path, parked)
        call, parked = edit.call, edit.parked
        notes += [f"+{n}" for n in edit.added] + [f"-{n}" for n in edit.removed]
        notes += [f"{a}>{b}" for a, b in edit.renamed] + [f"={n}" for n in edit.restored]
    return call, notes


def test_a_placeholder_erased_and_typed_again_keeps_its_sample_and_flags() -> None:
    call, notes = _typed(
        _call(), "/users/{user_id", "/users/{user_i", "/users/{user_", "/users/{user_}"
    )
    assert call.path == "/users/{user_}"
    assert call.parameters == [
        Parameter(name="verbose", value="1"),
        Parameter(
            name="user_",
            value="42",
            placement=Placement.PATH,
            type=ValueType.INTEGER,
            dynamic=False,
            description="who",
        ),
    ]
    assert notes == ["-user_id", "user_id>user_"]


def test_the_same_name_typed_back_restores_the_parameter() -> None:
    call, notes = _typed(_call(), "/users/", "/users/{user_id}")
    assert call.parameters == _call().parameters
    assert notes == ["-user_id", "=user_id"]


def test_a_placeholder_replaced_in_one_edit_is_renamed() -> None:
    call, notes = _typed(_call(), "/users/{id}/posts")
    assert [(p.name, p.value) for p in call.parameters] == [("verbose", "1"), ("id", "42")]
    assert notes == ["user_id>id"]


def test_a_new_placeholder_adds_a_blank_parameter_and_a_shared_one_adds_none() -> None:
    call, notes = _typed(_call(), "/{tenant}/users/{user_id}/posts/{post}")
    assert [(p.name, p.value) for p in call.parameters] == [
        ("verbose", "1"),
        ("user_id", "42"),
        ("post", ""),
    ]
    assert notes == ["+post"]


def test_a_removed_placeholder_stays_removed() -> None:
    call, notes = _typed(_call(), "/users")
    assert [p.name for p in call.parameters] == ["verbose"]
    assert notes == ["-user_id"]
