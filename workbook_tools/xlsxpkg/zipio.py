"""Rewrite a zip package part by part: unchanged parts are copied as their compressed bytes.

Changing one cell of a 60 MB book must not inflate and deflate the other 59 MB, and every part we
did not mean to change must come out byte for byte as it was (DESIGN.md, principle 2). The
standard library's ``zipfile`` can only copy a member by decompressing and compressing it again,
so this module reads each member's raw bytes at its local header and writes the zip structure
itself (local headers, central directory). A part or package over 4 GiB is refused (no ZIP64: some
spreadsheet clients complain about it where it is not needed, and no order book comes near).
Replaced and added parts are deflated here, streamed from an iterable of byte chunks. A replaced part
whose deflate block boundaries are known (zsplice.py) keeps its compressed bytes up to the last
boundary before its first change, and only the rest is deflated.
"""

from __future__ import annotations

import os
import struct
import types
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from itertools import chain
from typing import Any, BinaryIO

from . import zsplice

#: ISA-L's inflate, where it is installed: a sheet's XML 4-5 times as fast as zlib's (the reader's
#: scan, the prepared rows' facts); else the standard library's.
_fast_zlib: types.ModuleType = zlib
try:
    from isal import isal_zlib

    _fast_zlib = isal_zlib
except ImportError:  # no wheel for this machine
    pass
#: What an ``inflater`` raises for damaged data.
INFLATE_ERRORS: tuple[type[Exception], ...] = (zlib.error, _fast_zlib.error)

_LOCAL = struct.Struct("<4sHHHHHLLLHH")
_CENTRAL = struct.Struct("<4sBBHHHHHLLLHHHHHLL")
_END = struct.Struct("<4sHHHHLLH")
_MAX32 = 0xFFFFFFFF
_MAX16 = 0xFFFF
#: deflate level for rewritten parts: level 1 is ~3× faster than 6 on sheet XML for ~15 % more bytes.
LEVEL = 1
_UTF8 = 0x800

#: A part's bytes in pieces (memoryviews pass long unchanged runs on without a copy: sheet.py).
Chunks = Iterable[bytes | memoryview]


class Patched:
    """A changed part's chunks, and ``kept``: how many of its first bytes its maker knows are those of
    the part as it was (they need no comparing when the part is spliced: ``_Writer.splice``)."""

    def __init__(self, chunks: Iterator[bytes | memoryview], kept: int = 0):
        self.chunks = chunks
        self.kept = kept

    def __iter__(self) -> Iterator[bytes | memoryview]:
        return self.chunks


class TooLarge(ValueError):
    """A part or the package would need ZIP64."""


@dataclass
class _Entry:
    name: bytes
    flags: int
    method: int
    dostime: int
    dosdate: int
    crc: int
    csize: int
    usize: int
    external: int
    offset: int


def _data_start(head: bytes, info: zipfile.ZipInfo) -> int:
    """Where ``info``'s compressed data starts, from the ``_LOCAL.size`` bytes at its local header."""
    if len(head) != _LOCAL.size or head[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile(f"bad local header for {info.filename}")
    fields = _LOCAL.unpack(head)
    return int(info.header_offset + _LOCAL.size + fields[9] + fields[10])


def raw_member(src: BinaryIO, info: zipfile.ZipInfo) -> tuple[int, int]:
    """(offset of the compressed data, its length) of ``info`` in the open zip ``src``."""
    src.seek(info.header_offset)
    return _data_start(src.read(_LOCAL.size), info), info.compress_size


def inflater() -> Any:  # zlib's or ISA-L's decompressor (the same interface)
    """A raw-deflate decompressor, the fastest there is here (ISA-L's, else zlib's)."""
    return _fast_zlib.decompressobj(-15)


def _fileno(zf: zipfile.ZipFile) -> int | None:
    try:
        return zf.fp.fileno() if zf.fp is not None else None
    except (AttributeError, OSError, ValueError):  # a zip in memory
        return None


def member_chunks(zf: zipfile.ZipFile, name: str, size: int) -> Iterator[bytes]:
    """Member ``name`` of ``zf``, inflated, in chunks of at most ``size`` bytes, its length and CRC
    checked at the end as zipfile checks them. A deflated member of a zip on disk is read raw with
    ``os.pread`` (no shared file position: other threads may read the zip meanwhile) and inflated by
    ``inflater``; any other (stored, encrypted, a zip in memory) by zipfile."""
    info = zf.getinfo(name)
    fd = _fileno(zf)
    if (
        fd is None
        or _fast_zlib is zlib
        or not hasattr(os, "pread")
        or info.compress_type != zipfile.ZIP_DEFLATED
        or info.flag_bits & 0x1
    ):
        with zf.open(name) as f:
            while chunk := f.read(size):
                yield chunk
        return
    at, left = _data_start(os.pread(fd, _LOCAL.size, info.header_offset), info), info.compress_size
    inflate, crc, length = inflater(), 0, 0
    while not inflate.eof:
        data = inflate.unconsumed_tail
        if not data and left:
            data = os.pread(fd, min(left, 1 << 20), at)
            if not data:
                break
            at, left = at + len(data), left - len(data)
        try:
            # (with no input left, ISA-L may still hold output back for a call without any)
            chunk = inflate.decompress(data, size)
        except INFLATE_ERRORS as exc:
            raise zipfile.BadZipFile(f"{name}: {exc}") from None
        if chunk:
            crc, length = _fast_zlib.crc32(chunk, crc), length + len(chunk)
            yield chunk
        elif not data and not left:  # nothing in, nothing out: the data ends before its end
            break
    if length != info.file_size or crc != info.CRC:
        raise zipfile.BadZipFile(f"Bad CRC-32 for file {name!r}")


#: The size of the pieces a part's XML is streamed in (the reader's scan, the prepared rows' facts):
#: 1 MB, where a fresh 8 MB buffer per piece cost more in page faults than the search over it.
PIECE = 1 << 20


def indexed_member(zf: zipfile.ZipFile, name: str) -> zsplice.Indexed | None:
    """Member ``name`` of the zip on disk inflated with its deflate block boundaries (zsplice.py);
    None when it is stored, zlib cannot be loaded, or zlib refuses it (the caller reads it as usual,
    and zipfile says what is wrong with it)."""
    info = zf.getinfo(name)
    if info.compress_type != zipfile.ZIP_DEFLATED or not zsplice.available() or zf.filename is None:
        return None
    with open(zf.filename, "rb") as f:
        start, length = raw_member(f, info)
        f.seek(start)
        compressed = f.read(length)
    try:
        return zsplice.inflate_indexed(compressed, info.file_size, info.CRC)
    except zsplice.SpliceError:
        return None


def _dos(info: zipfile.ZipInfo) -> tuple[int, int]:
    y, mo, d, h, mi, s = info.date_time
    return (h << 11) | (mi << 5) | (s // 2), ((max(y, 1980) - 1980) << 9) | (mo << 5) | d


class _Writer:
    def __init__(self, out: BinaryIO):
        self.out = out
        self.entries: list[_Entry] = []
        self.pos = 0

    def _write(self, data: bytes) -> None:
        self.out.write(data)
        self.pos += len(data)

    def _local(self, e: _Entry) -> None:
        if e.csize >= _MAX32 or e.usize >= _MAX32 or e.offset >= _MAX32:
            raise TooLarge(f"{e.name.decode('utf-8')}: over 4 GiB")
        self._write(
            _LOCAL.pack(
                b"PK\x03\x04", 20, e.flags, e.method, e.dostime, e.dosdate, e.crc, e.csize, e.usize, len(e.name), 0
            )
            + e.name
        )

    def copy(self, src: BinaryIO, info: zipfile.ZipInfo) -> None:
        """Copy a member's compressed bytes unchanged."""
        start, length = raw_member(src, info)
        dostime, dosdate = _dos(info)
        name = info.filename.encode("utf-8")
        flags = (info.flag_bits & ~0x8) | (_UTF8 if not info.filename.isascii() else 0)
        e = _Entry(
            name,
            flags,
            info.compress_type,
            dostime,
            dosdate,
            info.CRC,
            length,
            info.file_size,
            info.external_attr,
            self.pos,
        )
        self._local(e)
        src.seek(start)
        left = length
        while left:
            chunk = src.read(min(left, 1 << 20))
            if not chunk:
                raise zipfile.BadZipFile(f"{info.filename} is truncated")
            self._write(chunk)
            left -= len(chunk)
        self.entries.append(e)

    def add(self, name: str, chunks: Chunks, like: zipfile.ZipInfo | None) -> None:
        """Deflate a new or replaced member from ``chunks``; its local header is written with
        placeholders and patched through ``seek`` once the sizes and CRC are known."""
        self._deflated(name, like, _deflate(chunks))

    def splice(self, src: BinaryIO, info: zipfile.ZipInfo, chunks: Chunks, origin: zsplice.Indexed) -> None:
        """Replace a member whose data was ``origin.data`` with ``chunks``: its compressed bytes up to the
        last block boundary before the first changed byte are copied, the rest is deflated (zsplice)."""
        same, rest = _common(chunks, origin.data, chunks.kept if isinstance(chunks, Patched) else 0)
        if rest is None and same == len(origin.data):
            self.copy(src, info)  # nothing changed after all
            return
        cut = origin.before(same) if info.compress_type == zipfile.ZIP_DEFLATED else None
        if cut is None:
            self.add(info.filename, chain((memoryview(origin.data)[:same],), rest or ()), info)
            return
        tail = chain((memoryview(origin.data)[cut.out : same],), rest or ())
        history = origin.data[max(0, cut.out - zsplice.WINDOW) : cut.out]
        start, _length = raw_member(src, info)

        def prefix() -> Iterator[bytes]:
            src.seek(start)
            left = cut.keep
            while left:
                block = src.read(min(left, 1 << 20))
                if not block:
                    raise zipfile.BadZipFile(f"{info.filename} is truncated")
                yield block
                left -= len(block)

        self._deflated(info.filename, info, _deflate(tail, resume=(cut, history)), prefix(), cut)

    def _deflated(
        self,
        name: str,
        like: zipfile.ZipInfo | None,
        blocks: Iterator[tuple[bytes, bytes]],
        kept: Iterable[bytes] = (),
        cut: zsplice.Boundary | None = None,
    ) -> None:
        """Write a deflated member: ``kept`` compressed bytes as they are (data up to ``cut``), then
        ``blocks`` ((compressed, original) pairs, the last one ending the stream)."""
        info = like or zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0))
        dostime, dosdate = _dos(info)
        raw = name.encode("utf-8")
        e = _Entry(
            raw,
            _UTF8 if not name.isascii() else 0,
            zipfile.ZIP_DEFLATED,
            dostime,
            dosdate,
            0,
            0,
            0,
            (like.external_attr if like and like.external_attr else 0o644 << 16),
            self.pos,
        )
        self._local(e)
        crc, usize, csize = (cut.crc, cut.out, 0) if cut is not None else (0, 0, 0)
        for data in kept:
            csize += len(data)
            self._write(data)
        for data, block in blocks:
            crc = zlib.crc32(block, crc)
            usize += len(block)
            csize += len(data)
            self._write(data)
        e.crc, e.usize, e.csize = crc, usize, csize
        end = self.pos
        self.out.seek(e.offset)
        self.pos = e.offset
        self._local(e)
        self.out.seek(end)
        self.pos = end
        self.entries.append(e)

    def close(self) -> None:
        start = self.pos
        for e in self.entries:
            self._write(
                _CENTRAL.pack(
                    b"PK\x01\x02",
                    20,
                    3,
                    20,
                    e.flags,
                    e.method,
                    e.dostime,
                    e.dosdate,
                    e.crc,
                    e.csize,
                    e.usize,
                    len(e.name),
                    0,
                    0,
                    0,
                    0,
                    e.external,
                    e.offset,
                )
                + e.name
            )
        size, count = self.pos - start, len(self.entries)
        if count > _MAX16 or self.pos >= _MAX32:
            raise TooLarge("the package is over 4 GiB or has over 65,535 parts")
        self._write(_END.pack(b"PK\x05\x06", 0, 0, count, count, size, start, 0))


#: Rewritten parts are deflated in blocks of this size, two at a time (zlib lets go of the GIL):
#: each block is its own deflate run ended by a sync flush, so the blocks join into one stream.
BLOCK = 8 << 20


def _blocks(chunks: Chunks) -> Iterator[bytes]:
    """The chunks regrouped into blocks of about BLOCK bytes (a large chunk is cut, small ones joined)."""
    buf: list[memoryview] = []
    size = 0
    for chunk in chunks:
        view = memoryview(chunk)
        while len(view):
            take = view[: BLOCK - size]
            buf.append(take)
            size += len(take)
            view = view[len(take) :]
            if size >= BLOCK:
                yield b"".join(buf)
                buf, size = [], 0
    yield b"".join(buf)


#: Where a spliced stream resumes: the boundary, and the data before it (its last 32 KB).
Resume = tuple[zsplice.Boundary, bytes]


def _deflate_block(block: bytes, last: bool, resume: Resume | None = None) -> bytes:
    if resume is not None:
        return zsplice.deflate_resumed(block, last, resume[0], resume[1], LEVEL)
    comp = zlib.compressobj(LEVEL, zlib.DEFLATED, -15)
    return comp.compress(block) + comp.flush(zlib.Z_FINISH if last else zlib.Z_SYNC_FLUSH)


def _deflate(chunks: Chunks, resume: Resume | None = None) -> Iterator[tuple[bytes, bytes]]:
    """(compressed, original) per block, in order; the last block finishes the stream. ``resume``: the
    first block continues a stream cut at a block boundary (zsplice.deflate_resumed)."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        pending: list[tuple[Future[bytes], bytes]] = []
        blocks = _blocks(chunks)
        block = next(blocks)
        for following in blocks:
            pending.append((pool.submit(_deflate_block, block, False, resume), block))
            resume = None
            block = following
            if len(pending) >= 2:
                future, original = pending.pop(0)
                yield future.result(), original
        pending.append((pool.submit(_deflate_block, block, True, resume), block))
        for future, original in pending:
            yield future.result(), original


def _first_difference(data: bytes, at: int, chunk: bytes | memoryview) -> int:
    """How many leading bytes of ``chunk`` equal ``data`` from ``at`` on (halving: each step one memcmp)."""
    lo, hi = 0, min(len(chunk), len(data) - at)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if data.startswith(chunk[lo:mid], at + lo):
            lo = mid
        else:
            hi = mid - 1
    return lo


def _common(chunks: Chunks, data: bytes, known: int = 0) -> tuple[int, Iterator[bytes | memoryview] | None]:
    """How many leading bytes the concatenated ``chunks`` share with ``data``, and the chunks' bytes
    after those (None when the chunks end first). The first ``known`` bytes are known to be the same."""
    pos = 0
    it = iter(_chunks(chunks))
    for chunk in it:
        if pos + len(chunk) <= known or data.startswith(chunk, pos):
            pos += len(chunk)
            continue
        same = _first_difference(data, pos, chunk)
        return pos + same, chain((memoryview(chunk)[same:],), it)
    return pos, None


def rewrite(
    src: str,
    dst: BinaryIO,
    replace: Mapping[str, Chunks | bytes],
    add: Mapping[str, Chunks | bytes] = {},
    drop: Iterable[str] = (),
    origins: Mapping[str, zsplice.Indexed] = {},
) -> None:
    """Write the zip at ``src`` to the open file ``dst`` with the parts in ``replace`` rewritten (in
    place, same order), ``drop`` left out, and ``add`` appended. Every other part is copied as its
    compressed bytes. Parts are iterables of byte chunks (a ``bytes`` object is wrapped).
    ``origins``: replaced parts inflated with their block boundaries (zsplice.inflate_indexed), whose
    compressed bytes before the first change are kept."""
    dropped = set(drop)
    with zipfile.ZipFile(src) as zin, open(src, "rb") as raw:
        names = set(zin.namelist())
        missing = set(replace) - names
        if missing:
            raise KeyError(f"parts not in the package: {sorted(missing)}")
        w = _Writer(dst)
        for info in zin.infolist():
            name = info.filename
            if name in dropped:
                continue
            if name in replace and name in origins:
                w.splice(raw, info, _chunks(replace[name]), origins[name])
            elif name in replace:
                w.add(name, _chunks(replace[name]), info)
            else:
                w.copy(raw, info)
        for name, chunks in add.items():
            if name in names:
                raise KeyError(f"part {name} exists already")
            w.add(name, _chunks(chunks), None)
        w.close()


def _chunks(part: Chunks | bytes) -> Chunks:
    return (part,) if isinstance(part, (bytes, bytearray)) else part
