"""The cached form page's CSRF tokens (imagin_site/common/csrf_tokens.py): Django's format,
accepted by CsrfViewMiddleware, and drawn without bias."""

import time
from collections import Counter

import pytest
from django.http import HttpResponse
from django.middleware import csrf
from django.test import RequestFactory

from imagin_site.common import csrf_tokens


def new_secret():
    return csrf_tokens.new_secret_and_token()[0]


def test_new_secret_and_token__django_format_and_the_token_of_that_secret():
    for _ in range(200):
        secret, token = csrf_tokens.new_secret_and_token()
        assert len(secret) == csrf.CSRF_SECRET_LENGTH
        assert set(secret) <= set(csrf.CSRF_ALLOWED_CHARS)
        csrf._check_token_format(token)
        assert len(token) == csrf.CSRF_TOKEN_LENGTH
        assert csrf._unmask_cipher_token(token) == secret
    assert len({csrf_tokens.new_secret_and_token()[0] for _ in range(100)}) == 100


def test_random_draw__every_character_from_as_many_bytes_and_the_rest_dropped():
    # Uniform by construction: each of the 62 characters comes from exactly four usable byte
    # values, and the eight others are deleted before the translation, never folded onto
    # the first characters.
    usable = bytes(range(csrf_tokens.USABLE_BYTES))
    positions = usable.translate(csrf_tokens._TO_POSITION, csrf_tokens._UNUSABLE)
    translated = positions.translate(csrf_tokens._POSITION_TO_CHARACTER)
    assert Counter(translated.decode()) == dict.fromkeys(csrf.CSRF_ALLOWED_CHARS, 4)
    assert (
        bytes(range(csrf_tokens.USABLE_BYTES, 256)).translate(
            csrf_tokens._TO_POSITION, csrf_tokens._UNUSABLE
        )
        == b""
    )


def test_new_secrets__characters_come_out_evenly():
    counts = Counter("".join(new_secret() for _ in range(62_000 // csrf.CSRF_SECRET_LENGTH)))
    # 1,000 expected per character, standard deviation about 31: 700–1,300 never fails
    # by chance, and a bias folded onto 8 characters (about +50 %) would.
    assert len(counts) == 62
    assert all(700 <= count <= 1300 for count in counts.values())


def test_masked__a_token_django_accepts_for_this_secret_and_no_other():
    secret = new_secret()
    token = csrf_tokens.masked(secret)
    csrf._check_token_format(token)
    assert len(token) == csrf.CSRF_TOKEN_LENGTH
    assert csrf._does_token_match(token, secret)
    assert not csrf._does_token_match(token, new_secret())
    assert csrf_tokens.masked(secret) != token  # a new mask each time (BREACH)


@pytest.mark.parametrize("character", ["a", "9", "Z"])
def test_masked__the_shifts_added_at_once_never_carry(character):
    # The highest positions (9 is at 61, the last) sum to 122 at most: no byte carries.
    secret = character * csrf.CSRF_SECRET_LENGTH
    for _ in range(200):
        token = csrf_tokens.masked(secret)
        assert csrf._unmask_cipher_token(token) == secret


def test_token_for__new_visitor_gets_a_secret_and_the_cookie_flagged():
    request = RequestFactory().get("/")
    token = csrf_tokens.token_for(request)
    secret = request.META["CSRF_COOKIE"]
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"] is True
    assert csrf._does_token_match(token, secret)
    # A second form on the page: the same secret, another mask.
    assert csrf._does_token_match(csrf_tokens.token_for(request), secret)
    assert request.META["CSRF_COOKIE"] == secret


def test_token_for__returning_visitor_keeps_the_secret_of_their_cookie():
    secret = new_secret()
    request = RequestFactory().get("/", HTTP_COOKIE=f"csrftoken={secret}")
    csrf.CsrfViewMiddleware(lambda request: None).process_request(request)
    token = csrf_tokens.token_for(request)
    assert request.META["CSRF_COOKIE"] == secret
    assert csrf._does_token_match(token, secret)


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {
            "CSRF_COOKIE_SECURE": True,
            "CSRF_COOKIE_HTTPONLY": True,
            "CSRF_COOKIE_DOMAIN": "imagin.example.pf",
            "CSRF_COOKIE_SAMESITE": "Strict",
            "CSRF_COOKIE_AGE": 3600,
        },
    ],
)
def test_set_cookie__the_cookie_and_vary_django_would_set(settings, monkeypatch, overrides):
    for name, value in overrides.items():
        setattr(settings, name, value)
    monkeypatch.setattr(csrf_tokens, "_template", (None, None))
    monkeypatch.setattr(time, "time", lambda: 1_795_000_000.7)  # the same second for both
    secret = new_secret()

    request = RequestFactory().get("/")
    request.META.update(CSRF_COOKIE=secret, CSRF_COOKIE_NEEDS_UPDATE=True)
    django_response = csrf.CsrfViewMiddleware(lambda r: None).process_response(
        request, HttpResponse()
    )
    ours = HttpResponse()
    csrf_tokens.set_cookie(ours, secret)

    name = settings.CSRF_COOKIE_NAME
    assert ours.cookies[name].output() == django_response.cookies[name].output()
    assert dict(ours.cookies[name]) == dict(django_response.cookies[name])
    assert ours.cookies[name].value == secret
    # Another visitor in the same second: their own value, the first cookie unchanged.
    other = HttpResponse()
    csrf_tokens.set_cookie(other, "b" * 32)
    assert other.cookies[name].value == "b" * 32 and ours.cookies[name].value == secret
    assert other.cookies[name].output().replace("b" * 32, secret) == ours.cookies[name].output()
    assert ours["Vary"] == django_response["Vary"] == "Cookie"
    # A page that already varies on Cookie keeps one mention of it.
    again = HttpResponse(headers={"Vary": "Accept-Encoding, Cookie"})
    csrf_tokens.set_cookie(again, secret)
    assert again["Vary"] == "Accept-Encoding, Cookie"


def test_masked__refuses_a_secret_outside_the_alphabet():
    for secret in ("a-" + "a" * 30, "-" + "a" * 31):
        with pytest.raises(ValueError):
            csrf_tokens.masked(secret)


def test_set_cookie__changed_copied_or_unpickled__written_out_by_morsel():
    import copy
    import pickle

    response = HttpResponse()
    csrf_tokens.set_cookie(response, "c" * 32)
    morsel = response.cookies["csrftoken"]
    for twin in (copy.copy(morsel), pickle.loads(pickle.dumps(morsel))):  # noqa: S301
        assert twin.output() == morsel.output()
    response.delete_cookie("csrftoken")  # as Django would, after the cookie was set
    assert "Max-Age=0" in response.cookies["csrftoken"].output()
    assert "expires=Thu, 01 Jan 1970" in response.cookies["csrftoken"].output()
