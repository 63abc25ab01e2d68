"""Running it for real: the GitHub Actions workflows, the district configs, and the crontab and
systemd examples call scripts that exist, with options that exist and secrets that are
documented, at 07:00 (and Monday 07:30) in Stockholm summer and winter alike — and the matrix
keeps every district of the country within Google's quota, computed from the requests a run
is measured to cost."""

from __future__ import annotations

import configparser
import dataclasses
import datetime as dt
import importlib.util
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

from benchmarks.api_requests import measure
from medlemsrutiner.adapters.outbox import Outbox
from medlemsrutiner.config import load
from medlemsrutiner.letters.render import Renderer
from medlemsrutiner.routines.daily import run_daily
from medlemsrutiner.routines.districts import PACE_PER_MINUTE, SHEETS_QUOTA_PER_MINUTE
from tests.adapters.harness import GoogleHarness
from tests.fakes.sheets_api import FakeSheetsApi
from tests.support import REPO, TODAY, mixed_rows, workbook_grids

WORKFLOWS = {path.name: path for path in sorted((REPO / ".github" / "workflows").glob("*.yml"))}
README = (REPO / "README.md").read_text(encoding="utf-8")
CONFIGS = sorted((REPO / "configs").glob("*.toml"))
LOCAL_TIMES = {"daily.yml": "07:00", "weekly.yml": "07:30"}


def workflow(name: str) -> dict[Any, Any]:
    data = yaml.safe_load(WORKFLOWS[name].read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def triggers(data: dict[Any, Any]) -> dict[str, Any]:
    # YAML 1.1 reads the key `on` as True.
    found = data.get("on", data.get(True))
    assert isinstance(found, dict)
    return found


def steps(data: dict[Any, Any]) -> Iterator[dict[str, Any]]:
    for job in data["jobs"].values():
        yield from job["steps"]


def run_blocks(data: dict[Any, Any]) -> list[str]:
    return [step["run"] for step in steps(data) if "run" in step]


def plan_districts() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "plan_districts", REPO / ".github/plan_districts.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- the workflow files -------------------------------------------------------------------------


def test_there_is_a_daily_and_a_weekly_workflow_and_both_parse() -> None:
    assert set(WORKFLOWS) == {"daily.yml", "weekly.yml"}
    for name in WORKFLOWS:
        assert workflow(name)["jobs"]


@pytest.mark.parametrize("name", sorted(LOCAL_TIMES))
def test_each_workflow_runs_on_two_utc_schedules_and_by_hand_with_dry_run_and_today(
    name: str,
) -> None:
    on = triggers(workflow(name))
    assert len(on["schedule"]) == 2
    inputs = on["workflow_dispatch"]["inputs"]
    assert inputs["dry_run"]["type"] == "boolean" and inputs["dry_run"]["default"] is False
    assert inputs["today"]["type"] == "string"
    assert "district" in inputs


@pytest.mark.parametrize("name", sorted(LOCAL_TIMES))
def test_exactly_one_schedule_a_day_is_the_local_time_in_stockholm_all_year(name: str) -> None:
    data = workflow(name)
    crons = [entry["cron"] for entry in triggers(data)["schedule"]]
    (plan_step,) = [step for step in steps(data) if step.get("id") == "plan"]
    local_time = plan_step["env"]["LOCAL_TIME"]
    assert local_time == LOCAL_TIMES[name]
    module = plan_districts()
    day = dt.date(2026, 1, 1)
    while day.year == 2026:  # every day, both changes of summer time included
        passing = [cron for cron in crons if module.scheduled_now(cron, local_time, day)]
        assert len(passing) == 1, (day, passing)
        day += dt.timedelta(days=1)


def test_the_weekly_schedules_fire_on_mondays_only() -> None:
    for entry in triggers(workflow("weekly.yml"))["schedule"]:
        assert entry["cron"].split()[2:] == ["*", "*", "1"]


def plan(env: dict[str, str]) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, str(REPO / ".github" / "plan_districts.py")],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    outputs = dict(line.split("=", 1) for line in result.stdout.splitlines())
    return {"run": outputs["run"], "districts": json.loads(outputs["districts"])}


def test_a_schedule_runs_the_districts_but_never_the_example_configs() -> None:
    winter = {"EVENT": "schedule", "SCHEDULE": "0 6 * * *", "LOCAL_TIME": "07:00"}
    assert plan({**winter, "TODAY": "2026-01-15"}) == {"run": "false", "districts": []}
    assert plan({**winter, "TODAY": "2026-07-15"})["run"] == "false"  # summer: the other one


def test_a_manual_run_may_name_one_district_even_an_example() -> None:
    found = plan({"EVENT": "workflow_dispatch", "DISTRICT": "exempel-mitt"})
    assert found == {
        "run": "true",
        "districts": [
            {
                "config": "configs/exempel-mitt.toml",
                "name": "exempel-mitt",
                "secret": "EXEMPEL_MITT",
            }
        ],
    }
    assert plan({"EVENT": "workflow_dispatch", "DISTRICT": "finns-inte"})["run"] == "false"


def scripts_called() -> list[tuple[str, str, str]]:
    """(workflow, script name, the run block) for every `python scripts/<name>.py` call."""
    found = []
    for name in WORKFLOWS:
        for block in run_blocks(workflow(name)):
            for script in dict.fromkeys(re.findall(r"scripts/(\w+)\.py", block)):
                found.append((name, script, block))
    return found


CALLS = [
    pytest.param(name, script, id=f"{name}-{script}") for name, script, _block in scripts_called()
]


def test_the_workflows_call_the_daily_and_the_weekly_script() -> None:
    assert {(name, script) for name, script, _ in scripts_called()} == {
        ("daily.yml", "run_daily"),
        ("weekly.yml", "weekly_summary"),
    }


@cache
def help_text(script: str) -> str:
    result = subprocess.run(
        [sys.executable, str(REPO / "scripts" / f"{script}.py"), "--help"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize(("workflow_name", "script"), CALLS)
def test_every_script_a_workflow_calls_exists(workflow_name: str, script: str) -> None:
    assert (REPO / "scripts" / f"{script}.py").is_file()


@pytest.mark.parametrize(("workflow_name", "script"), CALLS)
def test_every_option_a_workflow_passes_is_one_the_script_takes(
    workflow_name: str, script: str
) -> None:
    (block,) = [b for n, s, b in scripts_called() if (n, s) == (workflow_name, script)]
    used = set(re.findall(r"(--[a-z][a-z-]*)", block))
    assert used >= {"--config", "--dry-run", "--today"}
    for option in used:
        assert option in help_text(script), option


def test_the_planning_script_the_workflows_call_exists() -> None:
    for name in WORKFLOWS:
        assert any(".github/plan_districts.py" in block for block in run_blocks(workflow(name)))
    assert (REPO / ".github" / "plan_districts.py").is_file()


def secrets_used() -> set[str]:
    names: set[str] = set()
    for path in WORKFLOWS.values():
        text = path.read_text(encoding="utf-8")
        names |= set(re.findall(r"secrets\.([A-Za-z0-9_]+)", text))
        names |= {f"{prefix}<DISTRICT>" for prefix in re.findall(r"'([A-Z0-9_]+)\{0\}'", text)}
    return names


def test_every_secret_the_workflows_use_is_documented_in_the_readme() -> None:
    assert secrets_used() == {
        "MEDLEMSRUTINER_GOOGLE_CREDENTIALS",
        "MEDLEMSRUTINER_SMTP_PASSWORD",
        "MEDLEMSRUTINER_SMTP_PASSWORD_<DISTRICT>",
    }
    for name in secrets_used():
        assert name in README, name


def test_the_secrets_reach_the_variables_the_configs_name() -> None:
    example = (REPO / "config.example.toml").read_text(encoding="utf-8")
    for name in WORKFLOWS:
        env = workflow(name)["jobs"][name.removesuffix(".yml")]["env"]
        for variable in ("MEDLEMSRUTINER_GOOGLE_CREDENTIALS", "MEDLEMSRUTINER_SMTP_PASSWORD"):
            assert variable in env and variable in example
    for path in CONFIGS:
        config = load(path)
        assert config.workbook.credentials_env == "MEDLEMSRUTINER_GOOGLE_CREDENTIALS"
        assert config.mail.smtp is not None
        assert config.mail.smtp.password_env == "MEDLEMSRUTINER_SMTP_PASSWORD"


def test_every_action_is_pinned_to_a_full_commit() -> None:
    for name in WORKFLOWS:
        for step in steps(workflow(name)):
            if "uses" in step:
                assert re.fullmatch(r"[\w.-]+/[\w.-]+(/[\w.-]+)?@[0-9a-f]{40}", step["uses"]), step[
                    "uses"
                ]


def test_the_daily_job_keeps_the_send_journal_from_one_runner_to_the_next() -> None:
    daily = list(steps(workflow("daily.yml")))
    names = [step.get("uses", step.get("name", "")) for step in daily]
    (restore,) = [i for i, n in enumerate(names) if n.startswith("actions/cache/restore@")]
    (run,) = [i for i, n in enumerate(names) if n == "Daglig körning"]
    (save,) = [i for i, n in enumerate(names) if n.startswith("actions/cache/save@")]
    assert restore < run < save
    journal = "${{ steps.journal.outputs.path }}"
    assert daily[restore]["with"]["path"] == daily[save]["with"]["path"] == journal
    # Saved whatever happened to the run, under a key the next job's restore finds.
    assert daily[save]["if"].startswith("always()")
    assert daily[save]["with"]["key"].startswith(daily[restore]["with"]["restore-keys"])
    # A stopped run is run again on the same runner, where the journal is.
    assert daily[run]["run"].count("python scripts/run_daily.py") == 2


def test_the_journal_path_the_workflow_caches_is_the_one_the_run_uses(tmp_path: Path) -> None:
    (step,) = [s for s in steps(workflow("daily.yml")) if s.get("id") == "journal"]
    output = tmp_path / "output"
    for path in CONFIGS:
        subprocess.run(
            ["bash", "-c", step["run"]],
            env={
                **os.environ,
                "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
                "CONFIG": str(path),
                "GITHUB_OUTPUT": str(output),
            },
            cwd=REPO,
            check=True,
        )
        assert (
            output.read_text(encoding="utf-8").splitlines()[-1] == f"path={load(path).journal_path}"
        )


def test_python_and_its_packages_come_from_caches_at_the_pinned_versions() -> None:
    for name in WORKFLOWS:
        (setup,) = [s for s in steps(workflow(name)) if "setup-python" in s.get("uses", "")]
        assert setup["with"]["python-version"] == "3.11"
        assert setup["with"]["cache"] == "pip"
        assert setup["with"]["cache-dependency-path"] == "requirements.txt"
        assert any("-r requirements.txt" in block for block in run_blocks(workflow(name)))


def test_no_district_stops_another_and_no_district_runs_twice_at_once() -> None:
    groups = set()
    for name in WORKFLOWS:
        job = workflow(name)["jobs"][name.removesuffix(".yml")]
        assert job["strategy"]["fail-fast"] is False
        assert job["concurrency"]["cancel-in-progress"] is False
        groups.add(job["concurrency"]["group"])
    # One group per district, shared by both workflows: daily and weekly never overlap either.
    assert groups == {"medlemsrutiner-${{ matrix.district.name }}"}


def test_the_workflows_read_no_secret_into_the_planning_job_and_only_read_the_repository() -> None:
    for name in WORKFLOWS:
        data = workflow(name)
        assert data["permissions"] == {"contents": "read"}
        assert "secrets" not in json.dumps(data["jobs"]["plan"])


# --- the quota --------------------------------------------------------------------------------

RUNS_PER_SLOT_PER_MINUTE = 2
"""At most this many runs start in one job slot of the matrix in a minute: a job (checkout,
Python from the runner's cache, the pinned packages from the pip cache, the run) takes well over
30 seconds."""
DISTRICTS_IN_SWEDEN = 20


def max_parallel(requests_per_run: int) -> int:
    """The most jobs at once that keep one service account within the quota: each of the
    busiest kind of request (reads, or writes) has its own quota per minute; the matrix aims at
    PACE_PER_MINUTE of it, leaving room for retries and manual runs."""
    return PACE_PER_MINUTE // (requests_per_run * RUNS_PER_SLOT_PER_MINUTE)


def test_the_budget_follows_the_requests_per_run() -> None:
    assert PACE_PER_MINUTE < SHEETS_QUOTA_PER_MINUTE == 60
    assert [max_parallel(r) for r in (6, 10, 16, 26)] == [4, 2, 1, 0]


FORM_HEADER = ["Tidstämpel", "Namn", "E-postadress", "Telefonnummer"]


@cache
def measured(followup_spreadsheet: bool, form: bool) -> tuple[int, int]:
    """The most reads and the most writes of two daily runs of a district of this shape — a
    first run, and the next day with new people (and new form answers) — as the benchmark runs
    them: the real routine and gspread client against the Sheets fake."""
    with tempfile.TemporaryDirectory() as folder, FakeSheetsApi() as api:
        harness = GoogleHarness(Path(folder), api, followup_spreadsheet=followup_spreadsheet)
        grids: dict[str, Any] = workbook_grids(newcomers=mixed_rows(10))
        if form:
            grids["Formulärsvar 1"] = [FORM_HEADER, [46349.25, "Ny Exempel", "ny@example.se", ""]]
        harness.seed(grids)
        if form:
            tabs = {**harness.config.workbook.tab_names, "form_answers": "Formulärsvar 1"}
            workbook = dataclasses.replace(harness.config.workbook, tab_names=tabs)
            harness.config = dataclasses.replace(harness.config, workbook=workbook)
        reads, writes = 0, 0
        for day in (TODAY, TODAY + dt.timedelta(days=1)):
            if day > TODAY:
                new = [[None, None, f"Ny Person{i}", f"imorgon{i}@example.se"] for i in range(3)]
                api.insert_rows(harness.spreadsheet_id, "Intresserade", 2, new)
                if form:
                    answer = [46350.25, "Ny Exempel2", "ny2@example.se", ""]
                    api.insert_rows(harness.spreadsheet_id, "Formulärsvar 1", 3, [answer])
            api.reset_counts()
            now = dt.datetime.combine(day, dt.time(7), tzinfo=harness.config.zone)
            with harness.workbook() as opened:
                run_daily(
                    opened,
                    Outbox(Path(folder) / "outbox", now),
                    Renderer(REPO / "templates"),
                    harness.config,
                    day,
                    now,
                )
            reads = max(reads, sum(not request.is_write for request in api.requests))
            writes = max(writes, sum(request.is_write for request in api.requests))
        return reads, writes


def shape(path: Path) -> tuple[bool, bool]:
    config = load(path)
    followup = config.workbook.followup_spreadsheet_id not in (None, config.workbook.spreadsheet_id)
    return followup, "form_answers" in config.workbook.tab_names


def test_the_measured_cost_of_a_plain_run_is_the_benchmarks() -> None:
    with tempfile.TemporaryDirectory() as folder:
        benchmark = max(requests for _, requests, _, _ in measure(10, Path(folder)))
    assert sum(measured(False, False)) == benchmark


def test_the_matrix_keeps_every_district_of_the_country_within_googles_quota() -> None:
    costliest = max(max(measured(*shape(path))) for path in CONFIGS)
    allowed = max_parallel(costliest)
    assert allowed >= 1, f"a run costs {costliest} requests of one kind: too many for the quota"
    for name in WORKFLOWS:
        job = workflow(name)["jobs"][name.removesuffix(".yml")]
        parallel = job["strategy"]["max-parallel"]
        assert 1 <= parallel <= allowed, (name, parallel, allowed, costliest)
        # Every district of Sweden, a minute a job, is done well before the next workflow.
        assert math.ceil(DISTRICTS_IN_SWEDEN / parallel) <= 30


def test_the_workflow_comment_states_the_measured_figure() -> None:
    costliest = max(max(measured(*shape(path))) for path in CONFIGS)
    text = WORKFLOWS["daily.yml"].read_text(encoding="utf-8")
    allowed = max_parallel(costliest)
    update = (
        f"a run now costs R = {costliest} requests of one kind, which allows max-parallel "
        f"{allowed}: update the comment and max-parallel in both workflows, and the README"
    )
    assert f"R = {costliest} " in text, update
    assert f"max-parallel: {allowed}" in text, update


# --- the district configs ---------------------------------------------------------------------


@pytest.mark.parametrize("path", CONFIGS, ids=[path.name for path in CONFIGS])
def test_every_district_config_is_a_valid_google_config_with_invented_data(path: Path) -> None:
    config = load(path)
    assert config.workbook.backend == "google"
    assert path.name.startswith("exempel-")
    for address in re.findall(r"[\w.+-]+@[\w.-]+", path.read_text(encoding="utf-8")):
        assert address.endswith(("@example.org", "@example.se")), address


def test_there_are_example_districts_and_one_shows_the_form_intake() -> None:
    assert len(CONFIGS) >= 2
    assert any(shape(path)[1] for path in CONFIGS)


# --- your own machine -------------------------------------------------------------------------

DEPLOY = REPO / "deploy"


def deploy_commands() -> list[tuple[str, str]]:
    """(file, command) for every crontab line and every systemd ExecStart."""
    found = []
    for line in (DEPLOY / "crontab.example").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#") and "=" not in line.split()[0]:
            found.append(("crontab.example", line))
    for path in sorted((DEPLOY / "systemd").glob("*.service")):
        parser = configparser.ConfigParser(interpolation=None, strict=False)
        parser.read(path, encoding="utf-8")
        found.append((path.name, parser["Service"]["ExecStart"]))
    return found


def test_the_crontab_and_the_services_run_the_daily_and_the_weekly_script() -> None:
    scripts = {
        (file.split("-")[-1].split(".")[0] if file.endswith(".service") else "cron", script)
        for file, command in deploy_commands()
        for script in re.findall(r"scripts/(\w+)\.py", command)
    }
    assert scripts == {
        ("cron", "run_daily"),
        ("cron", "weekly_summary"),
        ("daily", "run_daily"),
        ("weekly", "weekly_summary"),
    }


@pytest.mark.parametrize(
    ("file", "command"),
    [
        pytest.param(file, command, id=f"{file}-{index}")
        for index, (file, command) in enumerate(deploy_commands())
    ],
)
def test_every_deploy_command_calls_a_script_that_exists_with_its_options(
    file: str, command: str
) -> None:
    (script,) = re.findall(r"scripts/(\w+)\.py", command)
    assert (REPO / "scripts" / f"{script}.py").is_file()
    for option in re.findall(r"(--[a-z][a-z-]*)", command):
        assert option in help_text(script), option


@pytest.mark.parametrize(
    ("timer", "calendar"),
    [
        ("medlemsrutiner-daily.timer", "*-*-* 07:00:00 Europe/Stockholm"),
        ("medlemsrutiner-weekly.timer", "Mon *-*-* 07:30:00 Europe/Stockholm"),
    ],
)
def test_the_timers_fire_at_swedish_time_and_catch_up_after_a_stop(
    timer: str, calendar: str
) -> None:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.read(DEPLOY / "systemd" / timer, encoding="utf-8")
    assert parser["Timer"]["OnCalendar"] == calendar
    assert parser["Timer"]["Persistent"] == "true"
    assert parser["Install"]["WantedBy"] == "timers.target"
    if shutil.which("systemd-analyze"):
        result = subprocess.run(
            ["systemd-analyze", "calendar", calendar], capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, result.stderr


def test_a_flagged_run_is_not_a_failed_service() -> None:
    for path in (DEPLOY / "systemd").glob("*.service"):
        parser = configparser.ConfigParser(interpolation=None, strict=False)
        parser.read(path, encoding="utf-8")
        assert parser["Service"]["SuccessExitStatus"] == "1"
        assert parser["Service"]["Type"] == "oneshot"


def test_a_password_with_spaces_in_the_env_example_reaches_a_cron_run_whole(
    tmp_path: Path,
) -> None:
    """Google shows an app password in groups with spaces; a copy of the env example holding
    one must not break the crontab line's `set -a && . env` (a bare value with spaces runs
    its second word as a command and the run never starts)."""
    example = (DEPLOY / "medlemsrutiner.env.example").read_text(encoding="utf-8")
    env = tmp_path / "env"
    env.write_text(example.replace("byt-mot-applösenordet", "abcd efgh ijkl mnop"), "utf-8")
    (cron,) = [c for f, c in deploy_commands() if f == "crontab.example" and "run_daily" in c]
    sourcing = re.search(r"set -a && \. \S+ && set \+a", cron)
    assert sourcing is not None
    script = f'set -a && . "{env}" && set +a && printf %s "$MEDLEMSRUTINER_SMTP_PASSWORD"'
    shown = subprocess.run(["bash", "-c", script], capture_output=True, text=True, check=True)
    assert shown.stdout == "abcd efgh ijkl mnop" and shown.stderr == ""
