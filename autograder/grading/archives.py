"""Reading what students hand in without trusting it: every entry is classified with
``os.lstat`` before anything reads it, zips are extracted with caps, and JSON nesting is
measured before a parser sees it.

Nothing here follows a symbolic link or opens a file that is not a regular file: a FIFO would
block ``open()`` forever, a link may point to a file only the grader's user can read.
"""

from __future__ import annotations

import dataclasses
import os
import re
import stat
import time
import unicodedata
import zipfile
import zlib

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # a zip with members, an empty zip
# Real notebooks nest about ten levels (cells, outputs, data, widget state); the C JSON parser
# recurses once per level and raises RecursionError near a thousand.
MAX_JSON_DEPTH = 100
DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError)


def _file_kind(mode: int) -> str:
    for test, name in (
        (stat.S_ISFIFO, "a named pipe"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
    ):
        if test(mode):
            return name
    return "not a regular file"


def open_regular(path: str) -> int:
    """A read-only descriptor of ``path``, refused (OSError) unless it is a regular file: the
    open does not follow a link and does not block on a FIFO, and the check is on what was
    opened, so a file swapped after :func:`classify` is refused too."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise OSError(f"{os.path.basename(path)} is not a regular file")
    return fd


def classify(path: str) -> tuple[str, str]:
    """("dir" | "zip" | "file" | "other", why "other" is refused) of a directory entry."""
    try:
        st = os.lstat(path)
    except OSError as exc:
        return "other", f"it cannot be examined ({exc.strerror})"
    if stat.S_ISLNK(st.st_mode):
        return "other", "it is a symbolic link (links are never followed)"
    if stat.S_ISDIR(st.st_mode):
        return "dir", ""
    if not stat.S_ISREG(st.st_mode):
        return "other", f"it is {_file_kind(st.st_mode)}, not a file"
    try:
        with os.fdopen(open_regular(path), "rb") as f:
            head = f.read(4)
    except OSError as exc:
        return "other", f"it cannot be read ({exc})"
    return ("zip" if head in ZIP_MAGIC else "file"), ""


# --- JSON -------------------------------------------------------------------------------------

_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)
_NOT_BRACKET = bytes(b for b in range(256) if b not in b"[]{}")


def nesting_depth(data: bytes, limit: int = MAX_JSON_DEPTH) -> int:
    """How deep the arrays and objects of a JSON text nest (brackets in strings do not count);
    stops counting once past ``limit``."""
    depth = deepest = 0
    for byte in _STRING.sub(b"", data).translate(None, _NOT_BRACKET):
        if byte in b"[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    break
        else:
            depth -= 1
    return deepest


def read_json_bytes(path: str, max_bytes: int) -> bytes:
    """The bytes of a JSON file, refused (ValueError) when too big or nested too deep."""
    with os.fdopen(open_regular(path), "rb") as f:
        data = f.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ValueError(f"larger than {max_bytes / 2**20:.0f} MB")
    if nesting_depth(data) > MAX_JSON_DEPTH:
        raise ValueError(
            f"its JSON nests more than {MAX_JSON_DEPTH} levels deep, which no notebook does"
        )
    return data


# --- zips -------------------------------------------------------------------------------------


@dataclasses.dataclass
class Budget:
    """What is left to extract from one SUBMISSIONS argument (nested archives included)."""

    notebook_bytes: int
    bytes_left: int
    members_left: int
    max_members: int


def member_name(info: zipfile.ZipInfo) -> str:
    """The member's name; zips made without the UTF-8 flag (Windows) are decoded as cp437 by
    zipfile, which turns 张伟 into mojibake: undo that when the bytes are valid UTF-8."""
    name = info.filename
    if not info.flag_bits & 0x800:
        try:
            name = name.encode("cp437").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            pass
    return unicodedata.normalize("NFC", name.replace("\\", "/"))


def member_parts(info: zipfile.ZipInfo) -> tuple[list[str], str]:
    """(path parts to extract to, why the member is refused or ""). An absolute or drive-letter
    path (``C:\\Users\\x\\<lab>.ipynb``, written by some Windows tools) keeps only its file
    name: the folders are the author's machine, not the submission's layout."""
    if stat.S_ISLNK(info.external_attr >> 16):
        return [], "it is a symbolic link (links are never followed)"
    name = member_name(info)
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        parts = parts[-1:]
    if ".." in parts:
        return parts, "its path leaves the archive"
    return parts, ""


def _cap(parts: list[str], budget: Budget) -> int:
    big = not parts[-1].lower().endswith(".ipynb")  # a zip, by name or by its bytes
    return min(budget.bytes_left if big else budget.notebook_bytes, budget.bytes_left)


def _refusal(info: zipfile.ZipInfo, parts: list[str], budget: Budget) -> str:
    """Why a member is not extracted ("" when it is)."""
    if budget.members_left <= 0:
        return f"the archive has more than {budget.max_members} members"
    if info.file_size > _cap(parts, budget):
        return (
            f"it is {info.file_size / 2**20:.1f} MB, over the limit of "
            f"{_cap(parts, budget) / 2**20:.1f} MB"
        )
    return ""


def _copy_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, target: str, cap: int) -> bool:
    """Write one member, reading at most ``cap`` bytes (the header's size may lie)."""
    os.makedirs(os.path.dirname(target), exist_ok=True)
    written = 0
    with zf.open(info) as src, open(target, "xb") as out:
        while chunk := src.read(1024 * 1024):
            written += len(chunk)
            if written > cap:
                break
            out.write(chunk)
    if written > cap:
        os.remove(target)
        return False
    stamp = time.mktime(info.date_time + (0, 0, -1))  # the archive's time decides "newest"
    os.utime(target, (stamp, stamp))
    return True


def _extract_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, dest: str, budget: Budget) -> str:
    """Extract one member (why not, or "")."""
    parts, reason = member_parts(info)
    reason = reason or _refusal(info, parts, budget)
    if reason:
        return reason
    budget.members_left -= 1
    target = os.path.join(dest, *parts)
    try:
        if not _copy_member(zf, info, target, _cap(parts, budget)):
            return f"it unpacks to more than {_cap(parts, budget) / 2**20:.1f} MB"
    except (FileExistsError, NotADirectoryError, IsADirectoryError):
        return "another member of the archive has the same name or is its folder"
    except DAMAGED as exc:
        if os.path.isfile(target):
            os.remove(target)
        return f"it is damaged ({type(exc).__name__}: {str(exc)[:120]})"
    budget.bytes_left -= os.path.getsize(target)
    return ""


def wanted(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """Notebooks and zips (by name, or by their first bytes) are extracted; folders, other
    files and macOS debris are skipped."""
    parts = [p for p in member_name(info).split("/") if p not in ("", ".")]
    if info.is_dir() or not parts or "__MACOSX" in parts or parts[-1].startswith("."):
        return False
    if parts[-1].lower().endswith((".ipynb", ".zip")):
        return True
    try:
        with zf.open(info) as f:
            return f.read(4) in ZIP_MAGIC
    except DAMAGED:
        return False


def extract_zip(path: str, dest: str, budget: Budget) -> list[tuple[str, str]]:
    """Extract the notebooks and zips (opened later, while walking) of a zip into dest.

    Returns the refused members as (path inside the archive, reason); a zip that cannot be
    opened at all raises one of :data:`DAMAGED`."""
    refused: list[tuple[str, str]] = []
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            if not stat.S_ISLNK(info.external_attr >> 16) and not wanted(zf, info):
                continue
            reason = _extract_member(zf, info, dest, budget)
            if reason:
                refused.append((member_name(info).strip("/"), reason))
    return refused
