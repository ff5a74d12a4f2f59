"""Readers and writers of schedule files, each with a fidelity report of what it dropped or converted."""
