"""The local SQLite cache: ORM tables (schema), Alembic migrations (migrate), the cache and its stores (cache, store),
row mapping (mapping, plainform), backups (backup) and the profile's folders (paths)."""
