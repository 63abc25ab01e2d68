"""Several districts in one command: which configs, and the pace of their Google requests."""

from __future__ import annotations

from pathlib import Path

import pytest

from medlemsrutiner.errors import ConfigError
from medlemsrutiner.routines.districts import Pacer, config_paths, district_name


def test_a_folder_stands_for_its_configs_in_name_order_and_each_file_counts_once(
    tmp_path: Path,
) -> None:
    for name in ("syd.toml", "norr.toml", "anteckningar.txt"):
        (tmp_path / name).write_text("", encoding="utf-8")
    extra = tmp_path / "extra.toml"
    assert config_paths([tmp_path, tmp_path / "norr.toml", extra]) == [
        tmp_path / "norr.toml",
        tmp_path / "syd.toml",
        extra,
    ]
    assert district_name(tmp_path / "norr.toml") == "norr"


def test_a_folder_without_configs_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="inga konfigurationsfiler"):
        config_paths([tmp_path])


class Clock:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_districts_run_back_to_back_until_a_minute_would_pass_the_pace() -> None:
    clock = Clock()
    pacer = Pacer(clock, clock.sleep, per_minute=50)
    for _ in range(3):  # 3 x 16 = 48 requests fit in one minute
        pacer.before()
        clock.now += 5
        pacer.after(16)
    assert clock.slept == []
    pacer.before()  # a fourth would make 64: wait until a minute after the first run ended
    assert clock.slept == [pytest.approx(50.0)]


def test_runs_without_google_requests_never_wait() -> None:
    clock = Clock()
    pacer = Pacer(clock, clock.sleep, per_minute=10)
    for _ in range(5):
        pacer.before()
        pacer.after(0)
    assert clock.slept == []


def test_a_run_over_the_whole_pace_alone_waits_for_an_empty_minute() -> None:
    clock = Clock()
    pacer = Pacer(clock, clock.sleep, per_minute=10)
    pacer.before()
    pacer.after(30)
    pacer.before()
    assert clock.slept == [60.0]
    pacer.after(30)
    pacer.before()
    assert clock.slept == [60.0, 60.0]
