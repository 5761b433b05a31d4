//! Uploaded images: checked (type, bytes, pixels) before decoding, decoded under the image
//! crate's limits, then shrunk and re-encoded, so nothing a member uploads is ever served as
//! they sent it. Shrinking averages the decoded pixels straight into the size served, so an
//! upload costs its decoded pixels and little more.

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
    // Enough for this image at 16 bits a channel with alpha, and no more.
    limits.max_alloc = Some(pixels.saturating_mul(8).max(1 << 20));
    reader.limits(limits);
    // A codec may fail an assertion on a damaged file (the fuzz target found one in
    // zune-jpeg's upsampler): that is a damaged image too, not a crashed upload.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| reader.decode()))
        .map_err(|_| corrupt())?
        .map_err(|_| corrupt())
}

/// Checks and re-encodes an upload. Errors are sentences for the member.
pub fn process(bytes: &[u8], max_bytes: usize, max_pixels: u64) -> Result<PhotoSet, String> {
    let img = decode(bytes, max_bytes, max_pixels)?;
    let large = square(&img, LARGE);
    drop(img);
    Ok(PhotoSet {
        small: jpeg(&large.thumbnail_exact(SMALL, SMALL))?,
        large: jpeg(&large)?,
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
    let (w, h) = (img.width(), img.height());
    if w <= max_side && h <= max_side {
        return jpeg(&img);
    }
    // The longer side becomes `max_side`; the other keeps the proportions.
    let (w, h) = scaled(w, h, f64::from(max_side) / f64::from(w.max(h)));
    jpeg(&img.thumbnail_exact(w, h))
}

/// `w` × `h` times `scale`, at least a pixel each way.
fn scaled(w: u32, h: u32, scale: f64) -> (u32, u32) {
    let side = |n: u32| ((f64::from(n) * scale).round() as u32).max(1);
    (side(w), side(h))
}

/// The centred square of `img`, `size` pixels a side. The square is cut first (a copy only
/// when the image is not square already), so a strip of an image is never scaled to a huge
/// strip first. Shrinking averages the source pixels straight into the target
/// (`thumbnail_exact`: no full-size intermediate buffers, which a filtered resize of a
/// 16-megapixel image would make at 16 bytes a pixel); the rare enlargement of a small photo
/// is filtered.
fn square(img: &DynamicImage, size: u32) -> DynamicImage {
    let (w, h) = (img.width(), img.height());
    let side = w.min(h);
    let cut;
    let sq = if w == h {
        img
    } else {
        cut = img.crop_imm((w - side) / 2, (h - side) / 2, side, side);
        &cut
    };
    if side > size {
        sq.thumbnail_exact(size, size)
    } else {
        sq.resize_exact(size, size, FilterType::Lanczos3)
    }
}

fn jpeg(img: &DynamicImage) -> Result<Vec<u8>, String> {
    let (w, h) = (img.width(), img.height());
    let opaque = || match img {
        DynamicImage::ImageRgba8(buf) => buf.as_raw().chunks_exact(4).all(|p| p[3] == u8::MAX),
        _ => false,
    };
    let rgb = if img.color().has_alpha() && !opaque() {
        // JPEG has no alpha: flatten onto white.
        let rgba = img.to_rgba8().into_raw();
        let mut rgb = Vec::with_capacity(rgba.len() / 4 * 3);
        for p in rgba.chunks_exact(4) {
            let a = u32::from(p[3]);
            for &c in &p[..3] {
                rgb.push(((u32::from(c) * a + 255 * (255 - a)) / 255) as u8);
            }
        }
        rgb
    } else {
        img.to_rgb8().into_raw()
    };
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85)
        .encode(&rgb, w, h, image::ExtendedColorType::Rgb8)
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

    /// JPEGs the photo fuzz target found (fuzz/seeds/photo/crash-zune-upsample-*.bin): their
    /// progressive scans make zune-jpeg's upsampler fail an assertion. A damaged image is
    /// refused with a sentence, never a panic (a 500, and a lost upload worker).
    #[test]
    fn a_jpeg_that_makes_the_decoder_panic_is_refused_as_damaged() {
        for bytes in [
            &include_bytes!("../testdata/jpeg-upsampler-panic-1.jpg")[..],
            &include_bytes!("../testdata/jpeg-upsampler-panic-2.jpg")[..],
        ] {
            let fitted = fit_jpeg(bytes, 5 << 20, 16_000_000, 1_600);
            let photo = process(bytes, 5 << 20, 16_000_000).map(|_| ());
            for result in [fitted.map(|_| ()), photo] {
                // Where the decoder takes another path (no AVX2) it may read the image.
                if let Err(m) = result {
                    assert!(m.contains("damaged"), "{m}");
                }
            }
        }
    }

    /// A strip of an image (the photo fuzz target's slowest input was 1,028 × 2 pixels): its
    /// square is cut first, so it is not scaled to a 400-pixel-high strip first (for
    /// 16,000 × 1 pixels, billions of pixels; for 1,028 × 2, 82 million and 20 seconds).
    #[test]
    fn a_photo_that_is_a_strip_is_cut_square_before_it_is_scaled() {
        for (w, h) in [(16_000, 1), (1, 16_000), (1_028, 2)] {
            let set = process(&png(w, h), 5 << 20, 16_000_000).unwrap();
            let large = image::load_from_memory(&set.large).unwrap();
            assert_eq!((large.width(), large.height()), (400, 400), "{w}×{h}");
            let post = fit_jpeg(&png(w, h), 5 << 20, 16_000_000, 1_600).unwrap();
            let post = image::load_from_memory(&post).unwrap();
            assert_eq!(
                post.width().max(post.height()),
                1_600.min(w.max(h)),
                "{w}×{h}"
            );
        }
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
    fn fits_the_longer_side_and_keeps_the_proportions() {
        let out = fit_jpeg(&png(3_000, 1_200), 5 << 20, 40_000_000, 1_600).unwrap();
        let img = image::load_from_memory(&out).unwrap();
        assert_eq!((img.width(), img.height()), (1_600, 640));
        let small = fit_jpeg(&png(300, 200), 5 << 20, 40_000_000, 1_600).unwrap();
        let img = image::load_from_memory(&small).unwrap();
        assert_eq!((img.width(), img.height()), (300, 200), "never enlarged");
        // the colour survives shrinking (red, flattened onto white where transparent)
        let p = img.to_rgb8().get_pixel(150, 100).0;
        assert!(p[0] > 180 && p[1] < 60 && p[2] < 60, "{p:?}");
    }

    #[test]
    fn a_small_photo_is_enlarged_to_the_sizes_served() {
        let set = process(&png(120, 90), 5 << 20, 40_000_000).unwrap();
        let large = image::load_from_memory(&set.large).unwrap();
        assert_eq!((large.width(), large.height()), (400, 400));
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
