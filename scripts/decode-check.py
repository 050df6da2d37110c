#!/usr/bin/python3
"""Plays a URI with GStreamer (an HLS playlist over HTTP, an MP4 file) and reports what it
decoded, for the recording tests: a standard player, not Mingchu's own reader.

Run it with Debian's /usr/bin/python3 (PyGObject); scripts/lib.sh's setup_rtsp_camera installs
what it needs. Prints one JSON line: {"frames": N, "width": W, "height": H, "runs": [{"first": s, "last": s,
"frames": n}, ...]} and exits 0, or prints the error and exits 1. A run is a stretch of rising
timestamps: an HLS discontinuity (a new recorded file) starts a new one.

    scripts/decode-check.py http://127.0.0.1:3000/recordings/cameras/7/playlist.m3u8?...
    scripts/decode-check.py file:///tmp/clip.mp4
"""

import json
import sys

import gi

gi.require_version("Gst", "1.0")
from gi.repository import Gst  # noqa: E402


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    Gst.init(None)
    pipeline = Gst.parse_launch(
        f'uridecodebin uri="{sys.argv[1]}" ! videoconvert ! appsink name=sink sync=false emit-signals=false'
    )
    sink = pipeline.get_by_name("sink")
    pipeline.set_state(Gst.State.PLAYING)
    frames, runs, size = 0, [], (0, 0)
    bus = pipeline.get_bus()
    while True:
        sample = sink.emit("try-pull-sample", 100 * Gst.MSECOND)
        if sample is not None:
            pts = sample.get_buffer().pts / Gst.SECOND
            if not runs or pts <= runs[-1]["last"]:
                runs.append({"first": pts, "last": pts, "frames": 0})
            runs[-1]["last"] = pts
            runs[-1]["frames"] += 1
            frames += 1
            s = sample.get_caps().get_structure(0)
            size = (s.get_value("width"), s.get_value("height"))
            continue
        message = bus.pop_filtered(Gst.MessageType.ERROR | Gst.MessageType.EOS)
        if message is not None:
            if message.type == Gst.MessageType.ERROR:
                err, debug = message.parse_error()
                print(f"error: {err.message} ({debug})", file=sys.stderr)
                pipeline.set_state(Gst.State.NULL)
                return 1
            break
        if sink.get_property("eos"):
            break
    pipeline.set_state(Gst.State.NULL)
    print(json.dumps({"frames": frames, "width": size[0], "height": size[1], "runs": runs}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
