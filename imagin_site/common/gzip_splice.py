"""A gzip body for a page that differs at each response only by short inserts (the CSRF
tokens of a cached form page), without compressing the page again at each response.

The page's fixed parts are compressed once, each on its own (so no back-reference can reach
into an insert), and flushed to a byte boundary; an insert goes between them uncompressed, as
a deflate "stored" block. What is left per response is the gzip trailer: the CRC-32 of the
whole page, worked out from the parts' CRCs computed once and the inserts' bytes (a few µs;
`zlib.crc32` over the whole page would cost more than the rest of the hit), and its length.

An insert stored as is also keeps its bytes out of the compression: the body's size does not
depend on them, so a token cannot be guessed from it (BREACH)."""

import struct
import zlib

# gzip header: magic, deflate, no flags, no modification time, no extra flags, unknown OS.
HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
MAX_INSERT = 0xFFFF  # one stored block


def compress(content, level=9):
    """The whole of `content` as one gzip member (for a page without inserts)."""
    return GzipPieces([content], level).join([])


class GzipPieces:
    """The compressed pieces of a page split at its insertion points: `join(inserts)` gives
    the gzip body of the page with `inserts[i]` between part i and part i + 1."""

    def __init__(self, parts, level=9):
        self._deflated = [_deflate(part, level, last=i == len(parts) - 1)
                          for i, part in enumerate(parts)]  # fmt: skip
        self._first_crc = zlib.crc32(parts[0])
        self._then = [(_CrcShift(part), zlib.crc32(part)) for part in parts[1:]]
        self._length = sum(len(part) for part in parts)

    def join(self, inserts):
        if len(inserts) != len(self._then):
            raise ValueError("Il faut un ajout entre chaque paire de parties.")
        chunks = [HEADER, self._deflated[0]]
        crc, length = self._first_crc, self._length
        for insert, deflated, (shift, part_crc) in zip(
            inserts, self._deflated[1:], self._then, strict=True
        ):
            chunks += (_stored_block(insert), deflated)
            crc = shift(zlib.crc32(insert, crc)) ^ part_crc
            length += len(insert)
        chunks.append(struct.pack("<II", crc, length & 0xFFFFFFFF))
        return b"".join(chunks)


def _deflate(part, level, last):
    compressor = zlib.compressobj(level, zlib.DEFLATED, -zlib.MAX_WBITS)
    # A sync flush ends on a byte boundary without closing the stream: the next block (an
    # insert) can follow; only the last part closes it.
    return compressor.compress(part) + compressor.flush(
        zlib.Z_FINISH if last else zlib.Z_SYNC_FLUSH
    )


def _stored_block(data):
    if len(data) > MAX_INSERT:
        raise ValueError("Ajout trop long pour un bloc non compressé.")
    # Header bits: not the last block, type 00 (stored), then the byte boundary.
    return b"\x00" + struct.pack("<HH", len(data), len(data) ^ 0xFFFF) + data


class _CrcShift:
    """crc32(part, value) ^ crc32(part, 0) as a function of `value`: the CRC register's update
    is linear over GF(2), so this is a linear map of the 32 bits, known from the images of the
    32 single bits and applied a byte at a time from four tables. Then
    crc32(before + part) == shift(crc32(before)) ^ crc32(part)."""

    def __init__(self, part):
        base = zlib.crc32(part, 0)
        images = [zlib.crc32(part, 1 << bit) ^ base for bit in range(32)]
        self._tables = []
        for byte in range(4):
            table = [0] * 256
            for value in range(1, 256):
                low = value & -value  # the lowest bit set: value is it plus a smaller value
                table[value] = table[value ^ low] ^ images[8 * byte + low.bit_length() - 1]
            self._tables.append(table)

    def __call__(self, value):
        t0, t1, t2, t3 = self._tables
        return t0[value & 255] ^ t1[value >> 8 & 255] ^ t2[value >> 16 & 255] ^ t3[value >> 24]
