"""Central PostgreSQL: server schema and policies, administration, push and pull, conflicts."""
