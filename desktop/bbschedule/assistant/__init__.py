"""The pydantic-ai assistant that explains the schedule and proposes commands."""
