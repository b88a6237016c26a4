"""A real HTTP server on loopback serving a body of known size: the bandwidth probe's target in
tests (loopback is the only network tests may use)."""
import contextlib
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

BODY_BYTES = 2 * 1024 * 1024


def _handler(size):
    class Payload(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Length", str(size))
            self.end_headers()
            self.wfile.write(b"x" * size)

        def log_message(self, *args):
            pass
    return Payload


@contextlib.contextmanager
def serving(size=BODY_BYTES):
    """``with serving() as url:`` an http:// URL on 127.0.0.1 answering every GET with ``size`` bytes."""
    server = HTTPServer(("127.0.0.1", 0), _handler(size))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield "http://127.0.0.1:%d/probe.bin" % server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
