"""BBSchedule: a CPM scheduler for construction planners."""

__version__ = "0.1.0"
