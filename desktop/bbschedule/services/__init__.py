"""Use cases over the core and the stores: the project session, import, export, scheduling runs."""
