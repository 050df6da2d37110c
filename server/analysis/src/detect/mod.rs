//! In-process object detection with `tract-onnx`: a [`Detector`] runs one ONNX model on RGB
//! frames and returns labelled boxes in normalized frame coordinates.
//!
//! Three output formats are understood ([`Format`]): the committed NanoDet-g (80 COCO classes)
//! and BlazeFace (faces), and Ultralytics YOLOv5/v8 exports, so any such detector with a label
//! map can be dropped in through a [`DetectorSpec`]. See `models/README.md` for the models.

mod blazeface;
mod input;
mod letterbox;
mod nanodet;
mod nms;
#[cfg(test)]
mod test_images;
mod yolo;

use crate::detection::Detection;
use input::{Layout, Pixels};
use letterbox::Letterbox;
use std::path::{Path, PathBuf};
use tract_onnx::prelude::*;
use tract_onnx::tract_hir::internal::{bail, TractErrorContext};

/// The output format of a detection model, which fixes its preprocessing and decoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// NanoDet with the legacy GFL head: NCHW BGR input normalised by ImageNet mean and std;
    /// per stride a `[1, cells, classes]` score output and a `[1, cells, 4 * bins]` box output.
    NanoDet,
    /// MediaPipe BlazeFace: NHWC RGB input in -1..1; score logits and box regressions for
    /// strides 16 and 32. One class.
    BlazeFace,
    /// Ultralytics YOLOv8 (`[1, 4 + classes, anchors]`) or YOLOv5 (`[1, anchors, 5 + classes]`):
    /// NCHW RGB input in 0..1.
    Yolo,
}

/// What to load and how to filter its detections.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct DetectorSpec {
    /// The `.onnx` file.
    pub path: PathBuf,
    pub format: Format,
    /// Class names by class index (see [`read_labels`]).
    pub labels: Vec<String>,
    /// Detections scoring below this are dropped.
    pub score_threshold: f32,
    /// Non-maximum suppression drops a box overlapping a better one of its class above this IoU.
    pub nms_iou: f32,
    /// Input `(width, height)` in pixels, for models whose input size is not fixed in the file.
    /// `None` uses the size the file declares.
    pub input_size: Option<(usize, usize)>,
}

/// Why a model could not be loaded or run.
#[derive(Debug, thiserror::Error)]
pub enum DetectError {
    #[error("model file {path} does not exist")]
    ModelMissing { path: PathBuf },
    #[error("cannot read label map {path}: {source}")]
    Labels { path: PathBuf, source: std::io::Error },
    #[error("label map {path}: line {line} is empty")]
    EmptyLabel { path: PathBuf, line: usize },
    #[error("cannot load model {path}: {source:#}")]
    Load { path: PathBuf, source: TractError },
    #[error("model {path} does not fit the {format:?} format: {reason}")]
    UnsupportedModel { path: PathBuf, format: Format, reason: String },
    #[error("a {width}x{height} RGB frame needs {expected} bytes, got {actual}")]
    BadImage { width: usize, height: usize, expected: usize, actual: usize },
    #[error("inference failed: {source:#}")]
    Inference { source: TractError },
}

/// Reads a label map: one class name a line, line N naming class N.
pub fn read_labels(path: &Path) -> Result<Vec<String>, DetectError> {
    let text = std::fs::read_to_string(path).map_err(|source| DetectError::Labels { path: path.into(), source })?;
    let labels: Vec<String> = text.lines().map(|l| l.trim().to_owned()).collect();
    let empty = if labels.is_empty() { Some(0) } else { labels.iter().position(String::is_empty) };
    match empty {
        Some(i) => Err(DetectError::EmptyLabel { path: path.into(), line: i + 1 }),
        None => Ok(labels),
    }
}

/// How the model's outputs are decoded, recognised when it is loaded.
#[derive(Debug, Clone, PartialEq)]
enum Decoder {
    NanoDet(nanodet::Heads),
    BlazeFace(blazeface::Heads),
    Yolo(yolo::Head),
}

/// A loaded and optimised detection model. Cheap to share: `detect` takes `&self` and may run
/// on several threads at once.
#[derive(Debug)]
pub struct Detector {
    plan: Arc<TypedRunnableModel>,
    decoder: Decoder,
    pixels: Pixels,
    width: usize,
    height: usize,
    labels: Vec<String>,
    score_threshold: f32,
    nms_iou: f32,
}

impl Detector {
    /// Loads and optimises the model and checks that its input and outputs fit the format and
    /// the label map.
    pub fn load(spec: DetectorSpec) -> Result<Self, DetectError> {
        let DetectorSpec { path, format, labels, score_threshold, nms_iou, input_size } = spec;
        let unsupported = |reason: String| DetectError::UnsupportedModel { path: path.clone(), format, reason };
        if !path.is_file() {
            return Err(DetectError::ModelMissing { path });
        }
        if labels.is_empty() {
            return Err(unsupported("the label map is empty".into()));
        }
        let load = |source| DetectError::Load { path: path.clone(), source };
        let pixels = match format {
            Format::NanoDet => nanodet::PIXELS,
            Format::BlazeFace => blazeface::PIXELS,
            Format::Yolo => yolo::PIXELS,
        };
        let model = tract_onnx::onnx().model_for_path(&path).map_err(load)?;
        if model.inputs.len() != 1 {
            return Err(unsupported(format!("expected one input, found {}", model.inputs.len())));
        }
        let declared = model.input_fact(0).map_err(load)?;
        let (width, height) =
            input_size.map_or_else(|| declared_size(declared, pixels.layout), Ok).map_err(unsupported)?;
        if width == 0 || height == 0 {
            return Err(unsupported(format!("an input of {width}x{height} pixels is empty")));
        }
        let plan = model
            .with_input_fact(0, f32::fact(pixels.shape(width, height)).into())
            .and_then(|m| m.into_optimized())
            .and_then(|m| m.into_runnable())
            .map_err(load)?;
        let shapes = output_shapes(plan.model()).map_err(unsupported)?;
        let decoder = match format {
            Format::NanoDet => nanodet::Heads::new(&shapes, width, height, labels.len()).map(Decoder::NanoDet),
            Format::BlazeFace => blazeface::Heads::new(&shapes, width, height).map(Decoder::BlazeFace),
            Format::Yolo => yolo::Head::new(&shapes, labels.len()).map(Decoder::Yolo),
        }
        .map_err(unsupported)?;
        Ok(Detector { plan, decoder, pixels, width, height, labels, score_threshold, nms_iou })
    }

    /// The committed NanoDet-g in `models_dir` with the COCO label map, threshold 0.4 and
    /// NMS IoU 0.6 (see `models/README.md`).
    pub fn nanodet_default(models_dir: &Path) -> Result<Self, DetectError> {
        Detector::load(DetectorSpec {
            path: models_dir.join("nanodet-g.onnx"),
            format: Format::NanoDet,
            labels: read_labels(&models_dir.join("labels-coco.txt"))?,
            score_threshold: 0.4,
            nms_iou: 0.6,
            input_size: None,
        })
    }

    /// The committed BlazeFace in `models_dir`, label `face`, threshold 0.6 and NMS IoU 0.3.
    /// It also fires on animal faces (up to about 0.75 on the test cat).
    pub fn blazeface_default(models_dir: &Path) -> Result<Self, DetectError> {
        Detector::load(DetectorSpec {
            path: models_dir.join("blazeface.onnx"),
            format: Format::BlazeFace,
            labels: vec!["face".into()],
            score_threshold: 0.6,
            nms_iou: 0.3,
            input_size: None,
        })
    }

    /// Class names by class index.
    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    /// The model input `(width, height)` frames are letterboxed to.
    pub fn input_size(&self) -> (usize, usize) {
        (self.width, self.height)
    }

    /// Finds objects in an RGB frame (3 bytes a pixel, rows packed, top row first), best first.
    pub fn detect(&self, rgb: &[u8], width: usize, height: usize) -> Result<Vec<Detection>, DetectError> {
        let expected = width.checked_mul(height).and_then(|n| n.checked_mul(3)).unwrap_or(usize::MAX);
        if width == 0 || height == 0 || rgb.len() != expected {
            return Err(DetectError::BadImage { width, height, expected, actual: rgb.len() });
        }
        let inference = |source| DetectError::Inference { source };
        let lb = Letterbox::new(width, height, self.width, self.height);
        let input = self.pixels.tensor(rgb, &lb, self.width, self.height).map_err(inference)?;
        let outputs = self.plan.run(tvec!(input.into_tvalue())).map_err(inference)?;
        let mut found = vec![];
        match &self.decoder {
            Decoder::NanoDet(heads) => heads.decode(&outputs, self.score_threshold, &mut found),
            Decoder::BlazeFace(heads) => heads.decode(&outputs, self.score_threshold, &mut found),
            Decoder::Yolo(head) => head.decode(&outputs, self.score_threshold, &mut found),
        }
        .map_err(inference)?;
        nms::suppress(&mut found, self.nms_iou);
        Ok(found
            .iter()
            .map(|c| Detection { label: self.labels[c.class].clone(), score: c.score, bbox: lb.normalize(&c.bbox) })
            .collect())
    }
}

/// The `(width, height)` a model file declares for its image input.
fn declared_size(fact: &InferenceFact, layout: Layout) -> Result<(usize, usize), String> {
    let shape = &fact.shape;
    let dims = shape.as_concrete_finite().ok().flatten();
    let expected = match layout {
        Layout::Nchw => "[1, 3, height, width]",
        Layout::Nhwc => "[1, height, width, 3]",
    };
    match (dims.as_deref(), layout) {
        (Some(&[1, 3, h, w]), Layout::Nchw) | (Some(&[1, h, w, 3]), Layout::Nhwc) => Ok((w, h)),
        (Some(_), _) => Err(format!("the input is [{shape:?}], expected {expected}")),
        (None, _) => Err(format!("the input size is not fixed in the model ({shape:?}); set input_size")),
    }
}

/// The static shapes of a model's f32 outputs.
fn output_shapes(model: &TypedModel) -> Result<Vec<Vec<usize>>, String> {
    (0..model.outputs.len())
        .map(|i| {
            let fact = model.output_fact(i).map_err(|e| e.to_string())?;
            if fact.datum_type != f32::datum_type() {
                return Err(format!("output {i} holds {:?}, expected f32", fact.datum_type));
            }
            fact.shape.as_concrete().map(<[usize]>::to_vec).ok_or_else(|| format!("output {i} has no fixed shape"))
        })
        .collect()
}

/// Output `index` as f32 values, checked to hold `len` of them.
fn output_slice(outputs: &[TValue], index: usize, len: usize) -> TractResult<&[f32]> {
    let values = outputs.get(index).context("missing output")?.try_as_plain_ram()?.as_slice::<f32>()?;
    if values.len() != len {
        bail!("output {index} holds {} values, expected {len}", values.len());
    }
    Ok(values)
}

#[cfg(test)]
mod tests {
    use super::test_images::{detect_in, models};
    use super::*;

    #[test]
    fn runs_on_several_threads_at_once() {
        let detector = Detector::blazeface_default(&models()).unwrap();
        let alone = detect_in(&detector, "astronaut.jpg");
        std::thread::scope(|s| {
            let threads: Vec<_> = (0..2).map(|_| s.spawn(|| detect_in(&detector, "astronaut.jpg"))).collect();
            for t in threads {
                assert_eq!(t.join().unwrap(), alone);
            }
        });
    }

    #[test]
    fn explains_missing_files_and_mismatched_models() {
        let dir = models();
        let missing = Detector::blazeface_default(Path::new("/nonexistent")).unwrap_err();
        assert_eq!(missing.to_string(), "model file /nonexistent/blazeface.onnx does not exist");
        let spec = |path: &str, format| DetectorSpec {
            path: dir.join(path),
            format,
            labels: vec!["face".into()],
            score_threshold: 0.5,
            nms_iou: 0.5,
            input_size: None,
        };
        let nanodet_as_face = Detector::load(spec("nanodet-g.onnx", Format::BlazeFace)).unwrap_err();
        assert!(nanodet_as_face.to_string().contains("expected [1, height, width, 3]"), "{nanodet_as_face}");
        let face_as_yolo = Detector::load(spec("blazeface.onnx", Format::Yolo)).unwrap_err();
        assert!(matches!(face_as_yolo, DetectError::UnsupportedModel { .. }), "{face_as_yolo}");
        let few_labels = Detector::load(spec("nanodet-g.onnx", Format::NanoDet)).unwrap_err();
        assert!(few_labels.to_string().contains("label map has 1 names but the model scores 80"), "{few_labels}");
    }

    #[test]
    fn rejects_frames_of_the_wrong_size() {
        let detector = Detector::blazeface_default(&models()).unwrap();
        let err = detector.detect(&[0; 10], 2, 2).unwrap_err();
        assert_eq!(err.to_string(), "a 2x2 RGB frame needs 12 bytes, got 10");
        assert!(matches!(detector.detect(&[], 0, 0), Err(DetectError::BadImage { .. })));
    }

    #[test]
    fn reads_the_coco_label_map() {
        let labels = read_labels(&models().join("labels-coco.txt")).unwrap();
        assert_eq!((labels.len(), &*labels[0], &*labels[15], &*labels[67]), (80, "person", "cat", "cell phone"));
        assert!(matches!(read_labels(Path::new("/nonexistent")), Err(DetectError::Labels { .. })));
    }
}
