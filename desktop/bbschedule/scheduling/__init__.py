"""CPM scheduling: working-time calendars, forward and backward passes, float, critical and driving paths.

Entry points: `engine.schedule(data, progress=...)` for one run, `engine.Scheduler` to keep the compiled network
and reschedule after edits (`update(data, changed_ids)`), `result.ScheduleResult` for what comes back.
network.py compiles a project into flat arrays; levels.py (full runs, numpy) and passes.py (scalar, incremental
runs) compute the dates; modes.py states the three P6 progress modes.
"""
