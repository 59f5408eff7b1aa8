"""Booleans from the environment are parsed, not taken as truthy strings (STYLE.md)."""

import pytest

from core.env import ImproperlyConfiguredEnv, env_bool, env_int, env_list


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("False", False),
        ("0", False),
        ("no", False),
        ("", False),
        ("true", True),
        ("1", True),
        ("ON", True),
    ],
)
def test_env_bool(monkeypatch, raw, expected):
    monkeypatch.setenv("X_FLAG", raw)
    assert env_bool("X_FLAG", not expected) is expected


def test_env_bool_default_and_garbage(monkeypatch):
    monkeypatch.delenv("X_FLAG", raising=False)
    assert env_bool("X_FLAG", True) is True
    monkeypatch.setenv("X_FLAG", "kanskje")
    with pytest.raises(ImproperlyConfiguredEnv):
        env_bool("X_FLAG", True)


def test_env_int_and_list(monkeypatch):
    monkeypatch.setenv("X_NUM", "12")
    monkeypatch.setenv("X_LIST", "a.no, b.no,")
    assert env_int("X_NUM", 1) == 12
    assert env_list("X_LIST", []) == ["a.no", "b.no"]
    monkeypatch.setenv("X_NUM", "tolv")
    with pytest.raises(ImproperlyConfiguredEnv):
        env_int("X_NUM", 1)
