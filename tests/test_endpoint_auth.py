"""Credentials reach a server that challenges before it reads: a request with a body carries
its Authorization from the start, so a server that answers 401 and closes the connection
without reading a large body (Virtuoso under load) never shows the client a broken pipe."""

from __future__ import annotations

import hashlib
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar
from urllib.request import parse_http_list, parse_keqv_list

import pytest

from ecograph.stores.endpoint import Credentials, _Client

REALM, NONCE, USER, PASSWORD = "ecograph-test", "b4c0ffee", "dba", "s3cret"
BODY = b"<urn:a> <urn:b> <urn:c> .\n" * 400_000  # 10 MB, far more than a socket buffer


def _md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()  # noqa: S324 - RFC 2617 Digest is MD5


class DigestOnly(BaseHTTPRequestHandler):
    """Asks for Digest credentials; without them answers 401 at once, reading nothing."""

    received: ClassVar[list[tuple[str, bool, int]]] = []

    def log_message(self, *args: object) -> None:
        pass

    def _authorized(self) -> bool:
        header = self.headers.get("Authorization", "")
        scheme, _, rest = header.partition(" ")
        if scheme != "Digest":
            return False
        fields = parse_keqv_list(parse_http_list(rest))
        ha1 = _md5(f"{USER}:{REALM}:{PASSWORD}")
        ha2 = _md5(f"{self.command}:{fields.get('uri', '')}")
        expected = _md5(f"{ha1}:{NONCE}:{fields.get('nc')}:{fields.get('cnonce')}:auth:{ha2}")
        return fields.get("response") == expected and fields.get("username") == USER

    def _challenge(self) -> None:
        self.send_response(401)
        self.send_header("WWW-Authenticate", f'Digest realm="{REALM}", nonce="{NONCE}", qop="auth"')
        self.send_header("Content-Length", "0")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True

    def do_HEAD(self) -> None:
        self.received.append(("HEAD", self._authorized(), 0))
        self._challenge()

    def do_PUT(self) -> None:
        if not self._authorized():
            self.received.append(("PUT", False, 0))
            self._challenge()
            self.connection.shutdown(2)  # before the body: the client's writes now fail
            return
        length = int(self.headers.get("Content-Length", "0"))
        read = 0
        while read < length:
            read += len(self.rfile.read(min(1 << 20, length - read)))
        self.received.append(("PUT", True, read))
        self.send_response(201)
        self.send_header("Content-Length", "0")
        self.end_headers()


@pytest.fixture
def server():
    DigestOnly.received = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), DigestOnly)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/graph-crud-auth"
    httpd.shutdown()
    httpd.server_close()


def test_a_large_put_carries_its_digest_credentials_from_the_start(server: str) -> None:
    client = _Client(server, Credentials(USER, PASSWORD, source="test"))
    for _ in range(2):  # the challenge is asked for once, then reused
        request = urllib.request.Request(f"{server}?graph=urn:g", data=BODY, method="PUT")
        with client.open(request, timeout=30) as response:
            assert response.status == 201
    assert DigestOnly.received == [
        ("HEAD", False, 0),
        ("PUT", True, len(BODY)),
        ("PUT", True, len(BODY)),
    ]


def test_without_credentials_no_probe_is_sent(server: str) -> None:
    client = _Client(server, None)
    request = urllib.request.Request(
        f"{server}?graph=urn:g", data=b"<urn:a> <urn:b> <urn:c> .", method="PUT"
    )
    with pytest.raises(OSError):
        client.open(request, timeout=30)
    assert [method for method, _, _ in DigestOnly.received] == ["PUT"]
