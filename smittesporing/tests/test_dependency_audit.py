"""S12: no known vulnerability in the locked dependencies (pip-audit).

pyproject.toml is the lock (docs/adr/0001): every dependency is pinned with ==. The pins are
written to a requirements file and audited with pip-audit against PyPI's vulnerability data
(the default service; PIP_AUDIT_SERVICE=osv picks OSV instead); the installed environment,
which adds the transitive dependencies, is audited too.

Any known vulnerability fails, not only high and critical ones: PyPI's data carries no severity,
and a pin is cheap to raise. A vulnerability that does not apply can be listed in IGNORED with
the reason. If the vulnerability data cannot be fetched the test FAILS, loudly: an audit that
could not look is not a pass.

The two audits need PyPI's per-version JSON API (or OSV) and are marked `network`: `make audit`
runs them. `make test` leaves them out, because the machines this project is built and tested on
reach PyPI's package index but not that API (it answers 404 for every /pypi/<name>/<version>/json),
so there they could only fail. The pin check below runs everywhere.
"""

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# vulnerability id -> why it does not apply to this project (reviewed by a person)
IGNORED: dict[str, str] = {}
TIMEOUT_SECONDS = 600


def pinned_requirements() -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return [*project["dependencies"], *project["optional-dependencies"]["dev"]]


def test_s12_every_dependency_is_pinned():
    for requirement in pinned_requirements():
        assert "==" in requirement and "," not in requirement, requirement


def _audit(*arguments: str) -> dict:
    command = [
        sys.executable,
        "-m",
        "pip_audit",
        *arguments,
        "--strict",
        "--progress-spinner",
        "off",
        "--format",
        "json",
        "--vulnerability-service",
        os.environ.get("PIP_AUDIT_SERVICE", "pypi"),
    ]
    for vulnerability in IGNORED:
        command += ["--ignore-vuln", vulnerability]
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, cwd=ROOT, check=False
    )
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        report = None
    if report is None or "dependencies" not in report:
        pytest.fail(
            "S12: pip-audit could not get vulnerability data, so nothing was audited. "
            "Is https://pypi.org/pypi/<name>/<version>/json reachable from here (or "
            f"api.osv.dev with PIP_AUDIT_SERVICE=osv)?\n{result.stderr[-3000:]}"
        )
    vulnerable = [
        f"{dep['name']} {dep['version']}: {vuln['id']} (fixed in {', '.join(vuln['fix_versions']) or '?'})"
        for dep in report["dependencies"]
        for vuln in dep.get("vulns", [])
    ]
    assert vulnerable == [], "known vulnerabilities: raise these pins in pyproject.toml"
    skipped = [dep for dep in report["dependencies"] if dep.get("skip_reason")]
    assert skipped == [], f"not audited: {skipped}"
    assert result.returncode == 0, result.stderr[-3000:]
    return report


@pytest.mark.network
def test_s12_no_known_vulnerability_in_the_pinned_dependencies(tmp_path):
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("\n".join(pinned_requirements()) + "\n")
    # --no-deps: every line is an exact pin, so no resolver (and no download) is needed.
    report = _audit("--requirement", str(requirements), "--no-deps", "--disable-pip")
    audited = {dep["name"].lower() for dep in report["dependencies"]}
    assert {"django", "authlib", "psycopg", "django-ninja"} <= audited


@pytest.mark.network
def test_s12_no_known_vulnerability_in_the_installed_environment():
    """The transitive dependencies, as `make deps` installed them into .venv."""
    report = _audit("--local")
    assert len(report["dependencies"]) > len(pinned_requirements())
