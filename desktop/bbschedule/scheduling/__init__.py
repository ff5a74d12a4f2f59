"""CPM scheduling: working-time calendars, forward and backward passes, float, critical and driving paths.

Entry points: `engine.schedule(data, progress=...)` for one run, `engine.Scheduler` to keep the compiled network
and reschedule after edits (`update(data, changed_ids)`), `result.ScheduleResult` for what comes back.
"""
