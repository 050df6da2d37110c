//! Complaint photos: the format is decided by the bytes, never by the file name; the picture
//! is decoded under size limits, turned upright by its EXIF orientation, scaled down to a
//! sensible size and re-encoded as a fresh JPEG, so no metadata (EXIF, GPS, maker notes,
//! ICC, comments) survives. Pure functions, no I/O.

use app::api::PhotoFault;
use image::{DynamicImage, ImageDecoder, ImageError, ImageFormat, ImageReader, Limits, Rgb, RgbImage};
use sha2::{Digest, Sha256};
use std::io::Cursor;

/// The longest side of a stored photo; larger pictures are scaled down.
pub const MAX_STORED_SIDE: u32 = 2048;
/// Pictures wider or taller than this, or with more pixels than [`MAX_PIXELS`], are refused
/// before decoding (a small PNG can claim a huge picture).
const MAX_SIDE: u32 = 16_384;
/// 50 megapixels: above the 48 MP of the largest phone cameras.
const MAX_PIXELS: u64 = 50_000_000;
const MAX_DECODE_BYTES: u64 = 512 * 1024 * 1024;
const JPEG_QUALITY: u8 = 85;

/// A photo ready to store.
#[derive(Debug, PartialEq)]
pub struct CleanPhoto {
    pub jpeg: Vec<u8>,
    pub width: u32,
    pub height: u32,
    /// SHA-256 (hex) of `jpeg`.
    pub sha256: String,
}

/// What the first bytes say a file is.
#[derive(Debug, PartialEq, Eq)]
pub enum Sniffed {
    Supported(ImageFormat),
    /// A picture format we do not decode (its common name).
    Unsupported(&'static str),
    NotAnImage,
}

pub fn sniff(bytes: &[u8]) -> Sniffed {
    let starts = |magic: &[u8]| bytes.starts_with(magic);
    if starts(&[0xFF, 0xD8, 0xFF]) {
        return Sniffed::Supported(ImageFormat::Jpeg);
    }
    if starts(b"\x89PNG\r\n\x1a\n") {
        return Sniffed::Supported(ImageFormat::Png);
    }
    if bytes.len() >= 12 && starts(b"RIFF") && &bytes[8..12] == b"WEBP" {
        return Sniffed::Supported(ImageFormat::WebP);
    }
    if bytes.len() >= 12 && &bytes[4..8] == b"ftyp" {
        return match &bytes[8..12] {
            b"heic" | b"heix" | b"hevc" | b"hevx" | b"heim" | b"heis" | b"hevm" | b"hevs" | b"mif1" | b"msf1" => {
                Sniffed::Unsupported("HEIC")
            }
            b"avif" | b"avis" => Sniffed::Unsupported("AVIF"),
            _ => Sniffed::NotAnImage,
        };
    }
    if starts(b"GIF87a") || starts(b"GIF89a") {
        return Sniffed::Unsupported("GIF");
    }
    if starts(b"BM") && bytes.len() > 26 {
        return Sniffed::Unsupported("BMP");
    }
    if starts(b"II*\0") || starts(b"MM\0*") {
        return Sniffed::Unsupported("TIFF");
    }
    Sniffed::NotAnImage
}

/// The format `bytes` are in, when it is one we decode.
fn decodable_format(bytes: &[u8]) -> Result<ImageFormat, PhotoFault> {
    if bytes.is_empty() {
        return Err(PhotoFault::Empty);
    }
    match sniff(bytes) {
        Sniffed::Supported(format) => Ok(format),
        Sniffed::Unsupported(name) => Err(PhotoFault::Unsupported { format: name.to_string() }),
        Sniffed::NotAnImage => Err(PhotoFault::NotAnImage),
    }
}

/// What decoding `bytes` will take in memory, from the picture's header alone: its pixels at
/// their own depth plus the RGB copy made from them. Refuses what cannot be decoded at all.
pub fn decode_cost(bytes: &[u8]) -> Result<u64, PhotoFault> {
    let format = decodable_format(bytes)?;
    let decoder = ImageReader::with_format(Cursor::new(bytes), format).into_decoder().map_err(fault)?;
    let (w, h) = decoder.dimensions();
    if w > MAX_SIDE || h > MAX_SIDE || w as u64 * h as u64 > MAX_PIXELS {
        return Err(PhotoFault::TooManyPixels);
    }
    let depth = decoder.color_type().bytes_per_pixel() as u64;
    Ok(w as u64 * h as u64 * (depth + 3))
}

/// Checks, decodes, straightens, scales and re-encodes one uploaded photo.
pub fn clean(bytes: &[u8]) -> Result<CleanPhoto, PhotoFault> {
    let format = decodable_format(bytes)?;
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(fault)?;
    let (w, h) = decoder.dimensions();
    if w as u64 * h as u64 > MAX_PIXELS {
        return Err(PhotoFault::TooManyPixels);
    }
    let orientation = decoder.orientation().unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut picture = DynamicImage::from_decoder(decoder).map_err(fault)?;
    picture.apply_orientation(orientation);
    let rgb = shrink(flatten_on_white(picture));
    let (width, height) = rgb.dimensions();
    let mut jpeg = Vec::new();
    jpeg_encoder::Encoder::new(&mut jpeg, JPEG_QUALITY)
        .encode(&rgb, width as u16, height as u16, jpeg_encoder::ColorType::Rgb)
        .map_err(|_| PhotoFault::Damaged)?;
    let sha256 = hex::encode(Sha256::digest(&jpeg));
    Ok(CleanPhoto { jpeg, width, height, sha256 })
}

fn fault(e: ImageError) -> PhotoFault {
    match e {
        ImageError::Limits(_) => PhotoFault::TooManyPixels,
        _ => PhotoFault::Damaged,
    }
}

/// RGB, with any transparency composited over white (JPEG has no alpha).
fn flatten_on_white(picture: DynamicImage) -> RgbImage {
    if !picture.color().has_alpha() {
        return picture.into_rgb8();
    }
    let rgba = picture.into_rgba8();
    RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let px = rgba.get_pixel(x, y);
        let a = px[3] as u32;
        Rgb([0, 1, 2].map(|i| ((px[i] as u32 * a + 255 * (255 - a)) / 255) as u8))
    })
}

/// Scales a picture down to [`MAX_STORED_SIDE`]. Halving by averaging 2×2 blocks is cheap and
/// sharp, so it is used while it keeps at least 80% of the target size (a 12-megapixel phone
/// photo becomes 2016×1512 in one step); a filtered resize does the rest.
fn shrink(mut rgb: RgbImage) -> RgbImage {
    let long = |i: &RgbImage| i.width().max(i.height());
    while long(&rgb) > MAX_STORED_SIDE {
        if long(&rgb) * 10 >= MAX_STORED_SIDE * 16 {
            rgb = halve(&rgb);
        } else {
            rgb = image::imageops::resize(
                &rgb,
                (rgb.width() * MAX_STORED_SIDE / long(&rgb)).max(1),
                (rgb.height() * MAX_STORED_SIDE / long(&rgb)).max(1),
                image::imageops::FilterType::Triangle,
            );
        }
    }
    rgb
}

/// Each output pixel is the mean of a 2×2 block (an odd last row or column is dropped).
fn halve(rgb: &RgbImage) -> RgbImage {
    RgbImage::from_fn((rgb.width() / 2).max(1), (rgb.height() / 2).max(1), |x, y| {
        let (x0, y0) = (2 * x, 2 * y);
        let (x1, y1) = ((x0 + 1).min(rgb.width() - 1), (y0 + 1).min(rgb.height() - 1));
        let ps = [rgb.get_pixel(x0, y0), rgb.get_pixel(x1, y0), rgb.get_pixel(x0, y1), rgb.get_pixel(x1, y1)];
        Rgb([0, 1, 2].map(|i| ((ps.iter().map(|p| p[i] as u32).sum::<u32>() + 2) / 4) as u8))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A JPEG of `w`×`h` with a red left half, straight from the encoder (no metadata).
    fn plain_jpeg(w: u16, h: u16) -> Vec<u8> {
        let mut rgb = Vec::new();
        for _y in 0..h {
            for x in 0..w {
                rgb.extend_from_slice(if x < w / 2 { &[220, 20, 20] } else { &[20, 20, 220] });
            }
        }
        let mut out = Vec::new();
        jpeg_encoder::Encoder::new(&mut out, 90).encode(&rgb, w, h, jpeg_encoder::ColorType::Rgb).unwrap();
        out
    }

    /// An EXIF APP1 segment: orientation, and a text marker standing in for GPS data.
    pub(crate) fn exif_segment(orientation: u16) -> Vec<u8> {
        let mut tiff = b"MM\0\x2a\0\0\0\x08".to_vec();
        tiff.extend_from_slice(&2u16.to_be_bytes());
        // Orientation (0x0112), SHORT, count 1, value.
        tiff.extend_from_slice(&[0x01, 0x12, 0, 3, 0, 0, 0, 1]);
        tiff.extend_from_slice(&orientation.to_be_bytes());
        tiff.extend_from_slice(&[0, 0]);
        // ImageDescription (0x010E), ASCII, count 16, at offset 38.
        tiff.extend_from_slice(&[0x01, 0x0E, 0, 2, 0, 0, 0, 16, 0, 0, 0, 38]);
        tiff.extend_from_slice(&[0, 0, 0, 0]);
        tiff.extend_from_slice(b"GPS 22.7N 114.3E");
        let mut payload = b"Exif\0\0".to_vec();
        payload.extend_from_slice(&tiff);
        let mut seg = vec![0xFF, 0xE1];
        seg.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
        seg.extend_from_slice(&payload);
        seg
    }

    /// `plain_jpeg` with an EXIF segment right after the start-of-image marker.
    pub(crate) fn jpeg_with_exif(w: u16, h: u16, orientation: u16) -> Vec<u8> {
        let plain = plain_jpeg(w, h);
        let mut out = plain[..2].to_vec();
        out.extend_from_slice(&exif_segment(orientation));
        out.extend_from_slice(&plain[2..]);
        out
    }

    /// The CRC of a PNG chunk (type and data).
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for b in bytes {
            crc ^= *b as u32;
            for _ in 0..8 {
                crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
            }
        }
        !crc
    }

    fn contains(hay: &[u8], needle: &[u8]) -> bool {
        hay.windows(needle.len()).any(|w| w == needle)
    }

    #[test]
    fn exif_is_removed_and_orientation_applied() {
        let input = jpeg_with_exif(64, 32, 6);
        assert!(contains(&input, b"Exif") && contains(&input, b"GPS 22.7N"));
        let photo = clean(&input).expect("a valid photo");
        assert!(!contains(&photo.jpeg, b"Exif"));
        assert!(!contains(&photo.jpeg, b"GPS 22.7N"));
        // Orientation 6 is "rotate 90° clockwise to view": the stored photo is upright.
        assert_eq!((photo.width, photo.height), (32, 64));
        let decoded = image::load_from_memory(&photo.jpeg).unwrap().into_rgb8();
        // The red half, on the left before rotation, is now at the top.
        let top = decoded.get_pixel(16, 4);
        assert!(top[0] > 150 && top[2] < 100, "{top:?}");
    }

    #[test]
    fn formats_are_decided_by_content() {
        assert_eq!(clean(b"just some text, named photo.jpg"), Err(PhotoFault::NotAnImage));
        assert_eq!(clean(b""), Err(PhotoFault::Empty));
        let mut heic = vec![0, 0, 0, 24];
        heic.extend_from_slice(b"ftypheic\0\0\0\0mif1heic");
        assert_eq!(clean(&heic), Err(PhotoFault::Unsupported { format: "HEIC".into() }));
        assert_eq!(clean(b"GIF89a\x01\0\x01\0"), Err(PhotoFault::Unsupported { format: "GIF".into() }));
        let jpeg = plain_jpeg(20, 20);
        assert_eq!(clean(&jpeg[..40]), Err(PhotoFault::Damaged));
    }

    #[test]
    fn png_and_webp_are_accepted_and_large_pictures_scaled() {
        let img = DynamicImage::new_rgba8(3000, 1000);
        let mut png = Vec::new();
        img.write_to(&mut Cursor::new(&mut png), ImageFormat::Png).unwrap();
        let photo = clean(&png).unwrap();
        assert_eq!((photo.width, photo.height), (2048, 682));
        // Transparent pixels become white, not black.
        let decoded = image::load_from_memory(&photo.jpeg).unwrap().into_rgb8();
        assert!(decoded.get_pixel(10, 10)[0] > 240);

        let small = DynamicImage::new_rgb8(40, 30);
        let mut webp = Vec::new();
        small.write_to(&mut Cursor::new(&mut webp), ImageFormat::WebP).unwrap();
        assert_eq!(sniff(&webp), Sniffed::Supported(ImageFormat::WebP));
        assert_eq!(clean(&webp).map(|p| (p.width, p.height)), Ok((40, 30)));
    }

    #[test]
    fn phone_photos_are_halved_and_keep_their_colours() {
        let photo = clean(&plain_jpeg(4096, 3072)).unwrap();
        assert_eq!((photo.width, photo.height), (2048, 1536));
        let decoded = image::load_from_memory(&photo.jpeg).unwrap().into_rgb8();
        let (left, right) = (decoded.get_pixel(100, 700), decoded.get_pixel(1900, 700));
        assert!(left[0] > 180 && left[2] < 60, "{left:?}");
        assert!(right[2] > 180 && right[0] < 60, "{right:?}");
        // 8000 pixels: halved twice.
        let wide = RgbImage::new(8000, 100);
        assert_eq!(shrink(wide).dimensions(), (2000, 25));
    }

    #[test]
    fn absurd_dimensions_are_refused_before_decoding() {
        // A PNG header claiming 100000×100000 pixels.
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        png.extend_from_slice(&100_000u32.to_be_bytes());
        png.extend_from_slice(&100_000u32.to_be_bytes());
        png.extend_from_slice(&[8, 2, 0, 0, 0]);
        let crc = 0u32; // the decoder checks limits before the CRC matters
        png.extend_from_slice(&crc.to_be_bytes());
        assert!(matches!(clean(&png), Err(PhotoFault::TooManyPixels | PhotoFault::Damaged)));
        // 10000×10000 is within the side limit but over 50 megapixels: refused unread.
        let mut big = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        big.extend_from_slice(&10_000u32.to_be_bytes());
        big.extend_from_slice(&10_000u32.to_be_bytes());
        big.extend_from_slice(&[8, 2, 0, 0, 0]);
        big.extend_from_slice(&crc32(&big[12..]).to_be_bytes());
        // The decoder reads the header up to the first image data chunk.
        big.extend_from_slice(&[0, 0, 0, 0]);
        big.extend_from_slice(b"IDAT");
        big.extend_from_slice(&crc32(b"IDAT").to_be_bytes());
        assert_eq!(clean(&big), Err(PhotoFault::TooManyPixels));
    }
}
