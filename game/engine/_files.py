"""Reading the files a case brings (its YAML, its images) as untrusted input.

A case folder may come from a stranger: its files may be links to elsewhere, pipes or devices
that never end, huge, unreadable, or not what their name says. Everything here reads within a
limit, never blocks, never follows a link out of the case folder, and reports what is wrong
instead of raising something unexpected.
"""

from __future__ import annotations

import os
import stat
import struct
from dataclasses import dataclass
from pathlib import Path


class Unreadable(Exception):
    """A file could not be read; ``kind`` says why (the caller words the message).

    Kinds: ``missing``, ``denied``, ``folder``, ``special`` (a pipe, socket or device),
    ``too-large`` (``size`` holds the size, when known), ``error`` (``detail`` holds the reason).
    """

    def __init__(self, kind: str, detail: str = "", size: int = 0) -> None:
        super().__init__(kind, detail)
        self.kind = kind
        self.detail = detail
        self.size = size


_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOCTTY", 0)


def read_limited(path: str | Path, limit: int) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes.

    The file is opened without blocking (a named pipe would otherwise wait forever for a writer)
    and checked on the open descriptor, so it cannot be swapped for a pipe or a device between
    the check and the read; at most ``limit + 1`` bytes are ever read (``/dev/zero`` ends too).

    Raises:
        Unreadable: with the reason.
    """
    if os.path.isdir(path):
        raise Unreadable("folder")
    try:
        fd = os.open(path, _FLAGS)
    except FileNotFoundError:
        raise Unreadable("missing") from None
    except PermissionError:
        raise Unreadable("denied") from None
    except OSError as exc:
        raise Unreadable("error", exc.strerror or str(exc)) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise Unreadable("folder")
        if not stat.S_ISREG(info.st_mode):
            raise Unreadable("special")
        if info.st_size > limit:
            raise Unreadable("too-large", size=info.st_size)
        chunks, total = [], 0
        while total <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > limit:
            raise Unreadable("too-large", size=max(total, info.st_size))
        return b"".join(chunks)
    except BlockingIOError:  # pragma: no cover - a regular file never blocks
        raise Unreadable("special") from None
    except PermissionError:
        raise Unreadable("denied") from None
    except OSError as exc:
        raise Unreadable("error", exc.strerror or str(exc)) from None
    finally:
        os.close(fd)


def inside(path: str | Path, folder: str | Path) -> bool:
    """Whether ``path``, once every link is followed, is ``folder`` or inside it."""
    real = os.path.realpath(path)
    base = os.path.realpath(folder)
    return real == base or real.startswith(base.rstrip(os.sep) + os.sep)


@dataclass(frozen=True, slots=True)
class ImageInfo:
    """What an image's first bytes say it is."""

    kind: str  # "png" or "jpeg"
    width: int
    height: int


_PNG = b"\x89PNG\r\n\x1a\n"
# JPEG start-of-frame markers (they carry the size); C4, C8 and CC are other segments.
_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


def sniff_image(data: bytes) -> ImageInfo | None:
    """The kind and size of a PNG or JPEG from its bytes (magic numbers and header), or None.

    Only the headers are read: a picture whose header passes may still be damaged further on
    (the window then shows a placeholder), but nothing that is not a PNG or a JPEG gets through,
    and the size is known before any decoder allocates memory for it.
    """
    if data.startswith(_PNG):
        if len(data) < 24 or data[12:16] != b"IHDR":
            return None
        width, height = struct.unpack(">II", data[16:24])
        return ImageInfo("png", width, height)
    if data.startswith(b"\xff\xd8\xff"):
        return _jpeg(data)
    return None


def _jpeg(data: bytes) -> ImageInfo | None:
    i, end = 2, len(data)
    while i + 4 <= end:
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker in (0x01, *range(0xD0, 0xD8)):  # markers without a length
            i += 2
            continue
        if marker in (0xD9, 0xDA):  # end of image, start of scan: no size found before
            return None
        (length,) = struct.unpack(">H", data[i + 2:i + 4])
        if length < 2:
            return None
        if marker in _SOF:
            if i + 9 > end:
                return None
            height, width = struct.unpack(">HH", data[i + 5:i + 9])
            return ImageInfo("jpeg", width, height)
        i += 2 + length
    return None
