"""On real P6 exports (constraints, progress, six calendars, lags on every lag calendar) the numpy level passes
give value for value what the scalar passes give, in each of the three progress modes."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from bbschedule.core.enums import ProgressMode
from bbschedule.core.project_data import ProjectData
from bbschedule.formats.registry import read_file
from bbschedule.scheduling import levels
from bbschedule.scheduling.engine import Scheduler


def results(data: ProjectData) -> tuple[object, ...]:
    scheduler = Scheduler(data)
    scheduler.run()
    d = scheduler.dates
    return (d.es, d.ef, d.ls, d.lf, d.link_start, scheduler.total_float, scheduler.free_float, scheduler.critical)


@pytest.mark.parametrize("name", ["pyp6xer_SP10_COST_LOADED.xer", "jaggelas_test.xer"])
def test_numpy_and_scalar_passes_agree_on_real_files(samples_dir: Path, monkeypatch, name: str) -> None:
    data = read_file(samples_dir / "xer" / name).pick()
    for mode in ProgressMode:
        options = dataclasses.replace(data.project.options, progress_mode=mode)
        moded = dataclasses.replace(data, project=dataclasses.replace(data.project, options=options))
        monkeypatch.setattr(levels, "VECTOR_MIN", 10**9)
        scalar = results(moded)
        monkeypatch.setattr(levels, "VECTOR_MIN", 1)
        assert results(moded) == scalar, mode
