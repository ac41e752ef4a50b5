"""Text responses compressed (imagin_site/middleware/compression.py) and answered 304 when
unchanged, public page cache included; pages showing a long-lived secret and binary files left
alone."""

import gzip

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from home.models import HomePage
from imagin_site.middleware.compression import TextGZipMiddleware

pytestmark = pytest.mark.django_db


def test_public_page__gzipped_with_a_validator_and_304_when_unchanged(client, public_site):
    miss = client.get("/", HTTP_ACCEPT_ENCODING="gzip, br")
    assert miss.status_code == 200
    assert miss["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in miss["Vary"]
    html = gzip.decompress(miss.content).decode()
    assert "IMAG'IN" in html
    assert len(miss.content) < len(html.encode()) / 3
    etag = miss["ETag"]

    # The second request is a hit of the page cache: same validator, and 304 when it matches.
    hit = client.get("/", HTTP_ACCEPT_ENCODING="gzip")
    assert hit["ETag"] == etag
    unchanged = client.get("/", HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=etag)
    assert unchanged.status_code == 304
    assert unchanged.content == b""


def test_public_page__plain_for_a_client_without_gzip(client, public_site):
    client.get("/", HTTP_ACCEPT_ENCODING="gzip")  # stored in the page cache
    response = client.get("/")
    assert not response.has_header("Content-Encoding")
    assert b"IMAG'IN" in response.content


def test_a_changed_page__is_sent_again(client, public_site):
    etag = client.get("/", HTTP_ACCEPT_ENCODING="gzip")["ETag"]
    home = HomePage.objects.get()
    home.title = "IMAG'IN, nouvelle version"
    home.save_revision().publish()
    response = client.get("/", HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response["ETag"] != etag


def _compress(path, body, content_type):
    middleware = TextGZipMiddleware(lambda request: None)
    request = RequestFactory().get(path, HTTP_ACCEPT_ENCODING="gzip")
    return middleware.process_response(request, HttpResponse(body, content_type=content_type))


def test_secret_pages_and_binary_files__are_not_compressed():
    text = b"<p>" + b"texte " * 200 + b"</p>"
    assert _compress("/espace/", text, "text/html; charset=utf-8")["Content-Encoding"] == "gzip"
    assert _compress("/export.csv", text, "text/csv")["Content-Encoding"] == "gzip"
    for path, content_type in [
        ("/admin/2fa/activer/", "text/html; charset=utf-8"),  # TOTP key in the QR code
        ("/espace/missions/1/recapitulatif.pdf", "application/pdf"),
    ]:
        assert not _compress(path, text, content_type).has_header("Content-Encoding"), path


def test_client_without_gzip__the_answer_still_varies_with_accept_encoding():
    middleware = TextGZipMiddleware(lambda request: None)
    request = RequestFactory().get("/espace/")  # no Accept-Encoding
    text = b"<p>" + b"texte " * 200 + b"</p>"
    fresh = middleware.process_response(request, HttpResponse(text))
    assert "Accept-Encoding" in fresh["Vary"] and not fresh.has_header("Content-Encoding")
    already = HttpResponse(text)
    already["Vary"] = "Cookie, accept-encoding"
    assert middleware.process_response(request, already)["Vary"] == "Cookie, accept-encoding"
