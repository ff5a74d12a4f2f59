"""Item data roles as plain ints: data() compares against these (DESIGN.md section 10), never Qt enums."""

from __future__ import annotations

DISPLAY = 0
DECORATION = 1
EDIT = 2
TOOL_TIP = 3
FONT = 6
TEXT_ALIGNMENT = 7
BACKGROUND = 8
FOREGROUND = 9
USER = 256
OBJECT_ID = USER + 1
"""The id of the object a row shows (activity, WBS node, project, EPS node)."""
CHOICES = USER + 2
"""For combo editors: a list of (label, value)."""
NODE_KIND = USER + 3
"""The project tree's node kind: 'eps', 'project' or 'wbs'."""
ROW_DEPTH = USER + 4
"""The activity table's rows: how deep under groups a row sits (the delegate indents column 0 by it)."""
ROW_STATE = USER + 5
"""The activity table's rows: 0 an activity, 1 an expanded group, 2 a collapsed group (the arrow drawn)."""
