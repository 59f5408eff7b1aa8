"""Reading the environment: booleans are parsed, not taken as truthy strings (STYLE.md).

The environment fails closed: DJANGO_ENV is exactly development, test or production, and a
process without it (outside `make run`, `make test` and pytest) refuses to start. A wrong value
used to mean development: DEBUG on, the test identity provider on, no production refusals."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.env import (
    ENVIRONMENTS,
    ImproperlyConfiguredEnv,
    env_bool,
    env_environment,
    env_int,
    env_list,
)

ROOT = Path(__file__).resolve().parents[2]
WRONG = ["Production", "PRODUCTION", "prod", "production ", " production", "dev", "Test", ""]


@pytest.mark.parametrize("value", ENVIRONMENTS)
def test_each_environment_is_accepted(monkeypatch, value):
    monkeypatch.setenv("DJANGO_ENV", value)
    assert env_environment("DJANGO_ENV") == value


@pytest.mark.parametrize("value", WRONG, ids=repr)
def test_a_wrong_environment_is_refused_naming_the_variable(monkeypatch, value):
    monkeypatch.setenv("DJANGO_ENV", value)
    with pytest.raises(ImproperlyConfiguredEnv, match="DJANGO_ENV"):
        env_environment("DJANGO_ENV")


def test_no_environment_is_refused_naming_the_variable(monkeypatch):
    monkeypatch.delenv("DJANGO_ENV", raising=False)
    with pytest.raises(ImproperlyConfiguredEnv, match="DJANGO_ENV is not set"):
        env_environment("DJANGO_ENV")


def _manage_check(value: str | None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ENV"}
    if value is not None:
        env["DJANGO_ENV"] = value
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("value", [*WRONG, None], ids=repr)
def test_manage_py_refuses_to_start_without_a_known_environment(value):
    """As a deployment would start it: a process, not a setting changed in a test."""
    result = _manage_check(value)
    assert result.returncode != 0
    assert "DJANGO_ENV" in result.stderr.strip().splitlines()[-1]
    assert "System check identified" not in result.stdout


@pytest.mark.parametrize("value", ["development", "test"])
def test_manage_py_starts_in_development_and_test(value):
    result = _manage_check(value)
    assert result.returncode == 0, result.stderr


def test_pytest_runs_in_the_test_environment(settings):
    """pyproject's pytest configuration sets it (pytest-env), before the settings are read."""
    assert settings.DJANGO_ENV == "test"
    assert not settings.PRODUCTION


@pytest.mark.parametrize(("target", "expected"), [("run", "development"), ("test", "test")])
def test_make_run_and_make_test_set_the_environment(target, expected):
    """A fresh clone needs nothing by hand: the Makefile names the environment, whatever the
    shell has (here a wrong value). `make -n` only prints the target's commands; the probe's
    `+` line runs anyway and shows what the target's commands get."""
    probe = f"include Makefile\n{target}: probe-env\nprobe-env:\n\t+@echo PROBE=$$DJANGO_ENV\n"
    result = subprocess.run(
        ["make", "-n", "-f", "-", target],
        cwd=ROOT,
        env={**os.environ, "DJANGO_ENV": "prod"},
        input=probe,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert f"PROBE={expected}\n" in result.stdout


# --- typed values ---------------------------------------------------------------------------


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
