"""Safe XML parsing for MSPDI and PMXML: no DTDs, no entities, no network, a size limit, clear errors.

Every failure ends as an InputFileError that names the file (and the line when the parser knows it).
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bbschedule.core.errors import InputFileError

if TYPE_CHECKING:
    from lxml import etree

_HEAD_BYTES = 64 * 1024
_CACHED_ELEMENTS = 8
_FORBIDDEN = (b"<!DOCTYPE", b"<!ENTITY")


def parse(path: Path, *, max_bytes: int, roots: tuple[str, ...]) -> etree._Element:
    """Parse `path` and return its root element, whose local name must be one of `roots`."""
    from lxml import etree

    name = str(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputFileError(name, f"cannot be read ({exc.strerror})") from None
    if size > max_bytes:
        raise InputFileError(name, f"is {size} bytes, larger than the {max_bytes} bytes allowed")
    if size == 0:
        raise InputFileError(name, "is empty, not XML")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputFileError(name, f"cannot be read ({exc.strerror})") from None
    _refuse_declarations(name, raw)
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        dtd_validation=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(raw, parser=parser)
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if exc.lineno and exc.lineno > 0 else None
        detail = re.sub(r"(, line \d+)+, column \d+$", "", str(exc.msg)).strip()
        column = exc.position[1] if exc.position else None
        where = f" at column {column}" if column else ""
        raise InputFileError(name, f"is not well-formed XML{where} ({detail})", line=line) from None
    except ValueError as exc:  # lxml raises this for some undecodable inputs
        raise InputFileError(name, f"is not XML ({exc})") from None
    docinfo: Any = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise InputFileError(name, "declares a DTD, which is refused (entity expansion is not allowed)")
    if local_name(root) not in roots:
        raise InputFileError(
            name, f"the root element is <{local_name(root)}>, expected <{'> or <'.join(roots)}>", line=line_of(root)
        )
    return root


def _refuse_declarations(name: str, raw: bytes) -> None:
    """Refuse DTD and entity declarations before the parser sees them (billion laughs, external entities)."""
    head = raw[:_HEAD_BYTES]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", errors="ignore").encode("ascii", errors="ignore")
    # Only the prolog (before the root element) can declare a DTD; CDATA text later may mention one.
    root_tag = re.search(rb"<[A-Za-z_]", head)
    upper = (head[: root_tag.start()] if root_tag else head).upper()
    for marker in _FORBIDDEN:
        index = upper.find(marker)
        if index >= 0:
            line = head.count(b"\n", 0, index) + 1
            raise InputFileError(name, "declares a DTD or entities, which are refused", line=line)


def line_of(element: etree._Element) -> int | None:
    """The source line of an element, when the parser kept it."""
    value = getattr(element, "sourceline", None)
    return value if isinstance(value, int) else None


def local_name(element: etree._Element) -> str:
    tag: Any = element.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def namespace_of(element: etree._Element) -> str:
    tag: Any = element.tag
    if isinstance(tag, str) and tag.startswith("{"):
        return tag[1:].split("}", 1)[0]
    return ""


class Reader:
    """Namespace-agnostic access to child elements and their text, as the readers need it."""

    def __init__(self, root: etree._Element, path: str = "<xml>") -> None:
        ns = namespace_of(root)
        self.prefix = f"{{{ns}}}" if ns else ""
        self.path = path
        self._cache: dict[etree._Element, dict[str, etree._Element]] = {}

    def _fields(self, element: etree._Element) -> dict[str, etree._Element]:
        """Children by qualified tag, indexed once per element (readers read many fields of one record, and go
        back and forth between a record and its children, so the last few indexes are kept). Repeated children
        are read with children(), never through this index."""
        index = self._cache.get(element)
        if index is None:
            index = {child.tag: child for child in element}
            if len(self._cache) >= _CACHED_ELEMENTS:
                self._cache.pop(next(iter(self._cache)))
            self._cache[element] = index
        return index

    def q(self, tag: str) -> str:
        return self.prefix + tag

    def child(self, element: etree._Element, tag: str) -> etree._Element | None:
        return self._fields(element).get(self.prefix + tag)

    def children(self, element: etree._Element, tag: str) -> Iterator[etree._Element]:
        return element.iterchildren(self.prefix + tag)

    def text(self, element: etree._Element, tag: str) -> str | None:
        """The stripped text of a child, None when it is missing, empty or xsi:nil."""
        found = self._fields(element).get(self.prefix + tag)
        if found is None or found.text is None:
            return None
        value = found.text.strip()
        return value or None

    def date(self, element: etree._Element, tag: str) -> dt.datetime | None:
        """A child's dateTime, or an InputFileError naming the file, line and field."""
        text = self.text(element, tag)
        try:
            return parse_datetime(text)
        except ValueError:
            raise InputFileError(
                self.path, f"{text!r} is not a date", line=line_of(element), field=f"{local_name(element)}/{tag}"
            ) from None

    def number(self, element: etree._Element, tag: str, default: float = 0.0) -> float:
        """A child's number, or an InputFileError naming the file, line and field."""
        text = self.text(element, tag)
        if text is None:
            return default
        try:
            return float(text)
        except ValueError:
            raise InputFileError(
                self.path, f"{text!r} is not a number", line=line_of(element), field=f"{local_name(element)}/{tag}"
            ) from None


def parse_time(text: str | None) -> int | None:
    """'08:00:00' -> 480 minutes from midnight; None for nothing."""
    if not text:
        return None
    parts = text.strip().split(":")
    return int(parts[0]) * 60 + int(parts[1])


def parse_datetime(text: str | None) -> dt.datetime | None:
    """An xsd:dateTime as naive local time to the minute; None for nothing. Raises ValueError on garbage."""
    if not text:
        return None
    value = dt.datetime.fromisoformat(text.strip().removesuffix("Z"))
    return value.replace(tzinfo=None, second=0, microsecond=0)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a reader builds hundreds of thousands of small objects that
    hold no cycles (its repeated scans of a growing heap cost more than the reading itself)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def atomic_write(path: Path, payload: bytes) -> None:
    """Write through a temporary file beside `path`, so that nothing is half-written on failure."""
    tmp = path.with_name(path.name + ".tmp")
    try:
        with tmp.open("wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
