"""CPM scheduling: working-time calendars, forward and backward passes, float, critical and driving paths."""
