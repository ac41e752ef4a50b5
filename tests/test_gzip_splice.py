"""gzip_splice: fixed parts compressed once, inserts stored between them; any gzip reader
gets back exactly the page."""

import gzip
import random
import zlib

import pytest

from imagin_site.common.gzip_splice import GzipPieces, compress


def test_random_pages__unzip_to_the_parts_and_inserts_in_order():
    rng = random.Random(20261201)
    for _ in range(150):
        count = rng.randint(1, 5)
        parts = [
            rng.randbytes(rng.randint(0, 2000)) + b"<p>texte</p>" * rng.randint(0, 3000)
            for _ in range(count)
        ]
        pieces = GzipPieces(parts)
        for _ in range(3):
            inserts = [rng.randbytes(rng.randint(0, 300)) for _ in range(count - 1)]
            body = pieces.join(inserts)
            page = parts[0] + b"".join(i + p for i, p in zip(inserts, parts[1:], strict=True))
            assert gzip.decompress(body) == page  # checks the CRC-32 and the length
            assert zlib.decompress(body, wbits=31) == page


def test_body_size__does_not_depend_on_the_inserts():
    pieces = GzipPieces([b"<form>" * 500, b"</form>" * 500])
    sizes = {len(pieces.join([token])) for token in (b"a" * 64, b"<form>" * 10 + b"xxxx")}
    assert len(sizes) == 1


def test_compress__one_member_smaller_than_the_page():
    page = b"<li>Frais de r\xc3\xa9mun\xc3\xa9ration</li>\n" * 400
    body = compress(page)
    assert gzip.decompress(body) == page and len(body) < len(page) / 10


def test_wrong_insert_count_or_too_long_insert__refused():
    pieces = GzipPieces([b"a", b"b"])
    with pytest.raises(ValueError):
        pieces.join([])
    with pytest.raises(ValueError):
        pieces.join([b"x" * 70_000])
