"""URL fetching against a real local server that tries each trick (loopback only)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from counterpoint import ingest
from counterpoint.errors import InputError

ARTICLE = b"<html><body><article>" + b"<p>The council closed the old bridge for repairs on Tuesday.</p>" * 5 + b"</article></body></html>"


class Tricks(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:  # keep test output clean
        pass

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        routes = {
            "/ok": (200, "text/html; charset=utf-8", ARTICLE),
            "/png": (200, "image/png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100),
            "/huge": (200, "text/html", b"<p>" + b"x" * (ingest.MAX_BYTES + 10)),
            "/gone": (404, "text/html", b"not here"),
        }
        if self.path == "/loop":
            self._redirect("/loop")
        elif self.path == "/to-metadata":
            self._redirect("http://169.254.169.254/latest/meta-data/")
        elif self.path == "/to-ok":
            self._redirect("/ok")
        elif self.path == "/slow":
            time.sleep(3)
            self._send(200, "text/html", ARTICLE)
        else:
            self._send(*routes.get(self.path, (404, "text/plain", b"?")))

    def _redirect(self, where: str) -> None:
        self.send_response(302)
        self.send_header("Location", where)
        self.end_headers()

    def _send(self, code: int, ctype: str, body: bytes) -> None:
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        """A client hanging up on /huge is the point of that test, not an error."""


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = QuietServer(("127.0.0.1", 0), Tricks)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_a_plain_page_and_a_redirect_load(server: str) -> None:
    art = ingest.load(f"{server}/to-ok")
    assert "old bridge" in art.text and art.url and art.url.endswith("/ok")


@pytest.mark.parametrize(
    "path, message",
    [("/png", "content type"), ("/huge", "limit"), ("/gone", "HTTP 404"), ("/loop", "too many redirects")],
)
def test_each_trick_gets_a_clear_error(server: str, path: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        ingest.load(f"{server}{path}")


def test_untrusted_mode_refuses_loopback_and_metadata(server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(InputError, match="refusing"):
        ingest.load(f"{server}/ok", allow_private=False)
    # Let the test server itself pass the check, so the redirect hop is what gets refused.
    real_check = ingest.check_public
    checked: list[str] = []

    def check_except_test_server(url: str) -> None:
        checked.append(url)
        if not url.startswith(server):
            real_check(url)

    monkeypatch.setattr(ingest, "check_public", check_except_test_server)
    with pytest.raises(InputError, match="refusing.*169.254.169.254"):
        ingest.load(f"{server}/to-metadata", allow_private=False)
    assert checked == [f"{server}/to-metadata", "http://169.254.169.254/latest/meta-data/"]


def test_timeout(server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ingest, "FETCH_TIMEOUT", 0.5)
    with pytest.raises(InputError, match="could not fetch.*Timeout"):
        ingest.load(f"{server}/slow")
