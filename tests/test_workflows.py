"""The GitHub Actions workflows as a security engineer reads them: each district's job in its
own GitHub Environment, its secrets named the same everywhere and given only to the one step
that runs the routine; nothing but the pinned runtime set installed next to them; actions
pinned to full commits; a run as if it were another day always a dry run; a stopped run tried
again only in the next minute; CI with lint, tests, zizmor and a weekly pip-audit.

The run blocks are executed here with bash, with `python`, `sleep` and `date` replaced by
stubs that record what they were asked, so what a job does is checked, not just its text."""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support import REPO

WORKFLOWS = {path.name: path for path in sorted((REPO / ".github" / "workflows").glob("*.yml"))}
ROUTINES = {"daily.yml": "daily", "weekly.yml": "weekly"}
"""The workflows that run a district's routine, and their matrix job."""
SECRETS = ("MEDLEMSRUTINER_GOOGLE_CREDENTIALS", "MEDLEMSRUTINER_SMTP_PASSWORD")
README = (REPO / "README.md").read_text(encoding="utf-8")
GUIDE = (REPO / "docs" / "guide.md").read_text(encoding="utf-8")


def workflow(name: str) -> dict[Any, Any]:
    data = yaml.safe_load(WORKFLOWS[name].read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def triggers(name: str) -> dict[str, Any]:
    data = workflow(name)
    found = data.get("on", data.get(True))  # YAML 1.1 reads the key `on` as True
    assert isinstance(found, dict)
    return found


def jobs(name: str) -> dict[str, dict[str, Any]]:
    found = workflow(name)["jobs"]
    assert isinstance(found, dict)
    return found


def steps(name: str) -> Iterator[dict[str, Any]]:
    for job in jobs(name).values():
        yield from job["steps"]


def routine_step(name: str) -> dict[str, Any]:
    (step,) = [s for s in steps(name) if "scripts/" in s.get("run", "")]
    return step


def test_there_are_the_two_routine_workflows_and_ci() -> None:
    assert set(WORKFLOWS) == {"daily.yml", "weekly.yml", "ci.yml"}


# --- secrets: one environment per district ------------------------------------------------------


@pytest.mark.parametrize("name", sorted(ROUTINES))
def test_each_district_job_runs_in_the_environment_the_matrix_names(name: str) -> None:
    job = jobs(name)[ROUTINES[name]]
    assert job["environment"] == "${{ matrix.district.environment }}"
    assert job["strategy"]["matrix"]["district"] == "${{ fromJSON(needs.plan.outputs.districts) }}"


def test_no_workflow_indexes_secrets_with_a_computed_expression() -> None:
    for name, path in WORKFLOWS.items():
        text = path.read_text(encoding="utf-8")
        assert "secrets[" not in text, name
        assert set(re.findall(r"secrets\.([A-Za-z0-9_]+)", text)) <= set(SECRETS), name


@pytest.mark.parametrize("name", sorted(WORKFLOWS))
def test_secrets_reach_only_the_one_step_that_runs_the_routine(name: str) -> None:
    data = workflow(name)
    assert "secrets" not in json.dumps(data.get("env", {}))
    for job_name, job in jobs(name).items():
        assert "secrets" not in json.dumps(job.get("env", {})), job_name
        holding = [step for step in job["steps"] if "secrets." in json.dumps(step)]
        if name in ROUTINES and job_name == ROUTINES[name]:
            assert holding == [routine_step(name)]
            assert {
                key: value for key, value in holding[0]["env"].items() if "secrets." in value
            } == {secret: f"${{{{ secrets.{secret} }}}}" for secret in SECRETS}
        else:
            assert holding == [], job_name


def test_the_secrets_reach_the_variables_every_config_names() -> None:
    from medlemsrutiner.config import load

    example = (REPO / "config.example.toml").read_text(encoding="utf-8")
    for secret in SECRETS:
        assert secret in example
    for path in sorted((REPO / "configs").glob("*.toml")):
        config = load(path)
        assert config.workbook.credentials_env == SECRETS[0]
        assert config.mail.smtp is not None and config.mail.smtp.password_env == SECRETS[1]


def test_the_readme_and_the_guide_tell_how_to_set_up_the_environments() -> None:
    for secret in SECRETS:
        assert secret in README and secret in GUIDE
    for words in ("Environment", "main", "Deployment branches"):
        assert words in README, words
    assert "miljö" in GUIDE.lower() and "main" in GUIDE


@pytest.mark.parametrize("name", sorted(WORKFLOWS))
def test_every_job_may_only_read_the_repository(name: str) -> None:
    assert workflow(name)["permissions"] == {}
    for job in jobs(name).values():
        assert job["permissions"] == {"contents": "read"}


@pytest.mark.parametrize("name", sorted(WORKFLOWS))
def test_every_action_is_pinned_to_a_full_commit_and_checkout_keeps_no_token(name: str) -> None:
    for step in steps(name):
        if "uses" in step:
            assert re.fullmatch(r"[\w.-]+/[\w.-]+(/[\w.-]+)?@[0-9a-f]{40}", step["uses"])
            if step["uses"].startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False


@pytest.mark.parametrize("name", sorted(ROUTINES))
def test_the_district_jobs_install_the_pinned_runtime_set_only(name: str) -> None:
    job = jobs(name)[ROUTINES[name]]
    (setup,) = [s for s in job["steps"] if "setup-python" in s.get("uses", "")]
    assert setup["with"]["python-version"] == "3.11"
    assert setup["with"]["cache-dependency-path"] == "requirements.txt"
    installs = [s["run"] for s in job["steps"] if "pip install" in s.get("run", "")]
    assert installs == [
        "python -m pip install --disable-pip-version-check --only-binary=:all: "
        "-r requirements.txt\n"
    ]
    assert "requirements-dev" not in WORKFLOWS[name].read_text(encoding="utf-8")
    # The package runs from the checkout, never installed (no `-e .`, no build).
    assert job["env"] == {"PYTHONPATH": "${{ github.workspace }}"}


# --- what the routine step does -----------------------------------------------------------------


def run_step(
    tmp_path: Path, name: str, env: dict[str, str], codes: list[int], second: str = "42"
) -> tuple[int, list[list[str]], list[str]]:
    """Run the routine step's bash with stubs: each `python` call is recorded and exits with
    the next of `codes`; `date +%S` prints `second`; `sleep` is recorded. Returns the step's
    exit code, the python calls and the sleeps."""
    stubs = tmp_path / "bin"
    stubs.mkdir()
    log = tmp_path / "calls"
    (tmp_path / "codes").write_text("\n".join(map(str, codes)) + "\n", encoding="utf-8")
    scripts = {
        "python": f"""#!/bin/bash
printf '%s\\037' "$@" >> {log}; echo >> {log}
code=$(head -n1 {tmp_path}/codes); sed -i 1d {tmp_path}/codes; exit "${{code:-0}}"
""",
        "sleep": f'#!/bin/bash\necho "sleep $1" >> {tmp_path}/sleeps\n',
        "date": f'#!/bin/bash\nif [ "$1" = "+%S" ]; then echo {second}; else /bin/date "$@"; fi\n',
    }
    for script, text in scripts.items():
        path = stubs / script
        path.write_text(text, encoding="utf-8")
        path.chmod(path.stat().st_mode | stat.S_IEXEC)
    step = routine_step(name)
    defaults = {"CONFIG": "configs/norr.toml", "DRY_RUN": "false", "TODAY": "", "WEEKLY": "false"}
    result = subprocess.run(
        ["bash", "-e", "-c", step["run"]],
        env={"PATH": f"{stubs}{os.pathsep}{os.environ['PATH']}", **defaults, **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    lines = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    calls = [line.split("\037")[:-1] for line in lines if line]
    slept = tmp_path / "sleeps"
    sleeps = slept.read_text(encoding="utf-8").splitlines() if slept.exists() else []
    return result.returncode, calls, sleeps


def test_a_daily_run_runs_the_routine_once(tmp_path: Path) -> None:
    code, calls, sleeps = run_step(tmp_path, "daily.yml", {}, [0])
    assert code == 0 and sleeps == []
    assert calls == [["scripts/run_daily.py", "--config", "configs/norr.toml"]]


def test_a_stopped_run_is_run_again_only_once_the_minute_has_turned(tmp_path: Path) -> None:
    code, calls, sleeps = run_step(tmp_path, "daily.yml", {}, [2, 0], second="42")
    assert len(calls) == 2 and calls[0] == calls[1]
    assert sleeps == ["sleep 19"]  # from :42 to 1 s past the next minute
    assert code == 0


def test_the_wait_reads_the_seconds_as_decimal_even_with_a_leading_zero(tmp_path: Path) -> None:
    _, _, sleeps = run_step(tmp_path, "daily.yml", {}, [2, 2], second="08")
    assert sleeps == ["sleep 53"]


def test_a_run_stopped_twice_fails_the_job(tmp_path: Path) -> None:
    code, calls, _ = run_step(tmp_path, "daily.yml", {}, [2, 2])
    assert code == 2 and len(calls) == 2


def test_a_dry_run_is_never_run_again(tmp_path: Path) -> None:
    code, calls, sleeps = run_step(tmp_path, "daily.yml", {"DRY_RUN": "true"}, [2])
    assert code == 2 and sleeps == []
    assert calls == [["scripts/run_daily.py", "--config", "configs/norr.toml", "--dry-run"]]


@pytest.mark.parametrize("name", sorted(ROUTINES))
def test_a_chosen_day_is_always_a_dry_run(tmp_path: Path, name: str) -> None:
    _, calls, _ = run_step(tmp_path, name, {"TODAY": "2027-03-01"}, [0, 0])
    assert calls
    for call in calls:
        assert "--dry-run" in call and call[call.index("--today") + 1] == "2027-03-01"


def test_on_mondays_the_weekly_summary_follows_the_daily_run_in_the_same_step(
    tmp_path: Path,
) -> None:
    code, calls, _ = run_step(tmp_path, "daily.yml", {"WEEKLY": "true"}, [1, 0])
    assert [call[0] for call in calls] == ["scripts/run_daily.py", "scripts/weekly_summary.py"]
    assert calls[1] == ["scripts/weekly_summary.py", "--config", "configs/norr.toml"]
    assert code == 0  # exit 1 (rows for a person) is a warning


def test_the_weekly_summary_goes_out_even_when_the_daily_run_failed(tmp_path: Path) -> None:
    code, calls, _ = run_step(tmp_path, "daily.yml", {"WEEKLY": "true"}, [2, 2, 0])
    assert [call[0] for call in calls][-1] == "scripts/weekly_summary.py"
    assert code == 2


def test_a_failed_weekly_summary_fails_the_job(tmp_path: Path) -> None:
    code, _, _ = run_step(tmp_path, "daily.yml", {"WEEKLY": "true"}, [0, 3])
    assert code == 3


def test_the_weekly_workflow_is_for_runs_by_hand_only() -> None:
    assert set(triggers("weekly.yml")) == {"workflow_dispatch"}


# --- CI -------------------------------------------------------------------------------------------


def test_ci_runs_lint_and_tests_on_every_push_and_pull_request() -> None:
    on = triggers("ci.yml")
    assert "push" in on and "pull_request" in on
    test = jobs("ci.yml")["test"]
    assert [s["run"] for s in test["steps"] if "run" in s] == ["bash .ci/run"]
    ci_run = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert "make lint" in ci_run and "make test" in ci_run


def test_ci_runs_zizmor_as_pinned_and_fails_on_any_finding() -> None:
    runs = [s["run"] for s in jobs("ci.yml")["zizmor"]["steps"] if "run" in s]
    assert any("grep '^zizmor==' requirements-dev.txt" in run for run in runs)
    assert "zizmor --offline --format github .github/workflows" in runs
    assert "zizmor --offline --format github --persona auditor .github/workflows" in runs


def test_ci_audits_the_runtime_requirements_every_week() -> None:
    (cron,) = [entry["cron"] for entry in triggers("ci.yml")["schedule"]]
    assert cron.split()[2:] == ["*", "*", "1"]
    audit = jobs("ci.yml")["pip-audit"]
    assert "schedule" in audit["if"]
    (command,) = [s["run"] for s in audit["steps"] if "pip-audit " in s.get("run", "")]
    assert "--strict" in command and "--requirement requirements.txt" in command


ZIZMOR = shutil.which("zizmor", path=str(Path(sys.executable).parent)) or shutil.which("zizmor")


@pytest.mark.skipif(ZIZMOR is None, reason="zizmor is in requirements-dev.txt")
@pytest.mark.parametrize("persona", ["regular", "auditor"])
def test_zizmor_finds_nothing_in_the_workflows(persona: str) -> None:
    assert ZIZMOR is not None
    result = subprocess.run(
        [ZIZMOR, "--offline", "--quiet", "--persona", persona, str(REPO / ".github/workflows")],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_suppressed_zizmor_finding_says_why() -> None:
    for name, path in WORKFLOWS.items():
        for line in path.read_text(encoding="utf-8").splitlines():
            for reason in re.findall(r"# zizmor: ignore\[[a-z,-]+\](.*)", line):
                assert len(reason.split()) >= 4, (name, line)
