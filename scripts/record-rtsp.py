#!/usr/bin/python3
"""Records a real RTSP camera's replies as a test fixture for the ingest (as retina's tests do).

Acts as a minimal RTSP client over TCP (interleaved RTP): OPTIONS, DESCRIBE (answering a digest
or basic challenge), SETUP of the first video stream, PLAY, then keeps what the camera sends for
a few seconds. Writes two files:

    NAME.json  the exchanges (method, request, the camera's reply as text), with the camera's
               address replaced by {authority} so a replay can serve them from any port
    NAME.bin   the interleaved bytes after the PLAY reply, cut at a whole `$` frame

A DESCRIBE answered 401 and repeated with credentials is kept as two exchanges. Cameras that
offer no H.264 are recorded up to DESCRIBE. The fixtures live in server/media/fixtures/rtsp/;
scripts/record-rtsp-fixtures.sh remakes them from scripts/rtsp-camera.py.

    scripts/record-rtsp.py rtsp://admin:secret@127.0.0.1:8554/cam OUT/NAME --seconds 3
"""

import argparse
import hashlib
import json
import socket
import sys
import time
from urllib.parse import unquote, urlsplit


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("url", help="rtsp://[user:password@]host:port/path")
    p.add_argument("out", help="output path without extension")
    p.add_argument("--seconds", type=float, default=3.0, help="how long to record after PLAY (default 3)")
    p.add_argument("--note", default="", help="what camera this is, kept in the fixture")
    return p.parse_args()


class Camera:
    def __init__(self, url):
        parts = urlsplit(url)
        self.user = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password or "")
        self.authority = f"{parts.hostname}:{parts.port or 554}"
        self.url = f"rtsp://{self.authority}{parts.path or '/'}"
        self.sock = socket.create_connection((parts.hostname, parts.port or 554), timeout=10)
        self.buf = b""
        self.cseq = 0
        self.auth = None
        self.exchanges = []

    def _fill(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise SystemExit("error: the camera closed the connection")
        self.buf += chunk

    def _reply(self):
        """The next RTSP reply; interleaved data before it is an error (none is expected)."""
        while b"\r\n\r\n" not in self.buf:
            self._fill()
        if self.buf.startswith(b"$"):
            raise SystemExit("error: interleaved data before a reply")
        head, _, rest = self.buf.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip())
        while len(rest) < length:
            self._fill()
            head, _, rest = self.buf.partition(b"\r\n\r\n")
        self.buf = rest[length:]
        return head.decode() + "\r\n\r\n" + rest[:length].decode()

    def _authorization(self, method, url):
        if not self.auth:
            return None
        scheme, params = self.auth
        if scheme == "basic":
            import base64
            return "Basic " + base64.b64encode(f"{self.user}:{self.password}".encode()).decode()
        md5 = lambda s: hashlib.md5(s.encode()).hexdigest()  # noqa: E731
        ha1 = md5(f"{self.user}:{params['realm']}:{self.password}")
        ha2 = md5(f"{method}:{url}")
        response = md5(f"{ha1}:{params['nonce']}:{ha2}")
        return (f'Digest username="{self.user}", realm="{params["realm"]}", nonce="{params["nonce"]}", '
                f'uri="{url}", response="{response}"')

    def request(self, method, url, headers=()):
        self.cseq += 1
        lines = [f"{method} {url} RTSP/1.0", f"CSeq: {self.cseq}", "User-Agent: mingchu-recorder"]
        lines += list(headers)
        authorization = self._authorization(method, url)
        if authorization:
            lines.append(f"Authorization: {authorization}")
        text = "\r\n".join(lines) + "\r\n\r\n"
        self.sock.sendall(text.encode())
        reply = self._reply()
        self.exchanges.append({"method": method, "request": self.generic(text), "reply": self.generic(reply)})
        return reply

    def generic(self, text):
        return text.replace(self.authority, "{authority}")


def status(reply):
    return int(reply.split(" ", 2)[1])


def header(reply, name):
    for line in reply.split("\r\n\r\n", 1)[0].split("\r\n")[1:]:
        key, _, value = line.partition(":")
        if key.strip().lower() == name.lower():
            return value.strip()
    return None


def challenge(value):
    scheme, _, rest = value.partition(" ")
    params = {}
    for item in rest.split(","):
        key, _, val = item.strip().partition("=")
        params[key] = val.strip('"')
    return scheme.lower(), params


def video_control(sdp):
    """The control URL of the first video media section and its codec name."""
    media, control, codec = None, None, None
    for line in sdp.split("\r\n"):
        if line.startswith("m="):
            if media == "video":
                break
            media = line[2:].split(" ")[0]
        elif media == "video" and line.startswith("a=control:"):
            control = line[len("a=control:"):]
        elif media == "video" and line.startswith("a=rtpmap:") and codec is None:
            codec = line.split(" ", 1)[1].split("/")[0].lower()
    return control, codec


def main():
    args = parse_args()
    cam = Camera(args.url)
    cam.request("OPTIONS", cam.url)
    reply = cam.request("DESCRIBE", cam.url, ["Accept: application/sdp"])
    if status(reply) == 401:
        if not cam.user:
            raise SystemExit("error: the camera wants credentials; put them in the URL")
        cam.auth = challenge(header(reply, "WWW-Authenticate"))
        reply = cam.request("DESCRIBE", cam.url, ["Accept: application/sdp"])
    if status(reply) != 200:
        raise SystemExit(f"error: DESCRIBE answered {status(reply)}")
    base = header(reply, "Content-Base") or cam.url
    control, codec = video_control(reply.split("\r\n\r\n", 1)[1])
    stream = b""
    if codec == "h264":
        if control is None or control == "*":
            setup_url = base
        elif control.startswith("rtsp://"):
            setup_url = control
        else:
            setup_url = base.rstrip("/") + "/" + control
        reply = cam.request("SETUP", setup_url, ["Transport: RTP/AVP/TCP;unicast;interleaved=0-1"])
        session = header(reply, "Session").split(";")[0]
        cam.request("PLAY", base, [f"Session: {session}", "Range: npt=0.000-"])
        end = time.monotonic() + args.seconds
        cam.sock.settimeout(1)
        while time.monotonic() < end:
            try:
                cam._fill()
            except socket.timeout:
                pass
        # Keep whole interleaved frames only.
        data, at = cam.buf, 0
        while at + 4 <= len(data) and data[at:at + 1] == b"$":
            length = int.from_bytes(data[at + 2:at + 4], "big")
            if at + 4 + length > len(data):
                break
            at += 4 + length
        stream = data[:at]
    cam.sock.close()
    fixture = {
        "note": args.note,
        "recorded": time.strftime("%Y-%m-%d"),
        "codec": codec,
        "exchanges": cam.exchanges,
        "interleaved_bytes": len(stream),
    }
    with open(args.out + ".json", "w") as f:
        json.dump(fixture, f, indent=1, ensure_ascii=False)
        f.write("\n")
    if stream:
        with open(args.out + ".bin", "wb") as f:
            f.write(stream)
    print(f"{args.out}: {len(cam.exchanges)} exchanges, {len(stream)} interleaved bytes", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
