"""Bytes to text: where the bytes come from, which encoding they use, and UTF-8 blocks for parsing.

Rules (see ``docs/ingestion.md``):

- a byte-order mark decides: UTF-8, UTF-16 (LE/BE) or UTF-32 (LE/BE);
- without one, a head whose odd (or even) bytes are almost all NUL is UTF-16 without BOM;
- otherwise the whole file must decode as strict UTF-8; when it does not, and everything
  before the first bad byte is plain ASCII, it is read as Windows-1252 (which agrees with
  latin-1 on every printable character) and the fall-back is reported as a warning;
- anything else is refused, naming the byte offset. Replacement characters are never used.
"""

from __future__ import annotations

import codecs
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from data.ingest.errors import IngestError

BLOCK_BYTES = 8 * 1024 * 1024
"""Raw bytes read per block when streaming a file (8 MiB)."""

_BOMS: tuple[tuple[bytes, str, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32 LE (with BOM)"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32 BE (with BOM)"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8 (with BOM)"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16 LE (with BOM)"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16 BE (with BOM)"),
)


class Source:
    """Raw bytes of a CSV, in memory or on disk, readable in blocks any number of times.

    Parameters
    ----------
    source : bytes or Path
        The file's content, or its path.
    """

    def __init__(self, source: bytes | bytearray | memoryview | Path | str) -> None:
        if isinstance(source, bytes | bytearray | memoryview):
            self._data: bytes | None = bytes(source)
            self._path: Path | None = None
            self.size = len(self._data)
            self.name = "upload"
        elif isinstance(source, Path | str):
            self._path = Path(source)
            self._data = None
            if not self._path.is_file():
                raise IngestError(
                    f"`source` must be an existing file; got {str(self._path)!r}.",
                    check="not_found",
                )
            self.size = self._path.stat().st_size
            self.name = self._path.name
        else:
            raise TypeError(f"`source` must be bytes or a pathlib.Path; got {type(source)!r}.")

    def head(self, n: int) -> bytes:
        """The first ``n`` bytes (fewer when the file is shorter)."""
        if self._data is not None:
            return self._data[:n]
        with Path(str(self._path)).open("rb") as handle:
            return handle.read(n)

    def blocks(self, size: int = BLOCK_BYTES, *, start: int = 0) -> Iterator[bytes]:
        """The bytes from offset ``start`` on, in blocks of ``size`` bytes."""
        if self._data is not None:
            for offset in range(start, len(self._data), size):
                yield self._data[offset : offset + size]
            return
        with Path(str(self._path)).open("rb") as handle:
            handle.seek(start)
            while block := handle.read(size):
                yield block


@dataclass(frozen=True)
class Encoding:
    """How a file's bytes become text.

    Attributes
    ----------
    codec : str
        Python codec name used to decode (after the BOM).
    bom : int
        Bytes of byte-order mark skipped at the start.
    label : str
        Human-readable name, e.g. ``"UTF-8"`` or ``"Windows-1252 (fall-back)"``.
    fallback : str or None
        Warning text when the file was not UTF-8 and a fall-back encoding was used.
    """

    codec: str
    bom: int
    label: str
    fallback: str | None = None

    @property
    def wide(self) -> bool:
        """True for UTF-16 and UTF-32, whose NUL bytes are part of the text."""
        return self.codec.startswith(("utf-16", "utf-32"))


def sniff_encoding(head: bytes) -> Encoding | None:
    """The encoding a BOM or a UTF-16 NUL pattern announces, else None (decided by decoding)."""
    for bom, codec, label in _BOMS:
        if head.startswith(bom):
            return Encoding(codec=codec, bom=len(bom), label=label)
    sample = head[:4096]
    if len(sample) >= 8:
        even, odd = sample[0::2], sample[1::2]
        if odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
            return Encoding(codec="utf-16-le", bom=0, label="UTF-16 LE (no BOM)")
        if even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
            return Encoding(codec="utf-16-be", bom=0, label="UTF-16 BE (no BOM)")
    return None


def _first_error(source: Source, codec: str, start: int) -> tuple[int, bytes, bool] | None:
    """Offset and byte of the first undecodable byte, and whether all text before it is ASCII."""
    decoder = codecs.getincrementaldecoder(codec)(errors="strict")
    offset = start
    ascii_so_far = True
    for block in itertools.chain(source.blocks(start=start), [None]):
        pending = decoder.getstate()[0]
        data = pending + (block or b"")
        try:
            text = decoder.decode(block or b"", final=block is None)
        except UnicodeDecodeError as error:
            ascii_so_far = ascii_so_far and data[: error.start].isascii()
            at = offset - len(pending) + error.start
            return at, data[error.start : error.start + 1], ascii_so_far
        ascii_so_far = ascii_so_far and text.isascii()
        offset += len(block or b"")
    return None


def resolve_encoding(source: Source, head: bytes) -> Encoding:
    """Decide how to decode ``source``; refuse it, naming the byte offset, when nothing fits.

    Raises
    ------
    IngestError
        With check ``"encoding"`` when the file is neither valid in its announced encoding,
        nor UTF-8, nor Windows-1252 text after an ASCII start.
    """
    announced = sniff_encoding(head)
    if announced is not None:
        bad = _first_error(source, announced.codec, announced.bom)
        if bad is not None:
            raise IngestError(
                f"The file announces {announced.label} but byte {bad[1]!r} at byte offset "
                f"{bad[0]:,} is not valid {announced.label}; save the file again as UTF-8.",
                check="encoding",
            )
        return announced
    bad = _first_error(source, "utf-8", 0)
    if bad is None:
        return Encoding(codec="utf-8", bom=0, label="UTF-8")
    offset, byte, ascii_before = bad
    if not ascii_before:
        raise IngestError(
            f"The file mixes encodings: it starts as UTF-8 but byte {byte!r} at byte offset "
            f"{offset:,} is not valid UTF-8. Save the whole file again as UTF-8.",
            check="encoding",
        )
    fallback = _first_error(source, "cp1252", 0)
    if fallback is not None:
        raise IngestError(
            f"The file is not valid UTF-8 (byte {byte!r} at byte offset {offset:,}) nor "
            f"Windows-1252/latin-1 text (byte {fallback[1]!r} at byte offset {fallback[0]:,}); "
            "save it as UTF-8 (in Excel: Save As > CSV UTF-8).",
            check="encoding",
        )
    return Encoding(
        codec="cp1252",
        bom=0,
        label="Windows-1252 (fall-back)",
        fallback=(
            f"The file is not UTF-8 (byte {byte!r} at byte offset {offset:,}); it was read as "
            "Windows-1252 (latin-1). Check accented text, or save the file as UTF-8."
        ),
    )


def utf8_blocks(source: Source, encoding: Encoding, *,
                block_size: int = BLOCK_BYTES) -> Iterator[bytes]:
    """The file as UTF-8 bytes with ``\\n`` line ends (CRLF and lone CR become LF), in blocks.

    Block edges fall anywhere except between a CR and a following LF. A DOS end-of-file mark
    (Ctrl-Z, ``\x1a``) as the very last character is dropped.
    """
    decoder = None
    if encoding.codec != "utf-8":
        decoder = codecs.getincrementaldecoder(encoding.codec)(errors="strict")
    held = b""
    for block in source.blocks(block_size, start=encoding.bom):
        if decoder is not None:
            block = decoder.decode(block, final=False).encode("utf-8")
        block = held + block
        held = b""
        while block.endswith((b"\r", b"\x1a")) and len(held) < 2:
            block, held = block[:-1], block[-1:] + held
        if b"\r" in block:
            block = block.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        if block:
            yield block
    tail = decoder.decode(b"", final=True).encode("utf-8") if decoder is not None else b""
    rest = held + tail
    rest = rest[:-1] if rest.endswith(b"\x1a") else rest
    rest = rest.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    if rest:
        yield rest
