//! Writes the seed corpora under `fuzz/seeds/<target>/` from the tests' own inputs: the XSS
//! corpus, the contact files in `crates/import/tests/fixtures/`, images made the way the
//! tests make them, multipart bodies shaped like the test kit's, and cursors as the API
//! writes them. Run once when they change: `scripts/fuzz.sh --seeds`.

use std::fs;
use std::io::Cursor;
use std::path::{Path, PathBuf};

use base64::Engine;
use guild_core::markup::XSS_CORPUS;
use guild_core::paging::cursor;
use image::{DynamicImage, ImageFormat};

fn main() -> std::io::Result<()> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let seeds = root.join("seeds");
    import(
        &root.join("../crates/import/tests/fixtures"),
        &seeds.join("import"),
    )?;
    markup(&seeds.join("markup"))?;
    paging(&seeds.join("paging"))?;
    photo(&seeds.join("photo"))?;
    multipart(&seeds.join("multipart"))
}

fn fresh(dir: &Path) -> std::io::Result<()> {
    if dir.exists() {
        fs::remove_dir_all(dir)?;
    }
    fs::create_dir_all(dir)
}

fn import(fixtures: &Path, dir: &Path) -> std::io::Result<()> {
    fresh(dir)?;
    for entry in fs::read_dir(fixtures)? {
        let path = entry?.path();
        if let Some(name) = path.file_name().and_then(|n| n.to_str()) {
            if !name.starts_with('.') {
                fs::copy(&path, dir.join(name))?;
            }
        }
    }
    // The crate's doc example, and the shapes its property tests build.
    let extra: [(&str, &[u8]); 4] = [
        ("semicolons.csv", b"name;email;company\nAnn Smith;ann@x.org;Acme\n"),
        ("tabs.csv", b"sep=\t\nName\tE-mail 1 - Value\nAnn\ta@x.org ::: b@x.org\n"),
        (
            "qp_2_1.vcf",
            b"BEGIN:VCARD\nVERSION:2.1\nN;ENCODING=QUOTED-PRINTABLE;CHARSET=ISO-8859-1:M=FCller;J=\n=F6rg\nEND:VCARD\n",
        ),
        ("utf16.csv", &utf16("\u{feff}name,email\nAnn,ann@x.org\n")),
    ];
    for (name, bytes) in extra {
        fs::write(dir.join(name), bytes)?;
    }
    Ok(())
}

fn utf16(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

fn markup(dir: &Path) -> std::io::Result<()> {
    fresh(dir)?;
    let subset = [
        "**bold** *em* `code` and a [link](https://example.com)\nnext line",
        "- one\n- two\n\n1. first\n2. second\n\n> quoted\n\n```rust\nfn main() {}\n```",
        "Hi @ann and @bob-lee, see #Rust and #café at https://example.com/a?b=1. Mail me: ann@x.org",
        "# Heading\n\n![img](https://example.com/a.png)\n\n| a | b |\n|---|---|\n| 1 | 2 |",
        "www.example.com/path, (https://example.com/x) https://example.com/#frag",
    ];
    for (i, text) in XSS_CORPUS.iter().chain(&subset).enumerate() {
        fs::write(dir.join(format!("{i:03}.md")), text)?;
    }
    Ok(())
}

fn paging(dir: &Path) -> std::io::Result<()> {
    fresh(dir)?;
    let raw = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
    let cursors = [
        cursor(&1_700_000_000_000_i64),
        cursor(&(1_700_000_000_000_i64, 42_i64)),
        cursor(&("ann: de vries".to_string(), 7_i64)),
        cursor(&guild_feed::Cursor::Start),
        cursor(&guild_feed::Cursor::Ranked {
            as_of_ms: 1_700_000_000_000,
            offset: 20,
        }),
        cursor(&guild_feed::Cursor::Recent {
            created_ms: 1_700_000_000_000,
            id: 9,
        }),
        raw("01:2"),
        raw("-5:-9223372036854775808"),
        String::new(),
        " %%% ".into(),
    ];
    for (i, c) in cursors.iter().enumerate() {
        // The first byte is the limit: none, the default, the maximum, one past it.
        let limit = [0_u8, 20, 100, 101][i % 4];
        let mut bytes = vec![limit];
        bytes.extend_from_slice(c.as_bytes());
        fs::write(dir.join(format!("{i:02}.cursor")), bytes)?;
    }
    Ok(())
}

/// Images as the tests make them (`testkit::png`, `photo.rs`'s tests), small enough for the
/// target's limits, in each accepted format, plus a header claiming a huge canvas.
fn images() -> Vec<(&'static str, Vec<u8>)> {
    let gradient = |w: u32, h: u32| {
        let mut img = image::RgbImage::new(w, h);
        for (x, y, p) in img.enumerate_pixels_mut() {
            *p = image::Rgb([(x % 256) as u8, (y % 256) as u8, 128]);
        }
        DynamicImage::ImageRgb8(img)
    };
    let translucent = DynamicImage::ImageRgba8(image::RgbaImage::from_pixel(
        12,
        5,
        image::Rgba([200, 30, 30, 100]),
    ));
    let encode = |img: &DynamicImage, format| {
        let mut out = Vec::new();
        img.write_to(&mut Cursor::new(&mut out), format)
            .expect("encode");
        out
    };
    let mut huge = encode(&gradient(4, 4), ImageFormat::Png);
    huge[16..24].copy_from_slice(&[0, 0, 0x40, 0, 0, 0, 0x40, 0]); // 16384×16384 in IHDR
    let mut truncated = encode(&gradient(8, 8), ImageFormat::Png);
    truncated.truncate(60);
    vec![
        ("gradient.png", encode(&gradient(8, 8), ImageFormat::Png)),
        ("wide.png", encode(&gradient(40, 3), ImageFormat::Png)),
        ("alpha.png", encode(&translucent, ImageFormat::Png)),
        ("gradient.jpg", encode(&gradient(16, 16), ImageFormat::Jpeg)),
        ("gradient.webp", encode(&gradient(6, 6), ImageFormat::WebP)),
        ("huge.png", huge),
        ("truncated.png", truncated),
        ("not_an_image.gif", b"GIF89a......".to_vec()),
    ]
}

fn photo(dir: &Path) -> std::io::Result<()> {
    fresh(dir)?;
    for (i, (name, bytes)) in images().into_iter().enumerate() {
        // The first byte chooses `process` (0) or `fit_jpeg` (anything else): both for each.
        for choice in [0_u8, 1] {
            let mut seed = vec![choice];
            seed.extend_from_slice(&bytes);
            fs::write(dir.join(format!("{i}-{choice}-{name}")), seed)?;
        }
    }
    Ok(())
}

fn multipart(dir: &Path) -> std::io::Result<()> {
    fresh(dir)?;
    let b = "guildfuzz";
    let file = |name: &str, filename: &str, ty: &str, data: &[u8]| {
        let mut part = format!(
            "--{b}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\nContent-Type: {ty}\r\n\r\n"
        )
        .into_bytes();
        part.extend_from_slice(data);
        part.extend_from_slice(b"\r\n");
        part
    };
    let text = |name: &str, value: &str| {
        format!("--{b}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
            .into_bytes()
    };
    let end = format!("--{b}--\r\n").into_bytes();
    let png = images().remove(0).1;
    let csv = b"name,email\nAnn Smith,ann@x.org\n".to_vec();
    // The first byte is the kind the route expects: photo, post image, attachment, contacts.
    let bodies: Vec<(&str, u8, Vec<u8>)> = vec![
        (
            "photo",
            0,
            [file("photo", "me.png", "image/png", &png), end.clone()].concat(),
        ),
        (
            "post_image_after_text",
            1,
            [
                text("body", "Hello @ann"),
                file("image", "a.png", "image/png", &png),
                end.clone(),
            ]
            .concat(),
        ),
        (
            "attachment",
            2,
            [
                file("file", "notes.txt", "text/plain", b"hello"),
                end.clone(),
            ]
            .concat(),
        ),
        (
            "contacts",
            3,
            [
                file("file", "Connections.csv", "text/csv", &csv),
                end.clone(),
            ]
            .concat(),
        ),
        (
            "wrong_field",
            0,
            [file("avatar", "me.png", "image/png", &png), end.clone()].concat(),
        ),
        ("empty_form", 2, end.clone()),
        (
            "no_end",
            3,
            file(
                "file",
                "c.vcf",
                "text/vcard",
                b"BEGIN:VCARD\nFN:Ann\nEND:VCARD\n",
            ),
        ),
    ];
    for (name, kind, body) in bodies {
        let mut seed = vec![kind];
        seed.extend_from_slice(&body);
        fs::write(dir.join(format!("{name}.body")), seed)?;
    }
    Ok(())
}
