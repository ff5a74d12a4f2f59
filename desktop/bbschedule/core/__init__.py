"""The domain model, commands and undo history: pure Python, no Qt, no I/O."""
