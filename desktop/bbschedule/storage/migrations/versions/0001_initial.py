"""The first schema of the local cache: every core entity, outbox, undo history, computed dates, meta.

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-22 20:16:48.717133
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "eps",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("code", sa.Text(), nullable=False),
        sa.Column("parent_id", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["eps.id"], name=op.f("fk_eps_parent_id_eps"), initially="DEFERRED", deferrable=True
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_eps")),
    )
    op.create_table(
        "meta",
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_meta")),
    )
    op.create_table(
        "outbox",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("change_id", sa.Text(), nullable=False),
        sa.Column("project_id", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("row_id", sa.Text(), nullable=False),
        sa.Column("payload", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.String(), nullable=False),
        sa.Column("pushed", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_outbox")),
        sa.UniqueConstraint("change_id", name=op.f("uq_outbox_change_id")),
    )
    op.create_index("ix_outbox_project_id", "outbox", ["project_id"], unique=False)
    op.create_index("ix_outbox_pushed_seq", "outbox", ["pushed", "seq"], unique=False)

    op.create_table(
        "projects",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("code", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("planned_start", sa.String(), nullable=False),
        sa.Column("data_date", sa.String(), nullable=True),
        sa.Column("must_finish_by", sa.String(), nullable=True),
        sa.Column("default_calendar_id", sa.Text(), nullable=True),
        sa.Column("eps_id", sa.Text(), nullable=True),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("currency", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("source_id", sa.Text(), nullable=True),
        sa.Column("created_at", sa.String(), nullable=False),
        sa.Column("updated_at", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_projects")),
    )
    op.create_index("ix_projects_code", "projects", ["code"], unique=False)

    op.create_table(
        "baselines",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("project_id", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("taken_at", sa.String(), nullable=False),
        sa.Column("activities", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_baselines_project_id_projects"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_baselines")),
    )
    op.create_index("ix_baselines_project_id", "baselines", ["project_id"], unique=False)

    op.create_table(
        "calendars",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("project_id", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("week", sa.JSON(), nullable=False),
        sa.Column("exceptions", sa.JSON(), nullable=False),
        sa.Column("hours_per_day", sa.Float(), nullable=False),
        sa.Column("hours_per_week", sa.Float(), nullable=False),
        sa.Column("hours_per_month", sa.Float(), nullable=False),
        sa.Column("hours_per_year", sa.Float(), nullable=False),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.Column("base_calendar_id", sa.Text(), nullable=True),
        sa.Column("source_id", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["base_calendar_id"],
            ["calendars.id"],
            name=op.f("fk_calendars_base_calendar_id_calendars"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_calendars_project_id_projects"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendars")),
    )
    op.create_index("ix_calendars_project_id", "calendars", ["project_id"], unique=False)

    op.create_table(
        "code_types",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("project_id", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("is_global", sa.Boolean(), nullable=False),
        sa.Column("source_id", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_code_types_project_id_projects"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_code_types")),
    )
    op.create_index("ix_code_types_project_id", "code_types", ["project_id"], unique=False)

    op.create_table(
        "undo_history",
        sa.Column("project_id", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("change_set", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_undo_history_project_id_projects"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("project_id", "position", name=op.f("pk_undo_history")),
    )
    op.create_table(
        "undo_state",
        sa.Column("project_id", sa.Text(), nullable=False),
        sa.Column("cursor", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_undo_state_project_id_projects"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("project_id", name=op.f("pk_undo_state")),
    )
    op.create_table(
        "user_fields",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("project_id", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("data_type", sa.Text(), nullable=False),
        sa.Column("source_id", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_user_fields_project_id_projects"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_fields")),
    )
    op.create_index("ix_user_fields_project_id", "user_fields", ["project_id"], unique=False)

    op.create_table(
        "wbs",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("project_id", sa.Text(), nullable=False),
        sa.Column("code", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("parent_id", sa.Text(), nullable=True),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["wbs.id"], name=op.f("fk_wbs_parent_id_wbs"), initially="DEFERRED", deferrable=True
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_wbs_project_id_projects"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wbs")),
    )
    op.create_index("ix_wbs_parent_id", "wbs", ["parent_id"], unique=False)
    op.create_index("ix_wbs_project_id", "wbs", ["project_id"], unique=False)

    op.create_table(
        "activities",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("project_id", sa.Text(), nullable=False),
        sa.Column("code", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("calendar_id", sa.Text(), nullable=False),
        sa.Column("wbs_id", sa.Text(), nullable=True),
        sa.Column("type", sa.Text(), nullable=False),
        sa.Column("duration_type", sa.Text(), nullable=False),
        sa.Column("percent_complete_type", sa.Text(), nullable=False),
        sa.Column("original_duration", sa.Integer(), nullable=False),
        sa.Column("remaining_duration", sa.Integer(), nullable=True),
        sa.Column("actual_duration", sa.Integer(), nullable=False),
        sa.Column("physical_percent_complete", sa.Float(), nullable=False),
        sa.Column("primary_constraint_type", sa.Text(), nullable=True),
        sa.Column("primary_constraint_date", sa.String(), nullable=True),
        sa.Column("secondary_constraint_type", sa.Text(), nullable=True),
        sa.Column("secondary_constraint_date", sa.String(), nullable=True),
        sa.Column("actual_start", sa.String(), nullable=True),
        sa.Column("actual_finish", sa.String(), nullable=True),
        sa.Column("expected_finish", sa.String(), nullable=True),
        sa.Column("suspend_date", sa.String(), nullable=True),
        sa.Column("resume_date", sa.String(), nullable=True),
        sa.Column("planned_start", sa.String(), nullable=True),
        sa.Column("planned_finish", sa.String(), nullable=True),
        sa.Column("quantity", sa.Float(), nullable=True),
        sa.Column("quantity_unit", sa.Text(), nullable=False),
        sa.Column("production_rate", sa.Float(), nullable=True),
        sa.Column("location_start", sa.Float(), nullable=True),
        sa.Column("location_end", sa.Float(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("codes", sa.JSON(), nullable=False),
        sa.Column("user_fields", sa.JSON(), nullable=False),
        sa.Column("source_id", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["calendar_id"],
            ["calendars.id"],
            name=op.f("fk_activities_calendar_id_calendars"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_activities_project_id_projects"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["wbs_id"], ["wbs.id"], name=op.f("fk_activities_wbs_id_wbs"), initially="DEFERRED", deferrable=True
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activities")),
    )
    op.create_index("ix_activities_project_id", "activities", ["project_id"], unique=False)
    op.create_index("ix_activities_wbs_id", "activities", ["wbs_id"], unique=False)

    op.create_table(
        "code_values",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("project_id", sa.Text(), nullable=False),
        sa.Column("type_id", sa.Text(), nullable=False),
        sa.Column("code", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("parent_id", sa.Text(), nullable=True),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["code_values.id"],
            name=op.f("fk_code_values_parent_id_code_values"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_code_values_project_id_projects"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["type_id"],
            ["code_types.id"],
            name=op.f("fk_code_values_type_id_code_types"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_code_values")),
    )
    op.create_index("ix_code_values_project_id", "code_values", ["project_id"], unique=False)
    op.create_index("ix_code_values_type_id", "code_values", ["type_id"], unique=False)

    op.create_table(
        "resources",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("project_id", sa.Text(), nullable=False),
        sa.Column("code", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("type", sa.Text(), nullable=False),
        sa.Column("unit", sa.Text(), nullable=False),
        sa.Column("calendar_id", sa.Text(), nullable=True),
        sa.Column("rates", sa.JSON(), nullable=False),
        sa.Column("parent_id", sa.Text(), nullable=True),
        sa.Column("source_id", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["calendar_id"],
            ["calendars.id"],
            name=op.f("fk_resources_calendar_id_calendars"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["resources.id"],
            name=op.f("fk_resources_parent_id_resources"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_resources_project_id_projects"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resources")),
    )
    op.create_index("ix_resources_project_id", "resources", ["project_id"], unique=False)

    op.create_table(
        "assignments",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("project_id", sa.Text(), nullable=False),
        sa.Column("activity_id", sa.Text(), nullable=False),
        sa.Column("resource_id", sa.Text(), nullable=False),
        sa.Column("budgeted_units", sa.Float(), nullable=False),
        sa.Column("actual_units", sa.Float(), nullable=False),
        sa.Column("remaining_units", sa.Float(), nullable=False),
        sa.Column("budgeted_cost", sa.Float(), nullable=False),
        sa.Column("actual_cost", sa.Float(), nullable=False),
        sa.Column("remaining_cost", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["activities.id"],
            name=op.f("fk_assignments_activity_id_activities"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_assignments_project_id_projects"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["resource_id"],
            ["resources.id"],
            name=op.f("fk_assignments_resource_id_resources"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignments")),
    )
    op.create_index("ix_assignments_activity_id", "assignments", ["activity_id"], unique=False)
    op.create_index("ix_assignments_project_id", "assignments", ["project_id"], unique=False)
    op.create_index("ix_assignments_resource_id", "assignments", ["resource_id"], unique=False)

    op.create_table(
        "computed_dates",
        sa.Column("activity_id", sa.Text(), nullable=False),
        sa.Column("project_id", sa.Text(), nullable=False),
        sa.Column("early_start", sa.String(), nullable=True),
        sa.Column("early_finish", sa.String(), nullable=True),
        sa.Column("late_start", sa.String(), nullable=True),
        sa.Column("late_finish", sa.String(), nullable=True),
        sa.Column("total_float", sa.Integer(), nullable=True),
        sa.Column("free_float", sa.Integer(), nullable=True),
        sa.Column("critical", sa.Boolean(), nullable=False),
        sa.Column("longest_path", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["activities.id"],
            name=op.f("fk_computed_dates_activity_id_activities"),
            ondelete="CASCADE",
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_computed_dates_project_id_projects"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("activity_id", name=op.f("pk_computed_dates")),
    )
    op.create_index("ix_computed_dates_project_id", "computed_dates", ["project_id"], unique=False)

    op.create_table(
        "expenses",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("project_id", sa.Text(), nullable=False),
        sa.Column("activity_id", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("budgeted_cost", sa.Float(), nullable=False),
        sa.Column("actual_cost", sa.Float(), nullable=False),
        sa.Column("remaining_cost", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["activities.id"],
            name=op.f("fk_expenses_activity_id_activities"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_expenses_project_id_projects"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_expenses")),
    )
    op.create_index("ix_expenses_activity_id", "expenses", ["activity_id"], unique=False)
    op.create_index("ix_expenses_project_id", "expenses", ["project_id"], unique=False)

    op.create_table(
        "relationships",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("project_id", sa.Text(), nullable=False),
        sa.Column("predecessor_id", sa.Text(), nullable=False),
        sa.Column("successor_id", sa.Text(), nullable=False),
        sa.Column("type", sa.Text(), nullable=False),
        sa.Column("lag", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["predecessor_id"],
            ["activities.id"],
            name=op.f("fk_relationships_predecessor_id_activities"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_relationships_project_id_projects"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["successor_id"],
            ["activities.id"],
            name=op.f("fk_relationships_successor_id_activities"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_relationships")),
    )
    op.create_index("ix_relationships_predecessor_id", "relationships", ["predecessor_id"], unique=False)
    op.create_index("ix_relationships_project_id", "relationships", ["project_id"], unique=False)
    op.create_index("ix_relationships_successor_id", "relationships", ["successor_id"], unique=False)
    op.execute(sa.text("INSERT INTO meta (key, value) VALUES ('schema_version', '0001')"))


def downgrade() -> None:
    op.drop_table("relationships")
    op.drop_table("expenses")
    op.drop_table("computed_dates")
    op.drop_table("assignments")
    op.drop_table("resources")
    op.drop_table("code_values")
    op.drop_table("activities")
    op.drop_table("wbs")
    op.drop_table("user_fields")
    op.drop_table("undo_state")
    op.drop_table("undo_history")
    op.drop_table("code_types")
    op.drop_table("calendars")
    op.drop_table("baselines")
    op.drop_table("projects")
    op.drop_table("outbox")
    op.drop_table("meta")
    op.drop_table("eps")
