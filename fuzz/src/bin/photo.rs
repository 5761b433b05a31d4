//! Fuzz target: an uploaded image (its header first: type, size, claimed pixels) through
//! `guild_core::photo::process` (profile photos) and `guild_core::photo::fit_jpeg` (post
//! images), with small byte and pixel limits so a run stays fast. Whatever is accepted comes
//! out as a JPEG of the promised size.

use guild_core::photo::{fit_jpeg, process, LARGE, SMALL};

const MAX_BYTES: usize = 64 * 1024;
/// 64×64: small, so an accepted image decodes and resizes quickly.
const MAX_PIXELS: u64 = 64 * 64;
const MAX_SIDE: u32 = 16;

fn main() {
    // `nohook`: a codec's panic that `photo` catches (and refuses as a damaged image) is the
    // promised behaviour, not a crash; a panic that escapes still aborts the run.
    afl::fuzz_nohook!(|data: &[u8]| {
        // The first byte chooses the path: the photo's is the costlier (two fixed sizes).
        let Some((&choice, bytes)) = data.split_first() else {
            return;
        };
        if choice.is_multiple_of(8) {
            if let Ok(set) = process(bytes, MAX_BYTES, MAX_PIXELS) {
                assert_eq!(dimensions(&set.large), (LARGE, LARGE));
                assert_eq!(dimensions(&set.small), (SMALL, SMALL));
            }
        } else if let Ok(jpeg) = fit_jpeg(bytes, MAX_BYTES, MAX_PIXELS, MAX_SIDE) {
            let (w, h) = dimensions(&jpeg);
            assert!(w <= MAX_SIDE && h <= MAX_SIDE && u64::from(w * h) <= MAX_PIXELS);
        }
    });
}

/// A JPEG's size, read from its header.
fn dimensions(jpeg: &[u8]) -> (u32, u32) {
    assert_eq!(image::guess_format(jpeg).unwrap(), image::ImageFormat::Jpeg);
    image::ImageReader::with_format(std::io::Cursor::new(jpeg), image::ImageFormat::Jpeg)
        .into_dimensions()
        .unwrap()
}
