"""Running it for real: the scheduled workflow and the manual ones call scripts that exist, with
options that exist, at 07:00 in Stockholm summer and winter alike, with the weekly summary on
Mondays in the same jobs; every district's job in its own environment; and one pace for all
scheduled work, derived from configs/ by .github/plan_districts.py from the requests a run is
measured to cost, keeps every district of the country within Google's quota. Also the district
configs, and the crontab and systemd examples. (tests/test_workflows.py reads the workflows as
a security engineer would.)"""

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
import tomllib
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
from medlemsrutiner.routines import districts as paced
from medlemsrutiner.routines.daily import run_daily
from medlemsrutiner.routines.weekly import run_weekly
from tests.adapters.harness import GoogleHarness
from tests.fakes.sheets_api import FakeSheetsApi
from tests.support import REPO, TODAY, mixed_rows, workbook_grids

WORKFLOWS = {name: REPO / ".github" / "workflows" / name for name in ("daily.yml", "weekly.yml")}
README = (REPO / "README.md").read_text(encoding="utf-8")
CONFIGS = sorted((REPO / "configs").glob("*.toml"))


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


@cache
def plan_districts() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "plan_districts", REPO / ".github/plan_districts.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- the workflow files -------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(WORKFLOWS))
def test_each_workflow_runs_by_hand_with_dry_run_today_and_district(name: str) -> None:
    inputs = triggers(workflow(name))["workflow_dispatch"]["inputs"]
    assert inputs["dry_run"]["type"] == "boolean" and inputs["dry_run"]["default"] is False
    assert inputs["today"]["type"] == "string"
    assert "provkörning" in inputs["today"]["description"]
    assert "district" in inputs


def test_the_daily_workflow_runs_on_two_utc_schedules() -> None:
    assert len(triggers(workflow("daily.yml"))["schedule"]) == 2


def test_exactly_one_schedule_a_day_is_seven_in_stockholm_all_year() -> None:
    data = workflow("daily.yml")
    crons = [entry["cron"] for entry in triggers(data)["schedule"]]
    (plan_step,) = [step for step in steps(data) if step.get("id") == "plan"]
    local_time = plan_step["env"]["LOCAL_TIME"]
    assert local_time == "07:00"
    module = plan_districts()
    day = dt.date(2026, 1, 1)
    while day.year == 2026:  # every day, both changes of summer time included
        passing = [cron for cron in crons if module.scheduled_now(cron, local_time, day)]
        assert len(passing) == 1, (day, passing)
        day += dt.timedelta(days=1)


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
    return {
        "run": outputs["run"],
        "districts": json.loads(outputs["districts"]),
        "weekly": outputs["weekly"],
        "max_parallel": int(outputs["max_parallel"]),
    }


def test_a_schedule_runs_the_districts_but_never_the_example_configs() -> None:
    winter = {"EVENT": "schedule", "SCHEDULE": "0 6 * * *", "LOCAL_TIME": "07:00"}
    assert plan({**winter, "TODAY": "2026-01-15"}) == {
        "run": "false",
        "districts": [],
        "weekly": "false",
        "max_parallel": 1,
    }
    assert plan({**winter, "TODAY": "2026-07-15"})["run"] == "false"  # summer: the other one


def test_a_manual_run_may_name_one_district_even_an_example() -> None:
    found = plan({"EVENT": "workflow_dispatch", "DISTRICT": "exempel-mitt"})
    assert found == {
        "run": "true",
        "districts": [
            {
                "config": "configs/exempel-mitt.toml",
                "name": "exempel-mitt",
                "environment": "exempel-mitt",
            }
        ],
        "weekly": "false",
        "max_parallel": 1,
    }
    assert plan({"EVENT": "workflow_dispatch", "DISTRICT": "finns-inte"})["run"] == "false"


def test_the_scheduled_run_brings_the_weekly_summary_on_mondays_only() -> None:
    module = plan_districts()
    for day in (dt.date(2026, 11, 23) + dt.timedelta(days=n) for n in range(7)):
        weekly = module.weekly_today("schedule", "daily", day)
        assert weekly == (day.weekday() == 0), day
        # A manual daily run is a daily run only; a manual weekly run is a weekly one.
        assert module.weekly_today("workflow_dispatch", "daily", day) is False
        assert module.weekly_today("workflow_dispatch", "weekly", day) is True
    monday = {"EVENT": "workflow_dispatch", "DISTRICT": "exempel-norr", "TODAY": "2026-11-23"}
    assert plan(monday)["weekly"] == "false"
    assert plan({**monday, "ROUTINE": "weekly"})["weekly"] == "true"


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
        ("daily.yml", "weekly_summary"),
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
                "PYTHONPATH": str(REPO),
                "CONFIG": str(path),
                "GITHUB_OUTPUT": str(output),
            },
            cwd=REPO,
            check=True,
        )
        assert (
            output.read_text(encoding="utf-8").splitlines()[-1] == f"path={load(path).journal_path}"
        )


def test_no_district_stops_another_and_no_district_runs_twice_at_once() -> None:
    groups = set()
    for name in WORKFLOWS:
        job = workflow(name)["jobs"][name.removesuffix(".yml")]
        assert job["strategy"]["fail-fast"] is False
        assert job["concurrency"]["cancel-in-progress"] is False
        groups.add(job["concurrency"]["group"])
    # One group per district, shared by both workflows: daily and weekly never overlap either.
    assert groups == {"medlemsrutiner-${{ matrix.district.name }}"}


# --- the quota: one pace for all scheduled work ---------------------------------------------------

DISTRICTS_IN_SWEDEN = 20
FORM_HEADER = ["Tidstämpel", "Namn", "E-postadress", "Telefonnummer"]
SHAPES = [(False, False), (False, True), (True, False), (True, True)]


def sheets_requests(api: FakeSheetsApi) -> tuple[int, int]:
    """(reads, writes) among the Sheets API requests the fake received (Drive is another
    API with its own quota)."""
    sheets = [request for request in api.requests if request.path.startswith("/v4/")]
    return (
        sum(not request.is_write for request in sheets),
        sum(request.is_write for request in sheets),
    )


@cache
def measured(followup_spreadsheet: bool, form: bool) -> tuple[int, int, int]:
    """The most reads and the most writes of two daily runs of a district of this shape — a
    first run, and the next day with new people (and new form answers) — and the reads of its
    weekly summary after them, as the benchmark runs them: the real routines and gspread client
    against the Sheets fake."""
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
        renderer = Renderer(REPO / "templates")
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
                    opened, Outbox(Path(folder) / "outbox", now), renderer, harness.config, day, now
                )
            day_reads, day_writes = sheets_requests(api)
            reads, writes = max(reads, day_reads), max(writes, day_writes)
        api.reset_counts()
        with harness.workbook() as opened:
            run_weekly(
                opened, Outbox(Path(folder) / "outbox", now), renderer, harness.config, day, now
            )
        weekly_reads, _ = sheets_requests(api)
        return reads, writes, weekly_reads


def shape(path: Path) -> tuple[bool, bool]:
    config = load(path)
    followup = config.workbook.followup_spreadsheet_id not in (None, config.workbook.spreadsheet_id)
    return followup, "form_answers" in config.workbook.tab_names


def test_the_plan_reads_the_shape_of_each_config_as_the_package_does() -> None:
    for path in CONFIGS:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        assert plan_districts().shape(raw) == shape(path)


def test_the_measured_cost_of_a_plain_run_is_the_benchmarks() -> None:
    with tempfile.TemporaryDirectory() as folder:
        benchmark = max(requests for _, requests, _, _ in measure(10, Path(folder)))
    reads, writes, _ = measured(False, False)
    assert reads + writes == benchmark


@pytest.mark.parametrize("district_shape", SHAPES, ids=str)
def test_the_plan_knows_what_each_shape_of_district_costs(
    district_shape: tuple[bool, bool],
) -> None:
    reads, writes, weekly = measured(*district_shape)
    assert reads >= writes  # reads are what the pace counts
    assert plan_districts().COSTS[district_shape] == (reads, weekly), (
        f"a {district_shape} district now costs {reads} reads a day and {weekly} a week: "
        "update COSTS in .github/plan_districts.py and the README's table"
    )


def test_the_plan_and_the_cli_pace_against_the_same_quota() -> None:
    module = plan_districts()
    assert module.SHEETS_READS_PER_MINUTE == paced.SHEETS_QUOTA_PER_MINUTE == 60
    assert module.PACE_PER_MINUTE == paced.PACE_PER_MINUTE < 60


@pytest.mark.parametrize("monday", [False, True], ids=["weekday", "monday"])
@pytest.mark.parametrize("district_shape", SHAPES, ids=str)
def test_all_scheduled_work_of_the_country_stays_within_the_pace(
    district_shape: tuple[bool, bool], monday: bool
) -> None:
    """Every district of Sweden of one shape, daily run and (Mondays) weekly summary in the same
    job: at most max_parallel jobs at once, each slot starting at most RUNS_PER_SLOT_PER_MINUTE
    jobs a minute, stays within the pace; and the country is done well within the morning."""
    module = plan_districts()
    workbook: dict[str, Any] = {"spreadsheet_id": "a"}
    if district_shape[0]:
        workbook["followup_spreadsheet_id"] = "b"
    if district_shape[1]:
        workbook["tabs"] = {"form_answers": "Formulärsvar 1"}
    config = {"workbook": workbook}
    assert module.shape(config) == district_shape
    reads = module.reads_per_job(config, True, monday)
    daily, weekly = module.COSTS[district_shape]
    assert reads == daily + (weekly if monday else 0)
    parallel = module.max_parallel(reads, DISTRICTS_IN_SWEDEN)
    per_minute = parallel * module.RUNS_PER_SLOT_PER_MINUTE * reads
    assert per_minute <= module.PACE_PER_MINUTE or parallel == 1
    assert per_minute <= module.SHEETS_READS_PER_MINUTE, per_minute
    assert math.ceil(DISTRICTS_IN_SWEDEN / parallel) <= 30  # a job a minute or so


def test_the_matrix_takes_its_max_parallel_from_the_plan() -> None:
    for name in WORKFLOWS:
        job = workflow(name)["jobs"][name.removesuffix(".yml")]
        assert job["strategy"]["max-parallel"] == "${{ fromJSON(needs.plan.outputs.max_parallel) }}"
        outputs = workflow(name)["jobs"]["plan"]["outputs"]
        assert outputs["max_parallel"] == "${{ steps.plan.outputs.max_parallel }}"


def test_the_readme_shows_the_costs_the_plan_uses() -> None:
    module = plan_districts()
    for (followup, form), (daily, weekly) in module.COSTS.items():
        assert re.search(rf"\| {daily} \| {weekly} \|", README), (followup, form, daily, weekly)


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
