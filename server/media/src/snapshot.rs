//! Still pictures of a camera: its latest keyframe decoded (OpenH264) and encoded as JPEG.
//! Used as the player's poster and as the fallback where WebRTC H.264 does not play.

use super::frame::Frame;
use bytes::Bytes;
use mingchu_domain::vocab::CameraId;
use openh264::decoder::Decoder;
use openh264::formats::YUVSource;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error("H.264 decoder: {0}")]
    Decode(String),
    #[error("the keyframe held no picture")]
    NoPicture,
    #[error("JPEG encoder: {0}")]
    Encode(String),
}

/// The JPEG of each camera's latest keyframe, made at most once per keyframe.
#[derive(Clone, Default)]
pub struct Snapshots {
    cache: Arc<Mutex<HashMap<CameraId, (Instant, Bytes)>>>,
}

impl Snapshots {
    /// The JPEG for `keyframe`, from the cache when it was already made.
    pub async fn jpeg(&self, camera: CameraId, keyframe: Arc<Frame>) -> Result<Bytes, SnapshotError> {
        if let Some((at, jpeg)) = self.cache.lock().expect("snapshot lock").get(&camera) {
            if *at == keyframe.received {
                return Ok(jpeg.clone());
            }
        }
        let received = keyframe.received;
        let jpeg = tokio::task::spawn_blocking(move || encode_jpeg(&keyframe))
            .await
            .map_err(|e| SnapshotError::Decode(e.to_string()))??;
        self.cache.lock().expect("snapshot lock").insert(camera, (received, jpeg.clone()));
        Ok(jpeg)
    }

    /// The last JPEG made for the camera, however old (for cameras that are not running now).
    pub fn last(&self, camera: CameraId) -> Option<Bytes> {
        self.cache.lock().expect("snapshot lock").get(&camera).map(|(_, jpeg)| jpeg.clone())
    }
}

pub fn encode_jpeg(keyframe: &Frame) -> Result<Bytes, SnapshotError> {
    let mut decoder = Decoder::new().map_err(|e| SnapshotError::Decode(e.to_string()))?;
    let picture = decoder.decode(&keyframe.annexb).map_err(|e| SnapshotError::Decode(e.to_string()))?;
    let (rgb, w, h) = match picture {
        Some(p) => to_rgb(&p),
        None => {
            let rest = decoder.flush_remaining().map_err(|e| SnapshotError::Decode(e.to_string()))?;
            to_rgb(rest.first().ok_or(SnapshotError::NoPicture)?)
        }
    };
    let mut out = Vec::with_capacity(rgb.len() / 10);
    jpeg_encoder::Encoder::new(&mut out, 80)
        .encode(&rgb, w as u16, h as u16, jpeg_encoder::ColorType::Rgb)
        .map_err(|e| SnapshotError::Encode(e.to_string()))?;
    Ok(Bytes::from(out))
}

fn to_rgb(picture: &openh264::decoder::DecodedYUV<'_>) -> (Vec<u8>, usize, usize) {
    let (w, h) = picture.dimensions();
    let mut rgb = vec![0u8; w * h * 3];
    picture.write_rgb8(&mut rgb);
    (rgb, w, h)
}
