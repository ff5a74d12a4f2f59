"""State shared by the XER reader's table mappers: the tokenized file, value converters, ids and the report."""

from __future__ import annotations

import uuid
from collections import defaultdict

from bbschedule.formats.fidelity import FidelityReport, Severity
from bbschedule.formats.xer.tokenizer import Table, XerFile
from bbschedule.formats.xer.values import Values


class IdMaker:
    """UUID-shaped ids, unique per import: a random prefix and a counter (uuid4() per row costs ~0.5 s at 250k)."""

    def __init__(self) -> None:
        h = uuid.uuid4().hex
        self.prefix = f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) % 4]}{h[17:20]}-"
        self.count = 0

    def __call__(self) -> str:
        self.count += 1
        return f"{self.prefix}{self.count:012x}"

    def many(self, n: int) -> list[str]:
        prefix, first = self.prefix, self.count + 1
        self.count += n
        return [f"{prefix}{k:012x}" for k in range(first, first + n)]


class Context:
    def __init__(self, xer: XerFile, report: FidelityReport) -> None:
        self.xer = xer
        self.path = xer.path
        self.values = Values(xer.path)
        self.new_id = IdMaker()
        self.report = report
        self._grouped: dict[tuple[str, str], dict[str, list[int]]] = {}
        self._notes: dict[tuple[str, str], list[str]] = defaultdict(list)

    def new_ids(self, n: int) -> list[str]:
        return self.new_id.many(n)

    def table(self, name: str) -> Table | None:
        return self.xer.tables.get(name)

    def rows_by(self, table_name: str, key: str) -> dict[str, list[int]]:
        """Row indexes of a table grouped by one field's value (computed once per table and key)."""
        cache_key = (table_name, key)
        found = self._grouped.get(cache_key)
        if found is not None:
            return found
        groups: dict[str, list[int]] = defaultdict(list)
        table = self.table(table_name)
        if table is not None:
            column = table.column(key)
            if column and column.count(column[0]) == len(column):
                groups[column[0]] = list(range(len(column)))
            else:
                for index, value in enumerate(column):
                    groups[value].append(index)
        self._grouped[cache_key] = groups
        return groups

    def note(self, severity: Severity, code: str, message: str, where: str = "") -> None:
        """One finding; more than 50 of the same code are summarised in `flush` so the report stays readable."""
        bucket = self._notes[(severity.value, code)]
        bucket.append(where)
        if len(bucket) <= 50:
            self.report.add(severity, code, message, where)

    def flush(self) -> None:
        for (severity, code), wheres in self._notes.items():
            if len(wheres) > 50:
                self.report.add(
                    Severity(severity), code, f"{len(wheres) - 50} more findings like the above", "(summarised)"
                )
            self.report.counts[f"finding.{code}"] = len(wheres)
