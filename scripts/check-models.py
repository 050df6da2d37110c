#!/usr/bin/env python3
"""Run the committed detector models on the test photographs and check the results.

Reference implementation of the pre-/post-processing documented in models/README.md
(the Rust server ports the same steps). Needs numpy, pillow and onnxruntime:

    python3 -m venv /tmp/mv && /tmp/mv/bin/pip install numpy pillow onnxruntime==1.23.2
    /tmp/mv/bin/python scripts/check-models.py            # checks, exit 1 on failure
    /tmp/mv/bin/python scripts/check-models.py --image some.jpg   # just print detections
"""
import argparse
import hashlib
import os
import sys
import time

import numpy as np
import onnxruntime as ort
from PIL import Image

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# ---------------------------------------------------------------- common


def letterbox(img, size):
    """Scale to fit size x size keeping the aspect ratio, centre it, pad with black.
    Returns the padded RGB image and (scale, pad_x, pad_y) to map boxes back:
    x_orig = (x_model - pad_x) / scale."""
    w, h = img.size
    scale = min(size / w, size / h)
    nw, nh = round(w * scale), round(h * scale)
    pad_x, pad_y = (size - nw) // 2, (size - nh) // 2
    canvas = Image.new("RGB", (size, size), (0, 0, 0))
    canvas.paste(img.resize((nw, nh), Image.BILINEAR), (pad_x, pad_y))
    return canvas, (scale, pad_x, pad_y)


def to_original(box, tr, w, h):
    scale, px, py = tr
    x0, y0, x1, y1 = box
    return [min(max((x0 - px) / scale, 0), w), min(max((y0 - py) / scale, 0), h),
            min(max((x1 - px) / scale, 0), w), min(max((y1 - py) / scale, 0), h)]


def iou(a, b):
    iw = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    ih = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = iw * ih
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def nms(dets, iou_thr):
    """Greedy per-class NMS over (score, class, box, ...) tuples."""
    dets = sorted(dets, key=lambda d: -d[0])
    keep = []
    for d in dets:
        if all(k[1] != d[1] or iou(k[2], d[2]) <= iou_thr for k in keep):
            keep.append(d)
    return keep


# ---------------------------------------------------------------- NanoDet-g

NANODET_SIZE = 416
NANODET_STRIDES = (8, 16, 32)
NANODET_REG_MAX = 10
MEAN_BGR = np.array([103.53, 116.28, 123.675], np.float32)
STD_BGR = np.array([57.375, 57.12, 58.395], np.float32)


def nanodet_input(img):
    padded, tr = letterbox(img, NANODET_SIZE)
    rgb = np.asarray(padded, np.float32)                    # H, W, RGB 0..255
    x = (rgb[..., ::-1] - MEAN_BGR) / STD_BGR                # BGR, normalised
    return x.transpose(2, 0, 1)[None].astype(np.float32), tr  # 1,3,416,416


def nanodet_decode(outs, score_thr, iou_thr=0.6):
    """outs: dict name -> array. Returns [(score, class, [x0,y0,x1,y1] in 416 space)]."""
    dets = []
    bins = np.arange(NANODET_REG_MAX + 1, dtype=np.float32)
    for s in NANODET_STRIDES:
        cls = outs[f"cls_{s}"][0]                         # (n, 80), already sigmoid
        reg = outs[f"reg_{s}"][0]                         # (n, 44) = 4 sides x 11 bins
        w = NANODET_SIZE // s                             # grid is w x w, row-major
        n = w * w
        assert cls.shape == (n, 80) and reg.shape == (n, 4 * (NANODET_REG_MAX + 1))
        r = reg.reshape(n, 4, NANODET_REG_MAX + 1)
        e = np.exp(r - r.max(-1, keepdims=True))
        dist = (e / e.sum(-1, keepdims=True) * bins).sum(-1) * s   # (n, 4): l, t, r, b px
        idx = np.arange(n)
        cx = (idx % w + 0.5) * s
        cy = (idx // w + 0.5) * s
        boxes = np.stack([cx - dist[:, 0], cy - dist[:, 1], cx + dist[:, 2], cy + dist[:, 3]], 1)
        for i, c in zip(*np.nonzero(cls > score_thr)):
            dets.append((float(cls[i, c]), int(c), boxes[i].tolist()))
    return nms(dets, iou_thr)


# ---------------------------------------------------------------- BlazeFace

FACE_SIZE = 256


def face_anchors():
    """Anchor centres in 256-px input space, in output order: stride 16 (16x16 cells,
    2 anchors each) then stride 32 (8x8 cells, 6 anchors each); cells row-major."""
    a = []
    for stride, per_cell in ((16, 2), (32, 6)):
        g = FACE_SIZE // stride
        for y in range(g):
            for x in range(g):
                a.extend([((x + 0.5) * stride, (y + 0.5) * stride)] * per_cell)
    return np.array(a, np.float32)


def face_input(img):
    padded, tr = letterbox(img, FACE_SIZE)
    x = np.asarray(padded, np.float32) / 127.5 - 1.0         # RGB in [-1, 1]
    return x[None], tr                                        # 1,256,256,3


def face_decode(outs, score_thr, iou_thr=0.3):
    scores = np.concatenate([outs["scores_16"][0, :, 0], outs["scores_32"][0, :, 0]])
    raw = np.concatenate([outs["boxes_16"][0], outs["boxes_32"][0]])     # (896, 16)
    anchors = face_anchors()
    probs = 1.0 / (1.0 + np.exp(-np.clip(scores.astype(np.float64), -100, 100)))
    dets = []
    for i in np.nonzero(probs > score_thr)[0]:
        cx, cy = anchors[i] + raw[i, 0:2]
        w, h = raw[i, 2:4]
        kps = (anchors[i] + raw[i, 4:16].reshape(6, 2)).tolist()
        dets.append((float(probs[i]), 0, [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], kps))
    return nms(dets, iou_thr)


# ---------------------------------------------------------------- driver


def verify_sums(models_dir):
    path = os.path.join(models_dir, "SHA256SUMS")
    ok = True
    for line in open(path):
        digest, name = line.split()
        with open(os.path.join(models_dir, name), "rb") as f:
            got = hashlib.sha256(f.read()).hexdigest()
        if got != digest:
            print(f"SHA256 MISMATCH {name}: {got}")
            ok = False
    print("SHA256SUMS ok" if ok else "SHA256SUMS FAILED")
    return ok


def session(path):
    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    return ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])


def run(sess, x):
    names = [o.name for o in sess.get_outputs()]
    return dict(zip(names, sess.run(None, {sess.get_inputs()[0].name: x})))


def median_ms(sess, x, n=10):
    ts = []
    for _ in range(n):
        t = time.perf_counter()
        run(sess, x)
        ts.append((time.perf_counter() - t) * 1000)
    return float(np.median(ts))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--models", default=os.path.join(ROOT, "models"))
    ap.add_argument("--image", action="append", help="image to run on (disables the checks)")
    ap.add_argument("--score", type=float, default=0.4, help="NanoDet score threshold")
    ap.add_argument("--face-score", type=float, default=0.6, help="BlazeFace score threshold")
    args = ap.parse_args()

    labels = [l.rstrip("\n") for l in open(os.path.join(args.models, "labels-coco.txt"))]
    assert len(labels) == 80
    ok = verify_sums(args.models)
    nd = session(os.path.join(args.models, "nanodet-g.onnx"))
    face_path = os.path.join(args.models, "blazeface.onnx")
    bf = session(face_path) if os.path.exists(face_path) else None

    images = args.image or [os.path.join(args.models, "testdata", n) for n in ("astronaut.jpg", "chelsea.jpg")]
    results = {}
    for path in images:
        img = Image.open(path).convert("RGB")
        w, h = img.size
        x, tr = nanodet_input(img)
        objs = [(s, labels[c], to_original(b, tr, w, h)) for s, c, b in nanodet_decode(run(nd, x), args.score)]
        print(f"{os.path.basename(path)} ({w}x{h})  nanodet-g {median_ms(nd, x):.1f} ms (onnxruntime, 1 thread)")
        for s, name, b in objs:
            print(f"  {name:<14} {s:.3f}  [{b[0]:.0f}, {b[1]:.0f}, {b[2]:.0f}, {b[3]:.0f}]")
        faces = []
        if bf is not None:
            fx, ftr = face_input(img)
            faces = [(s, to_original(b, ftr, w, h)) for s, _, b, _ in face_decode(run(bf, fx), args.face_score)]
            print(f"  blazeface {median_ms(bf, fx):.1f} ms")
            for s, b in faces:
                print(f"  {'face':<14} {s:.3f}  [{b[0]:.0f}, {b[1]:.0f}, {b[2]:.0f}, {b[3]:.0f}]")
        results[os.path.basename(path)] = (objs, faces)

    if args.image:
        return 0

    def expect(cond, what):
        nonlocal ok
        print(("ok    " if cond else "FAIL  ") + what)
        ok = ok and cond

    # Expected boxes were read off the photographs by hand (original pixel coordinates).
    objs, faces = results["astronaut.jpg"]
    person = [o for o in objs if o[1] == "person" and o[0] >= 0.5]
    expect(len(person) == 1 and iou(person[0][2], [10, 10, 370, 512]) > 0.8,
           "astronaut.jpg: one person, score >= 0.5, box ~ [10,10,370,512]")
    if bf is not None:
        expect(len(faces) == 1 and faces[0][0] >= 0.75 and iou(faces[0][1], [172, 74, 278, 180]) > 0.6,
               "astronaut.jpg: one face, score >= 0.75, box ~ [172,74,278,180]")
    objs, _ = results["chelsea.jpg"]
    cat = [o for o in objs if o[1] == "cat" and o[0] >= 0.5]
    expect(len(cat) == 1 and iou(cat[0][2], [0, 0, 451, 300]) > 0.8,
           "chelsea.jpg: one cat, score >= 0.5, box ~ whole image")
    expect(not any(o[1] == "person" for o in objs), "chelsea.jpg: no person")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
