"""Deflate streams cut at a block boundary: a part changed near its end is deflated again from there on.

A sheet of 100,000 orders is 600 MB of XML, and an import that appends one row changes its last few
kilobytes. zlib can stop inflating at each deflate block boundary and say where it is, to the bit
(``Z_BLOCK``), and a new deflate run can start in the middle of a byte (``deflatePrime``) with the
32 KB before it as its history (``deflateSetDictionary``): the compressed bytes before the boundary
are kept as they are, and only what follows is deflated. This is the technique of zlib's own
``examples/gzappend.c``. Python's zlib module offers none of the three calls, so they are made
through ctypes on the zlib library itself; where it cannot be loaded, ``available()`` is False and
parts are inflated and deflated whole, as before.
"""

from __future__ import annotations

import bisect
import ctypes
import ctypes.util
import sys
import zlib
from dataclasses import dataclass, field
from functools import cache

_Z_OK, _Z_STREAM_END, _Z_BUF_ERROR = 0, 1, -5
_Z_NO_FLUSH, _Z_SYNC_FLUSH, _Z_FINISH, _Z_BLOCK = 0, 2, 4, 5
#: deflate keeps 32 KB of history: a run resumed at a boundary is given that much of what came before.
WINDOW = 32 << 10
#: A boundary is noted about this often: a change re-deflates at most this much data before it.
SPACING = 4 << 20
_OUT = 1 << 20


class _Stream(ctypes.Structure):
    """zlib's ``z_stream``."""

    _fields_ = [
        ("next_in", ctypes.c_void_p),
        ("avail_in", ctypes.c_uint),
        ("total_in", ctypes.c_ulong),
        ("next_out", ctypes.c_void_p),
        ("avail_out", ctypes.c_uint),
        ("total_out", ctypes.c_ulong),
        ("msg", ctypes.c_char_p),
        ("state", ctypes.c_void_p),
        ("zalloc", ctypes.c_void_p),
        ("zfree", ctypes.c_void_p),
        ("opaque", ctypes.c_void_p),
        ("data_type", ctypes.c_int),
        ("adler", ctypes.c_ulong),
        ("reserved", ctypes.c_ulong),
    ]


_NAMES = {"win32": ("zlib1.dll", "zlib.dll"), "darwin": ("libz.1.dylib", "libz.dylib")}


@cache
def _lib() -> ctypes.CDLL | None:
    """The zlib library (ctypes.CDLL lets go of the GIL in each call), or None."""
    names = [*_NAMES.get(sys.platform, ("libz.so.1", "libz.so")), ctypes.util.find_library("z")]
    for name in names:
        if not name:
            continue
        try:
            lib = ctypes.CDLL(name)
            lib.zlibVersion.restype = ctypes.c_char_p
            for fn in ("inflateInit2_", "inflate", "inflateEnd", "deflateInit2_", "deflate", "deflateEnd"):
                getattr(lib, fn).restype = ctypes.c_int
            lib.deflateSetDictionary.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_uint]
            lib.deflatePrime.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int]
        except (OSError, AttributeError):
            continue
        return lib
    return None


def available() -> bool:
    return _lib() is not None


class SpliceError(Exception):
    """zlib refused a step (a damaged stream): the caller inflates or deflates the part whole."""


@dataclass(frozen=True)
class Boundary:
    """Where a deflate block ends: ``keep`` whole compressed bytes, then ``bits`` (0-7) low bits of the
    next byte, whose value is ``value``; ``out`` bytes of data before it, whose CRC-32 is ``crc``."""

    keep: int
    bits: int
    value: int
    out: int
    crc: int


@dataclass
class Indexed:
    """A part inflated with its block boundaries (``inflate_indexed``)."""

    data: bytes
    boundaries: list[Boundary] = field(default_factory=list)

    def before(self, offset: int) -> Boundary | None:
        """The last boundary at or before ``offset`` of the data (None: there is none)."""
        i = bisect.bisect_right([b.out for b in self.boundaries], offset)
        return self.boundaries[i - 1] if i else None


def _init(lib: ctypes.CDLL, strm: _Stream, inflating: bool, level: int = 1) -> None:
    version = lib.zlibVersion()
    size = ctypes.sizeof(_Stream)
    if inflating:
        ret = lib.inflateInit2_(ctypes.byref(strm), -15, version, size)
    else:
        ret = lib.deflateInit2_(ctypes.byref(strm), level, 8, -15, 8, 0, version, size)
    if ret != _Z_OK:
        raise SpliceError(f"zlib init failed ({ret})")


def inflate_indexed(raw: bytes, size: int, crc: int) -> Indexed:
    """Inflate the raw deflate stream ``raw`` (a zip member's compressed bytes) of ``size`` bytes and
    CRC-32 ``crc`` (the zip's), noting a block boundary about every ``SPACING`` bytes of data.
    Raises SpliceError on a stream that does not end where the zip says, or whose CRC differs.

    Between boundaries zlib inflates many blocks in one call: each call lets go of the GIL and must
    take it back, which can take milliseconds while another thread runs Python code (an import's
    check of its rows), so stopping at every one of a big sheet's thousands of blocks would be slow."""
    lib = _lib()
    if lib is None:
        raise SpliceError("no zlib library")
    if size == 0:
        try:
            return Indexed(zlib.decompress(raw, -15))
        except zlib.error as exc:
            raise SpliceError(str(exc)) from None
    out = bytearray(size)
    view = memoryview(out)
    strm = _Stream()
    _init(lib, strm, True)
    src = ctypes.c_char_p(raw)  # points into ``raw`` itself, no copy
    dst = (ctypes.c_char * size).from_buffer(out)
    strm.next_in = ctypes.cast(src, ctypes.c_void_p).value
    strm.avail_in = len(raw)
    strm.next_out = ctypes.addressof(dst)
    found: list[Boundary] = []
    running, done, mark = 0, 0, SPACING
    try:
        while True:
            free = strm.total_out < min(mark, size)
            # up to the next mark freely; from there to the end of the block under way (Z_BLOCK)
            strm.avail_out = (min(mark, size) if free else size) - strm.total_out
            ret = lib.inflate(ctypes.byref(strm), _Z_NO_FLUSH if free else _Z_BLOCK)
            if ret == _Z_STREAM_END:
                break
            if ret != _Z_OK:  # Z_BUF_ERROR: the data ends before the stream does, or the other way round
                raise SpliceError(f"inflate failed ({ret})")
            if not free and strm.data_type & 128 and not strm.data_type & 64:
                at, unused = strm.total_out, strm.data_type & 7
                running = zlib.crc32(view[done:at], running)
                done, mark = at, at + SPACING
                taken = strm.total_in
                keep = taken - 1 if unused else taken
                value = raw[taken - 1] & ((1 << (8 - unused)) - 1) if unused else 0
                found.append(Boundary(keep, 8 - unused if unused else 0, value, at, running))
    finally:
        lib.inflateEnd(ctypes.byref(strm))
        del dst
    if strm.total_out != size:
        raise SpliceError("the stream does not end where the zip says")
    if zlib.crc32(view[done:], running) & 0xFFFFFFFF != crc:
        raise SpliceError("CRC mismatch")
    view.release()
    return Indexed(bytes(out), found)  # (one copy: the rest of the package code reads bytes)


def deflate_resumed(block: bytes, last: bool, start: Boundary, history: bytes, level: int) -> bytes:
    """``block`` deflated as the continuation of a stream cut at ``start``: its first byte carries the
    boundary's leftover bits, and ``history`` (up to 32 KB of data before the boundary) is the window.
    Ends the stream (``last``) or with a sync flush, so more deflate runs can follow."""
    lib = _lib()
    if lib is None:
        raise SpliceError("no zlib library")
    strm = _Stream()
    _init(lib, strm, False, level)
    pieces: list[bytes] = []
    buf = ctypes.create_string_buffer(_OUT)
    try:
        if history and lib.deflateSetDictionary(ctypes.byref(strm), history, len(history)) != _Z_OK:
            raise SpliceError("deflateSetDictionary failed")
        if start.bits and lib.deflatePrime(ctypes.byref(strm), start.bits, start.value) != _Z_OK:
            raise SpliceError("deflatePrime failed")
        src = ctypes.c_char_p(block)
        strm.next_in = ctypes.cast(src, ctypes.c_void_p).value
        strm.avail_in = len(block)
        flush = _Z_FINISH if last else _Z_SYNC_FLUSH
        while True:
            strm.next_out = ctypes.addressof(buf)
            strm.avail_out = _OUT
            ret = lib.deflate(ctypes.byref(strm), flush)
            if ret not in (_Z_OK, _Z_STREAM_END, _Z_BUF_ERROR):
                raise SpliceError(f"deflate failed ({ret})")
            pieces.append(buf.raw[: _OUT - strm.avail_out])
            if ret == _Z_STREAM_END or (not last and strm.avail_in == 0 and strm.avail_out != 0):
                break
    finally:
        lib.deflateEnd(ctypes.byref(strm))
    return b"".join(pieces)
