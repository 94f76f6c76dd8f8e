"""Schema changes that migrations share."""


def index_create_concurrently(cursor, name: str, definition: str) -> None:
    """CREATE INDEX CONCURRENTLY `name` ON `definition` (PostgreSQL; outside a transaction, in a
    migration with `atomic = False`), so that writes to the table go on meanwhile. A build that
    failed (a lock timeout, a cancel) leaves an INVALID index of that name, which IF NOT EXISTS
    would take for done on the next run: it is dropped and built again."""
    cursor.execute("SELECT indisvalid FROM pg_index WHERE indexrelid = to_regclass(%s)", [name])
    found = cursor.fetchone()
    if found is not None and not found[0]:
        cursor.execute(f"DROP INDEX CONCURRENTLY {name}")
    cursor.execute(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {definition}")
