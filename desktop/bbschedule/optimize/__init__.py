"""Schedule optimization: resource leveling and compression to a target date."""
