//! Profile photos: checked (type, bytes, pixels) before decoding, then re-encoded, so nothing
//! a member uploads is ever served as they sent it.

use std::io::Cursor;

use image::{imageops::FilterType, DynamicImage, ImageFormat, ImageReader};

pub const LARGE: u32 = 400;
pub const SMALL: u32 = 100;

/// The two sizes served, both JPEG.
#[derive(Debug)]
pub struct PhotoSet {
    pub large: Vec<u8>,
    pub small: Vec<u8>,
}

/// Checks an upload (type, bytes, pixels — from the header, before decoding) and decodes it.
fn decode(bytes: &[u8], max_bytes: usize, max_pixels: u64) -> Result<DynamicImage, String> {
    if bytes.is_empty() {
        return Err("Choose an image file to upload.".into());
    }
    if bytes.len() > max_bytes {
        return Err(format!(
            "The photo is {:.1} MB; the limit is {} MB.",
            bytes.len() as f64 / 1_048_576.0,
            max_bytes / 1_048_576
        ));
    }
    let format = image::guess_format(bytes).map_err(|_| {
        "This file is not an image Guild can read. Use JPEG, PNG or WebP.".to_string()
    })?;
    if !matches!(
        format,
        ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP
    ) {
        return Err(format!(
            "{} images are not accepted. Use JPEG, PNG or WebP.",
            format
                .extensions_str()
                .first()
                .map(|s| s.to_uppercase())
                .unwrap_or_default()
        ));
    }
    let corrupt = || "The image could not be read; it may be damaged.".to_string();
    // Read the dimensions from the header first: a small file can claim a huge canvas.
    let (w, h) = ImageReader::with_format(Cursor::new(bytes), format)
        .into_dimensions()
        .map_err(|_| corrupt())?;
    let pixels = u64::from(w) * u64::from(h);
    if pixels > max_pixels {
        return Err(format!(
            "The photo is {w}×{h} ({:.0} megapixels); the limit is {} megapixels.",
            pixels as f64 / 1e6,
            max_pixels / 1_000_000
        ));
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(w);
    limits.max_image_height = Some(h);
    limits.max_alloc = Some(max_pixels.saturating_mul(8));
    reader.limits(limits);
    reader.decode().map_err(|_| corrupt())
}

/// Checks and re-encodes an upload. Errors are sentences for the member.
pub fn process(bytes: &[u8], max_bytes: usize, max_pixels: u64) -> Result<PhotoSet, String> {
    let img = decode(bytes, max_bytes, max_pixels)?;
    Ok(PhotoSet {
        large: square_jpeg(&img, LARGE)?,
        small: square_jpeg(&img, SMALL)?,
    })
}

/// Checks and re-encodes an image for a post or an article cover: at most `max_side` pixels on
/// the longer side, JPEG, so nothing is served as it was sent (no scripts in SVG, no EXIF).
pub fn fit_jpeg(
    bytes: &[u8],
    max_bytes: usize,
    max_pixels: u64,
    max_side: u32,
) -> Result<Vec<u8>, String> {
    let img = decode(bytes, max_bytes, max_pixels)?;
    let img = if img.width() > max_side || img.height() > max_side {
        img.resize(max_side, max_side, FilterType::Lanczos3)
    } else {
        img
    };
    jpeg(&img)
}

fn square_jpeg(img: &DynamicImage, size: u32) -> Result<Vec<u8>, String> {
    jpeg(&img.resize_to_fill(size, size, FilterType::Lanczos3))
}

fn jpeg(img: &DynamicImage) -> Result<Vec<u8>, String> {
    // JPEG has no alpha: flatten onto white.
    let rgba = img.to_rgba8();
    let mut rgb = image::RgbImage::new(img.width(), img.height());
    for (x, y, p) in rgba.enumerate_pixels() {
        let a = u32::from(p[3]);
        let blend = |c: u8| ((u32::from(c) * a + 255 * (255 - a)) / 255) as u8;
        rgb.put_pixel(x, y, image::Rgb([blend(p[0]), blend(p[1]), blend(p[2])]));
    }
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85)
        .encode_image(&rgb)
        .map_err(|e| format!("The photo could not be saved: {e}"))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbaImage::from_pixel(w, h, image::Rgba([200, 30, 30, 255]));
        let mut out = Vec::new();
        DynamicImage::ImageRgba8(img)
            .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .unwrap();
        out
    }

    #[test]
    fn resizes_to_both_sizes() {
        let set = process(&png(640, 480), 5 << 20, 40_000_000).unwrap();
        let large = image::load_from_memory(&set.large).unwrap();
        let small = image::load_from_memory(&set.small).unwrap();
        assert_eq!((large.width(), large.height()), (400, 400));
        assert_eq!((small.width(), small.height()), (100, 100));
        assert_eq!(image::guess_format(&set.large).unwrap(), ImageFormat::Jpeg);
    }

    #[test]
    fn refuses_what_it_should() {
        assert!(process(b"", 100, 100).unwrap_err().contains("Choose"));
        assert!(process(b"GIF89a......", 1000, 100).is_err());
        assert!(process(b"%PDF-1.4 hello", 1000, 100)
            .unwrap_err()
            .contains("not an image"));
        assert!(process(&png(100, 100), 10, 100_000)
            .unwrap_err()
            .contains("limit"));
        assert!(process(&png(300, 300), 5 << 20, 50_000)
            .unwrap_err()
            .contains("megapixels"));
        let mut broken = png(50, 50);
        broken.truncate(60);
        assert!(process(&broken, 5 << 20, 40_000_000).is_err());
    }
}
