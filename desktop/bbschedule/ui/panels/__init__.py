"""Side panels and dialogs of the planning window: activity details, calendars, project properties."""
