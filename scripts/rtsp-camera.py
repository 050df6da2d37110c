#!/usr/bin/python3
"""A real RTSP camera for tests and benchmarks: GStreamer's RTSP server with a live test picture.

Run it with Debian's /usr/bin/python3 (it has PyGObject); scripts/lib.sh's setup_rtsp_camera
installs what it needs. One shared encoder serves every client. Prints
`ready rtsp://HOST:PORT/PATH` on stdout once it accepts connections; exits on SIGTERM or SIGINT.

    scripts/rtsp-camera.py --port 8554 --path /cam --codec h264 --user admin --password secret
"""

import argparse
import signal
import sys
import time

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtsp", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtsp, GstRtspServer  # noqa: E402


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, required=True, help="TCP port to listen on (0 is not supported)")
    p.add_argument("--path", default="/cam", help="mount path (default /cam)")
    p.add_argument("--codec", choices=["h264", "h265"], default="h264")
    p.add_argument("--width", type=int, default=1280)
    p.add_argument("--height", type=int, default=720)
    p.add_argument("--fps", type=int, default=25)
    p.add_argument("--bitrate", type=int, default=2000, help="kbit/s (default 2000)")
    p.add_argument("--pattern", default="ball", help="videotestsrc pattern (default ball; snow fills any bitrate)")
    p.add_argument("--bframes", type=int, default=0, help="B-frames between references (default 0)")
    p.add_argument("--image", help="show this still photo (JPEG or PNG) instead of a test pattern")
    p.add_argument("--no-clock", action="store_true", help="leave out the running clock (a static picture stays static)")
    p.add_argument("--clock-code", action="store_true", help="show the wall clock as a bar code instead of a test "
                   "picture, for measuring glass-to-glass latency (see clock_frame)")
    p.add_argument("--quantizer", type=int, help="H.264 at this constant quantizer instead of --bitrate "
                   "(identical pictures then encode identically)")
    p.add_argument("--user", help="require RTSP basic or digest authentication with this user")
    p.add_argument("--password", default="", help="the password for --user")
    p.add_argument("--auth", choices=["digest", "basic"], default="digest", help="scheme for --user (default digest)")
    args = p.parse_args()
    if args.port <= 0 or args.port > 65535:
        p.error("--port must be between 1 and 65535")
    if not args.path.startswith("/"):
        args.path = "/" + args.path
    return args


def launch_line(a):
    """The pipeline each client shares: test picture with a clock, encoded once, packetised."""
    caps = f"video/x-raw,width={a.width},height={a.height},framerate={a.fps}/1"
    if a.clock_code:
        source = (
            f"appsrc name=clock is-live=true do-timestamp=true format=time "
            f"caps=video/x-raw,format=I420,width={a.width},height={a.height},framerate={a.fps}/1"
        )
    elif a.image:
        source = (
            f"filesrc location={a.image} ! decodebin ! videoconvert ! videoscale ! "
            f"video/x-raw,width={a.width},height={a.height} ! imagefreeze is-live=true ! videorate ! {caps}"
        )
    else:
        source = f"videotestsrc is-live=true pattern={a.pattern} ! {caps}"
    if not a.no_clock and not a.clock_code:
        source += " ! clockoverlay"
    source += " ! videoconvert"
    # A keyframe every second. zerolatency turns B-frames off, so ask for them explicitly after it.
    if a.codec == "h264":
        rate = f"pass=quant quantizer={a.quantizer}" if a.quantizer else f"bitrate={a.bitrate}"
        encode = (
            f"x264enc tune=zerolatency key-int-max={a.fps} bframes={a.bframes} {rate} "
            f"option-string=bframes={a.bframes} ! video/x-h264,profile=high ! "
            f"rtph264pay name=pay0 pt=96 config-interval=1"
        )
    else:
        encode = (
            f"x265enc tune=zerolatency key-int-max={a.fps} bitrate={a.bitrate} "
            f"option-string=bframes={a.bframes} ! video/x-h265,profile=main ! "
            f"rtph265pay name=pay0 pt=96 config-interval=1"
        )
    return f"( {source} ! {encode} )"


CODE_BITS = 24


def clock_frame(width, height, ms):
    """An I420 picture whose top third shows `ms` (the wall clock in milliseconds, modulo 2^24)
    as 24 black or white bars, most significant first, each width // 26 pixels wide after one
    bar's margin. A viewer reads the bar centres to learn when the picture was taken."""
    bar = width // (CODE_BITS + 2)
    bits = [(ms >> (CODE_BITS - 1 - i)) & 1 for i in range(CODE_BITS)]
    row = b"\x10" * bar + b"".join((b"\xeb" if bit else b"\x10") * bar for bit in bits)
    row += b"\x10" * (width - len(row))
    band = height // 3
    luma = row * band + b"\x80" * (width * (height - band))
    chroma = b"\x80" * ((width // 2) * (height // 2))
    return luma + chroma + chroma


def feed_clock(factory, media, a):
    """Pushes a clock picture every frame interval into the shared pipeline's appsrc."""
    source = media.get_element().get_by_name("clock")

    def push():
        frame = clock_frame(a.width, a.height, int(time.time() * 1000) & ((1 << CODE_BITS) - 1))
        return source.emit("push-buffer", Gst.Buffer.new_wrapped(frame)) == Gst.FlowReturn.OK

    GLib.timeout_add(max(1, 1000 // a.fps), push)


def require_auth(server, factory, user, password, scheme):
    """Accepts `user`/`password` by the given scheme (basic or digest) and nobody else."""
    auth = GstRtspServer.RTSPAuth()
    token = GstRtspServer.RTSPToken()
    token.set_string(GstRtspServer.RTSP_TOKEN_MEDIA_FACTORY_ROLE, user)
    # One scheme at a time: the introspected set_supported_methods takes a single enum value.
    if scheme == "basic":
        auth.add_basic(GstRtspServer.RTSPAuth.make_basic(user, password), token)
        auth.set_supported_methods(GstRtsp.RTSPAuthMethod.BASIC)
    else:
        auth.add_digest(user, password, token)
        auth.set_supported_methods(GstRtsp.RTSPAuthMethod.DIGEST)
    server.set_auth(auth)
    permissions = GstRtspServer.RTSPPermissions()
    permissions.add_permission_for_role(user, GstRtspServer.RTSP_PERM_MEDIA_FACTORY_ACCESS, True)
    permissions.add_permission_for_role(user, GstRtspServer.RTSP_PERM_MEDIA_FACTORY_CONSTRUCT, True)
    factory.set_permissions(permissions)


def main():
    args = parse_args()
    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address(args.host)
    server.set_service(str(args.port))
    factory = GstRtspServer.RTSPMediaFactory()
    factory.set_launch(launch_line(args))
    factory.set_shared(True)
    if args.clock_code:
        factory.connect("media-configure", feed_clock, args)
    if args.user:
        require_auth(server, factory, args.user, args.password, args.auth)
    server.get_mount_points().add_factory(args.path, factory)

    loop = GLib.MainLoop()
    if server.attach(None) == 0:
        print(f"error: cannot listen on {args.host}:{args.port}", file=sys.stderr)
        return 1
    for sig in (signal.SIGTERM, signal.SIGINT):
        GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, sig, loop.quit)
    print(f"ready rtsp://{args.host}:{server.get_bound_port()}{args.path}", flush=True)
    loop.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
