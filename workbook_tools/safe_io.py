"""Write files without losing any (DESIGN.md, principle 2).

- ``atomic_path``: a temporary file beside the target, then one rename. Through a symlink it writes
  the link's target and leaves the link a link; the new file keeps the old one's mode and owner;
  file and folder are fsynced; the temporary file goes on every error path, and those of a killed
  run are removed the next time the same target is written. A crash or a kill leaves the old file.
- ``locked``: one orderbook writer per book at a time, none while Excel, WPS or LibreOffice has it
  open, and just before the rename a check that the book is still what was read.
- ``backup``: a timestamped copy beside the book.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import secrets
import shutil
import socket
import stat
import threading
import time
import zipfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import BookChangedError, BookLockedError, DiskFullError, OutputError, OutputExistsError, about, os_reason
from .lang import Said

if TYPE_CHECKING:
    from filelock import BaseFileLock

#: "No room": the disk, the user's quota, the file-size limit (RLIMIT_FSIZE with SIGXFSZ ignored).
DISK_FULL = frozenset({errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)})
#: A temporary file this old (seconds) is a killed run's, whichever process made it.
STALE_AFTER = 3600.0
#: How long (seconds) a writer waits for another orderbook command writing the same book.
LOCK_TIMEOUT = 60.0
#: Longest file name (bytes) most file systems take; temp names keep under it.
_NAME_MAX = 255
#: This machine, in temp names: a pid is only known dead when it is one of ours (shared folders).
_HOST = hashlib.blake2b(socket.gethostname().encode(), digest_size=2).hexdigest()


# ------------------------------------------------------------------------------------------ errors


def output_error(target: str | os.PathLike[str], exc: OSError) -> OutputError:
    """``exc`` (raised while writing ``target``) as one line; no room on the disk gets its own."""
    reason = os_reason(exc)
    if exc.errno in DISK_FULL:
        return DiskFullError(
            Said(
                f"{target}：{reason.zh}，未写入，原文件未改动",
                f"{target}: disk full ({reason.en}): nothing was written and the old file is as it was",
            )
        )
    return OutputError(Said(f"无法写入 {target}：{reason.zh}", f"cannot write {target}: {reason.en}"))


# --------------------------------------------------------------------------------- temporary names


def real_target(target: str | os.PathLike[str]) -> Path:
    """The file a write to ``target`` lands on: the end of its symlink chain, absolute."""
    return Path(os.path.realpath(target))


def _tmp_base(name: str) -> str:
    """``name`` cut (at a character) so that ``.{base}.{pid}-{host}-{token}.d.tmp`` fits in a file name."""
    room = _NAME_MAX - 40
    while len(name.encode("utf-8", "surrogateescape")) > room:
        name = name[:-1]
    return name


def _tmp_pattern(name: str) -> re.Pattern[str]:
    """Our temporary names for target ``name``: ``.NAME.PID-HOST-TOKEN.tmp`` (``.d.tmp``: xlsxwriter's
    scratch folder), and ``.NAME.XXXXXXXX.tmp`` of earlier versions (mkstemp's, without a pid)."""
    base = re.escape(_tmp_base(name))
    return re.compile(rf"\.{base}\.(?:(?P<pid>\d+)-(?P<host>[0-9a-f]{{4}})-[0-9a-z]{{6}}(?:\.d)?|[0-9a-z_]{{8}})\.tmp")


def _backup_tmp_pattern(target: Path) -> re.Pattern[str]:
    """The temporary names of ``target``'s backups being written (``.STEM.YYYYmmdd-HHMMSS.bakSUFFIX.PID-…tmp``):
    a run killed while it made the backup leaves one."""
    stem = re.escape(target.stem)
    return re.compile(
        rf"\.{stem}\.\d{{8}}-\d{{6}}(?:-\d+)?\.bak[^/]*?\."
        rf"(?P<pid>\d+)-(?P<host>[0-9a-f]{{4}})-[0-9a-z]{{6}}\.tmp"
    )


def _new_tmp_name(name: str) -> str:
    token = "".join(secrets.choice("0123456789abcdefghijklmnopqrstuvwxyz") for _ in range(6))
    return f".{_tmp_base(name)}.{os.getpid()}-{_HOST}-{token}.tmp"


def _pid_alive(pid: int) -> bool:
    if os.name != "posix":  # os.kill(pid, 0) would end the process on Windows: trust the age there
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # EPERM: alive, someone else's
        return True
    return True


def clean_stale(target: str | os.PathLike[str], *, now: float | None = None) -> list[Path]:
    """Remove the temporary files (and scratch folders) a killed write to ``target`` left beside it — its
    own and its backups' — those of a process of this machine that is gone, and any older than
    ``STALE_AFTER``. Returns them."""
    target = Path(target)
    patterns = (_tmp_pattern(target.name), _backup_tmp_pattern(target))
    now = time.time() if now is None else now
    removed: list[Path] = []
    try:
        entries = list(os.scandir(target.parent))
    except OSError:
        return removed
    for entry in entries:
        m = next((m for p in patterns if (m := p.fullmatch(entry.name))), None)
        if not m:
            continue
        try:
            age = now - entry.stat(follow_symlinks=False).st_mtime
        except OSError:
            continue
        pid = int(m["pid"]) if m["pid"] else None
        dead = pid is not None and m["host"] == _HOST and pid != os.getpid() and not _pid_alive(pid)
        if not (dead or age > STALE_AFTER):
            continue
        with contextlib.suppress(OSError):
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path)
            else:
                os.unlink(entry.path)
            removed.append(Path(entry.path))
    return removed


@contextlib.contextmanager
def scratch_dir(tmp: str | os.PathLike[str]) -> Iterator[Path]:
    """A private folder beside the temporary file ``tmp`` for a writer's own scratch files
    (xlsxwriter's ``tmpdir``): never in $TMPDIR, removed afterwards, and named so that
    ``clean_stale`` removes it when a kill left it behind."""
    tmp = Path(tmp)
    path = tmp.with_name(tmp.name[: -len(".tmp")] + ".d.tmp")
    try:
        os.mkdir(path, 0o700)
    except OSError as exc:
        raise output_error(tmp, exc) from exc
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


# ----------------------------------------------------------------------------- mode, owner, fsync


def current_umask() -> int:
    """The process's umask, read without changing it (``os.umask`` sets it, for every thread)."""
    with contextlib.suppress(OSError, ValueError):
        with open("/proc/self/status", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    return 0o022


def _take_over(tmp: Path, old: os.stat_result | None) -> None:
    """Give ``tmp`` the mode (and, where allowed, the owner and group) of the file it replaces;
    a new file gets what ``open`` would give it (0666 less the umask)."""
    if old is None:
        os.chmod(tmp, 0o666 & ~current_umask())
        return
    mine = os.stat(tmp)
    if (mine.st_uid, mine.st_gid) != (old.st_uid, old.st_gid):
        try:
            os.chown(tmp, old.st_uid, old.st_gid)
        except PermissionError:
            with contextlib.suppress(PermissionError):  # a group we belong to we may still set
                os.chown(tmp, -1, old.st_gid)
    os.chmod(tmp, stat.S_IMODE(old.st_mode))  # after chown, which clears set-id bits


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable; some file systems cannot, which is no reason to fail."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _stat(path: Path) -> os.stat_result | None:
    try:
        return os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None


def refuse_non_regular(target: str | os.PathLike[str], st: os.stat_result | None) -> None:
    if st is not None and not stat.S_ISREG(st.st_mode):
        zh, en = (
            ("文件夹", "a folder")
            if stat.S_ISDIR(st.st_mode)
            else ("设备", "a device")
            if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode)
            else ("管道", "a FIFO")
            if stat.S_ISFIFO(st.st_mode)
            else ("特殊文件", "a special file")
        )
        raise OutputExistsError(
            Said(
                f"无法写入 {target}：它不是普通文件（{zh}），不会被替换",
                f"cannot write {target}: not a regular file ({en}); it is never replaced",
            )
        )


# ----------------------------------------------------------------------------------- atomic write


@contextlib.contextmanager
def atomic_path(
    target: str | os.PathLike[str], *, guard: Guard | None = None, like: str | os.PathLike[str] | None = None
) -> Iterator[Path]:
    """Yield a temporary path beside ``target`` (beside the symlink's target, when it is a link);
    rename it onto the target when the block ends without an error.

    The new file keeps the old one's mode and owner (``like``: take them from that file instead,
    for a new file such as a backup). A target that is not a regular file (folder, device, FIFO)
    is refused. ``guard`` (default: the one of ``locked()`` on this file in this thread, if any)
    is checked just before the rename: a book changed meanwhile is not replaced. Errors, a full
    disk among them, become one ``OutputError`` line; the temporary file is removed on every path.
    """
    real = real_target(target)
    guard = guard if guard is not None else _held_guard(real)
    try:
        refuse_non_regular(target, _stat(real))
        real.parent.mkdir(parents=True, exist_ok=True)
        clean_stale(real)
        tmp = real.with_name(_new_tmp_name(real.name))
        os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))  # private until it is done
    except OSError as exc:
        raise output_error(target, exc) from exc
    try:
        try:
            yield tmp
        except OSError as exc:
            if exc.errno in DISK_FULL:  # the writer ran out of room: say so in one line
                raise output_error(target, exc) from exc
            raise
        try:
            old = _stat(Path(like)) if like is not None else _stat(real)
            refuse_non_regular(target, _stat(real))  # it may have become one meanwhile
            _take_over(tmp, old)
            _fsync_file(tmp)  # on disk before the rename makes it visible
            if guard is not None and guard.path == real:
                guard.check_unchanged()
            os.replace(tmp, real)
        except OSError as exc:
            raise output_error(target, exc) from exc
        _fsync_dir(real.parent)
        if guard is not None and guard.path == real:
            guard._renewed()
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def backup(path: str | os.PathLike[str], *, now: datetime | None = None) -> Path:
    """Copy ``path`` to ``name.YYYYmmdd-HHMMSS.bak.xlsx`` beside it and return the copy's path; the
    copy has the book's mode and owner. An existing backup is never overwritten (two backups in one
    second: ``…-HHMMSS-2.bak.xlsx``)."""
    path = Path(path)
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    dest = path.with_name(f"{path.stem}.{stamp}.bak{path.suffix}")
    n = 2
    while os.path.lexists(dest):
        dest = path.with_name(f"{path.stem}.{stamp}-{n}.bak{path.suffix}")
        n += 1
    with atomic_path(dest, like=path) as tmp:
        if not _tagged_copy(path, tmp, dest.name):
            shutil.copyfile(path, tmp)
    return dest


def _tagged_copy(path: Path, tmp: Path, name: str) -> bool:
    """Copy the book to ``tmp`` tagged as a backup (``orderbook:kind = backup``, and the backup's own
    file name, so a backup someone renamed back into service is known as a book again). Every part
    but the custom properties is copied as it was. False when the package is not one we can tag."""
    from .xlsxpkg.package import Package, Unsupported
    from .xlsxpkg.props import set_properties

    try:
        with Package(path) as pkg:
            set_properties(pkg, {"orderbook:kind": "backup", "orderbook:file": name})
            with open(tmp, "wb") as out:
                pkg.write_to(out)
    except (Unsupported, zipfile.BadZipFile):
        return False
    return True


# ------------------------------------------------------------------------------------------ locks


def _fingerprint(path: Path) -> tuple[int, int, str] | None:
    """(size, mtime_ns, sha256) of the file, or None when it does not exist."""
    try:
        with open(path, "rb") as fh:
            st = os.fstat(fh.fileno())
            digest = hashlib.file_digest(fh, "sha256").hexdigest()
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as exc:
        reason = os_reason(exc)
        raise OutputError(Said(f"无法读取 {path}：{reason.zh}", f"cannot read {path}: {reason.en}")) from exc
    return st.st_size, st.st_mtime_ns, digest


class Guard:
    """What ``locked()`` knew of the book when it took the lock; ``check_unchanged`` compares."""

    def __init__(self, path: Path, *, force: bool = False, opened_as: Path | None = None):
        self.path = path
        self.force = force
        self._names = [path] if opened_as in (None, path) else [path, opened_as]
        self._seen = _fingerprint(path)

    def check_unchanged(self) -> None:
        """Raise BookChangedError when the book is not what it was when the lock was taken (size,
        mtime, content; or it appeared or vanished), and BookLockedError when Excel, WPS or
        LibreOffice opened it meanwhile (unless ``force``)."""
        if _fingerprint(self.path) != self._seen:
            raise BookChangedError(
                about(
                    self.path,
                    (
                        "读取之后文件被改动过（有人保存、替换或删除了它），未写入；请重新运行",
                        "the book changed on disk after it was read (someone saved, replaced or removed it): nothing was "
                        "written; run the command again",
                    ),
                )
            )
        if not self.force:
            for name in self._names:
                refuse_if_open(name)

    def _renewed(self) -> None:
        """After our own rename: the new file is the one to compare with from now on."""
        self._seen = _fingerprint(self.path)


_held: dict[tuple[int, Path], tuple[Guard, int]] = {}
_held_lock = threading.Lock()


def _held_guard(real: Path) -> Guard | None:
    with _held_lock:
        held = _held.get((threading.get_ident(), real))
    return held[0] if held else None


def lock_file_path(book: str | os.PathLike[str]) -> Path:
    """Our lock file for ``book``: hidden, beside it; it holds nothing, the flock on it is the lock."""
    book = Path(book)
    return book.with_name(f".{book.name}.orderbook-lock")


@contextlib.contextmanager
def locked(path: str | os.PathLike[str], *, force: bool = False, timeout: float = LOCK_TIMEOUT) -> Iterator[Guard]:
    """Exclusive lock for a read-modify-write of the book at ``path`` (the symlink's target when
    ``path`` is a link). Refuses (BookLockedError) while ``~$NAME`` / ``.~lock.NAME#`` is beside it,
    unless ``force``; waits up to ``timeout`` seconds for another orderbook command writing it.
    Records the book's fingerprint on entry (None if it does not exist yet); ``atomic_path`` on the
    book inside the block checks it before its rename. Re-entrant in one thread for the same book.
    The lock file (hidden, ``.NAME.orderbook-lock``) is removed again on the way out."""

    real = real_target(path)
    key = (threading.get_ident(), real)
    with _held_lock:
        held = _held.get(key)
        if held:
            _held[key] = (held[0], held[1] + 1)
    if held:
        try:
            yield held[0]
        finally:
            with _held_lock:
                guard, depth = _held[key]
                _held[key] = (guard, depth - 1)
        return
    st = _stat(real)
    refuse_non_regular(path, st)  # no lock file beside /dev/null, nor inside a folder named like the book
    if not force:
        refuse_if_open(real, shown=path)
        if Path(path).absolute() != real:  # opened through the link: the lock file is beside the link
            refuse_if_open(Path(path).absolute(), shown=path)
    try:
        real.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise output_error(path, exc) from exc
    mode = stat.S_IMODE(st.st_mode) & 0o666 if st else 0o666 & ~current_umask()
    lock, ours = _acquire(lock_file_path(real), mode, timeout, path)
    try:
        guard = Guard(real, force=force, opened_as=Path(path).absolute())
        with _held_lock:
            _held[key] = (guard, 1)
        try:
            yield guard
        finally:
            with _held_lock:
                del _held[key]
    finally:
        if ours:  # unlinked while still held: a waiter on the old inode sees it gone and tries again
            with contextlib.suppress(OSError):
                os.unlink(lock_file_path(real))
        lock.release()


def _acquire(lock_path: Path, mode: int, timeout: float, shown: str | os.PathLike[str]) -> tuple[BaseFileLock, bool]:
    """Take the flock on ``lock_path`` (filelock) and return it with whether the file may be
    removed on release: only when the descriptor we locked is still the file at ``lock_path``
    (every orderbook process checks this, so removing it is safe; a locked inode that someone
    removed meanwhile is let go and the lock taken again)."""
    from filelock import FileLock, Timeout

    deadline = time.monotonic() + max(timeout, 0)
    while True:
        lock = FileLock(str(lock_path), mode=mode)
        try:
            lock.acquire(timeout=max(deadline - time.monotonic(), 0))
        except Timeout:
            raise BookLockedError(
                Said(
                    f"{shown}：另一个 orderbook 命令正在写入这个订单簿（等待 {timeout:g} 秒后放弃）",
                    f"{shown}: another orderbook command is writing {shown} (gave up after {timeout:g} s)",
                )
            ) from None
        except OSError as exc:
            reason = os_reason(exc)
            raise OutputError(Said(f"无法给 {shown} 加锁：{reason.zh}", f"cannot lock {shown}: {reason.en}")) from exc
        state = _locked_inode(lock, lock_path)
        if state != "moved":
            return lock, state == "ours"
        lock.release()


def _locked_inode(lock: BaseFileLock, lock_path: Path) -> str:
    """``ours``: the locked descriptor is the file at ``lock_path``; ``moved``: it is not (removed by
    the holder before us); ``unknown``: filelock does not say (another platform or version, or its
    lock-file-less fallback): then the file is left in place."""
    context = getattr(lock, "_context", None)
    fd = getattr(context, "lock_file_fd", None)
    if os.name != "posix" or not isinstance(fd, int) or getattr(context, "soft_fallback", False):
        return "unknown"
    try:
        held = os.fstat(fd)
        there = os.stat(lock_path)
    except FileNotFoundError:
        return "moved"
    except OSError:
        return "unknown"
    same = held.st_nlink > 0 and (held.st_dev, held.st_ino) == (there.st_dev, there.st_ino)
    return "ours" if same else "moved"


# ------------------------------------------------------------------- Excel, WPS, LibreOffice locks


def office_lock_files(book: Path) -> list[Path]:
    """Lock files an office program keeps beside ``book`` while it has it open: Excel's and WPS's
    ``~$NAME`` and LibreOffice's ``.~lock.NAME#``."""
    names = [f"~${book.name}", f".~lock.{book.name}#"]
    return [p for p in (book.with_name(n) for n in names) if p.is_file()]


def lock_owner(lock: Path) -> str | None:
    """Who has the book open, from an office lock file (None when it does not say)."""
    try:
        data = lock.read_bytes()[:4096]
    except OSError:
        return None
    if lock.name.startswith(".~lock."):
        return _libreoffice_owner(data)
    return _excel_owner(data)


def _libreoffice_owner(data: bytes) -> str | None:
    """``,Full Name,login,host,date,profile-url;``: the name set in LibreOffice's options, else the
    login name, with the host (commas in fields are escaped with a backslash)."""
    text = data.decode("utf-8", "replace").strip().rstrip(";")
    fields = [f.replace("\\,", ",").replace("\\\\", "\\") for f in re.split(r"(?<!\\),", text)]
    name = next((f.strip() for f in fields[:2] if f.strip()), None)
    host = fields[2].strip() if len(fields) > 2 else ""
    if name and host:
        return f"{name} @ {host}"
    return name


def _excel_owner(data: bytes) -> str | None:
    """Excel's / WPS's owner file (165 bytes): byte 0 the length of the user name, the name in the
    Windows code page from byte 1, spaces up to byte 55 (Word: zeros up to 54); there a 2-byte length
    and the name again in UTF-16LE. The UTF-16 copy is preferred: it holds Chinese names intact."""
    for at in (55, 54, 53, 56):
        if len(data) >= at + 2:
            n = int.from_bytes(data[at : at + 2], "little")
            raw = data[at + 2 : at + 2 + 2 * n]
            if 0 < n <= 64 and len(raw) == 2 * n:
                with contextlib.suppress(UnicodeDecodeError):
                    name = raw.decode("utf-16-le")
                    if name.strip() and name.isprintable():
                        return name.strip()
    if data:
        n = data[0]
        raw = data[1 : 1 + n]
        if 0 < n and len(raw) == n:
            for codec in ("utf-8", "gb18030", "cp1252"):
                with contextlib.suppress(UnicodeDecodeError):
                    name = raw.decode(codec)
                    if name.strip() and name.isprintable():
                        return name.strip()
    return None


def refuse_if_open(book: Path, *, shown: str | os.PathLike[str] | None = None) -> None:
    """BookLockedError when Excel, WPS or LibreOffice has ``book`` open (its lock file is beside it)."""
    shown = shown if shown is not None else book
    for lock in office_lock_files(Path(book)):
        owner = lock_owner(lock)
        app = "LibreOffice" if lock.name.startswith(".~lock.") else "Excel / WPS"
        raise BookLockedError(
            about(
                shown,
                Said(
                    f"{owner or '有人'}正在用 {app} 打开这个订单簿（锁定文件 {lock.name}），请先关闭；确认无人打开时可加 --force",
                    f"open in {app} by {owner or 'someone'} (lock file {lock.name}): close it first, or use --force "
                    "if nobody has it open",
                ),
            )
        )
