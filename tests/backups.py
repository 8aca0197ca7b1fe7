"""What a backup must be: the book it saves, part for part, tagged as our backup."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from workbook_tools.outputs import read_tag

#: The parts the backup tag adds or changes (the custom properties, and where they are declared).
TAG_PARTS = frozenset({"docProps/custom.xml", "[Content_Types].xml", "_rels/.rels"})


def _parts(book: bytes | Path) -> dict[str, bytes]:
    data = book if isinstance(book, bytes) else Path(book).read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: z.read(n) for n in z.namelist() if n not in TAG_PARTS}


def is_backup_of(backup: Path, original: bytes | Path) -> bool:
    """``backup`` holds every part of ``original`` byte for byte (but the tag's) and is tagged a backup."""
    return read_tag(backup) == "backup" and _parts(Path(backup)) == _parts(original)
