"""Gunicorn instances for the two-instance tests, and what the tests need to talk to them
over real HTTP: forms read from the HTML (CSRF token, fields) and the two logins."""

import os
import signal
import socket
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import requests

ROOT = Path(__file__).resolve().parents[2]
READY_PATH = "/espace/connexion/"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    """One app server: `workers` sync workers in their own process group, on a free port."""

    def __init__(self, name, env, log_dir, workers=1):
        self.name, self.env, self.workers = name, env, workers
        self.log = Path(log_dir) / f"{name}.log"
        self.process = None
        self.base = ""

    def start(self):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        gunicorn = Path(sys.executable).with_name("gunicorn")
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603
                [str(gunicorn), "imagin_site.wsgi:application", "--bind",
                 f"127.0.0.1:{self.port}", "--workers", str(self.workers), "--timeout", "120",
                 "--graceful-timeout", "5", "--log-level", "warning"],
                cwd=ROOT, env=self.env, stdout=log, stderr=log, start_new_session=True,
            )  # fmt: skip

    def wait(self, timeout=90):
        """True once the instance answers; False if it died (its port taken, perhaps)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                if requests.get(self.base + READY_PATH, timeout=5).status_code == 200:
                    return True
            except requests.RequestException:
                pass
            time.sleep(0.2)
        return False

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        except ProcessLookupError:
            pass

    def url(self, path):
        return urljoin(self.base, path)

    def client(self):
        return Client(self)

    def tail(self):
        return self.log.read_text(errors="replace")[-4000:] if self.log.exists() else ""


def start_all(servers, attempts=3):
    """Start the servers side by side (each takes seconds to import Django), then wait."""
    for server in servers:
        server.start()
    for server in servers:
        for _ in range(attempts):
            if server.wait():
                break
            server.stop()
            server.start()
        else:
            raise RuntimeError(f"gunicorn {server.name} ne répond pas :\n{server.tail()}")


class Client(requests.Session):
    """A browser without JavaScript on one instance: relative URLs, no redirect followed
    unless asked, and `use()` to send the same cookies to another instance."""

    def __init__(self, server):
        super().__init__()
        self.server = server

    def request(self, method, url, *args, **kwargs):
        kwargs.setdefault("allow_redirects", False)
        kwargs.setdefault("timeout", 60)
        return super().request(method, self.server.url(url), *args, **kwargs)

    def get(self, url, **kwargs):
        kwargs.setdefault("allow_redirects", False)  # requests' get() follows by default
        return self.request("GET", url, **kwargs)

    def on(self, server):
        """The same visitor (same cookies) talking to another instance."""
        other = Client(server)
        other.cookies.update(self.cookies)
        return other

    def submit(self, path, data=None, form=None, files=None, **kwargs):
        """GET `path`, fill the form (the one whose action contains `form`, or the first with
        a CSRF token) with `data` over its own fields, POST it to its action."""
        page = self.get(path, allow_redirects=True)
        page.raise_for_status()
        action, fields = find_form(page.text, form)
        fields.update(data or {})
        return self.post(urljoin(page.url, action or page.url), data=fields, files=files, **kwargs)


def csrf_token(html):
    return find_form(html)[1]["csrfmiddlewaretoken"]


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []  # (action, {name: value})
        self._textarea = self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append((attrs.get("action") or "", {}))
        elif not self.forms:
            return
        elif tag == "input" and attrs.get("name"):
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "file", "image"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.forms[-1][1][attrs["name"]] = attrs.get(
                "value", "on" if kind == "checkbox" else ""
            )
        elif tag == "textarea" and attrs.get("name"):
            self._textarea = attrs["name"]
            self.forms[-1][1][self._textarea] = ""
        elif tag == "select" and attrs.get("name"):
            self._select = attrs["name"]
            self.forms[-1][1][self._select] = None  # the first option unless one is selected
        elif tag == "option" and self._select:
            fields = self.forms[-1][1]
            if fields[self._select] is None or "selected" in attrs:
                fields[self._select] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._select:
            fields = self.forms[-1][1]
            fields[self._select] = fields[self._select] or ""
            self._select = None

    def handle_data(self, data):
        if self._textarea and self.forms:
            self.forms[-1][1][self._textarea] += data


def find_form(html, action_part=None):
    parser = _Forms()
    parser.feed(html)
    for action, fields in parser.forms:
        if action_part is not None and action_part in action:
            return action, fields
        if action_part is None and "csrfmiddlewaretoken" in fields:
            return action, fields
    raise AssertionError(f"formulaire introuvable ({action_part or 'CSRF'})")
