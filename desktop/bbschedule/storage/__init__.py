"""The local SQLite cache: ORM tables, migrations, the repository that maps rows to core objects, backups."""
