"""The integer codes the passes use for relationship types, activity kinds, status and constraints."""

from __future__ import annotations

from bbschedule.core.enums import ActivityType, ConstraintType, RelationshipType

NONE = -(1 << 60)
"""Sentinel for a missing time in the int arrays."""

# Relationship types. The bits matter to the passes: odd types start from the predecessor's start (SS, SF),
# types below FF drive the successor's start (FS, SS).
FS, SS, FF, SF = 0, 1, 2, 3
REL_CODES = {RelationshipType.FS: FS, RelationshipType.SS: SS, RelationshipType.FF: FF, RelationshipType.SF: SF}

# Activity kinds.
K_TASK, K_START_MS, K_FINISH_MS, K_LOE, K_WBS = 0, 1, 2, 3, 4
KIND_CODES = {
    ActivityType.TASK: K_TASK,
    ActivityType.RESOURCE_DEPENDENT: K_TASK,
    ActivityType.START_MILESTONE: K_START_MS,
    ActivityType.FINISH_MILESTONE: K_FINISH_MS,
    ActivityType.LEVEL_OF_EFFORT: K_LOE,
    ActivityType.WBS_SUMMARY: K_WBS,
}

# Activity status.
NOT_STARTED, IN_PROGRESS, COMPLETE = 0, 1, 2

# Constraints.
C_NONE, C_SNET, C_SNLT, C_SON, C_FNET, C_FNLT, C_FON, C_MSO, C_MFO, C_ALAP = range(10)
CONSTRAINT_CODES = {
    ConstraintType.START_ON_OR_AFTER: C_SNET,
    ConstraintType.START_ON_OR_BEFORE: C_SNLT,
    ConstraintType.START_ON: C_SON,
    ConstraintType.FINISH_ON_OR_AFTER: C_FNET,
    ConstraintType.FINISH_ON_OR_BEFORE: C_FNLT,
    ConstraintType.FINISH_ON: C_FON,
    ConstraintType.MANDATORY_START: C_MSO,
    ConstraintType.MANDATORY_FINISH: C_MFO,
    ConstraintType.AS_LATE_AS_POSSIBLE: C_ALAP,
}
