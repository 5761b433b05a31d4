//! What the outside test found: one member uploading a small PNG that claims a huge canvas,
//! sixteen times at once, took the server to 5.2 GB. Now the pixel limit refuses such an
//! image from its header, and the images Guild accepts are decoded a bounded number at a
//! time, so the real server's resident memory stays under a stated bound.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Cursor;
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// How much the server's peak resident memory may grow while sixteen of the largest images
/// it accepts are uploaded at once: two decodes at a time (the default) take about 50 MB
/// each (16 megapixels at 3 bytes); all sixteen at once would take 800 MB.
const BOUND_MB: u64 = 300;

mod common;
use common::guild;

/// One request over HTTP/1.1; the status and the body.
async fn request(addr: &str, head: &str, body: &[u8]) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "{head}\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(body).await.unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.unwrap();
    let text = String::from_utf8_lossy(&response).to_string();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b.to_string());
    (status, body.unwrap_or_default())
}

/// A PNG of one colour: small on disk, `width` × `height` pixels (3 bytes each) once decoded.
fn flat_png(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbImage::from_pixel(width, height, image::Rgb([40, 90, 200]));
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

fn multipart(data: &[u8]) -> (String, Vec<u8>) {
    let boundary = "----guildmemorytest";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"big.png\"\r\n\
         Content-Type: image/png\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(data);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// `VmHWM` (the peak resident set) of a process, in MB.
fn peak_mb(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .expect("VmHWM in /proc");
    kb / 1024
}

/// Sixteen uploads of `png` as the member's profile photo at once; their statuses and bodies.
async fn sixteen_at_once(addr: &str, token: &str, png: &[u8]) -> Vec<(u16, String)> {
    let (content_type, body) = multipart(png);
    let head = format!(
        "POST /api/v1/me/photo HTTP/1.1\r\nAuthorization: Bearer {token}\r\nContent-Type: {content_type}"
    );
    let tasks: Vec<_> = (0..16)
        .map(|_| {
            let (addr, head, body) = (addr.to_string(), head.clone(), body.clone());
            tokio::spawn(async move { request(&addr, &head, &body).await })
        })
        .collect();
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.unwrap());
    }
    out
}

#[tokio::test]
async fn concurrent_image_uploads_stay_within_the_memory_budget() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("d");
    let created = guild(dir.path())
        .args(["admin", "create-member", "--name", "Ann Upload"])
        .args(["--email", "ann@example.com", "--password", "long enough pw"])
        .arg("--data-dir")
        .arg(&data)
        .output()
        .await
        .unwrap();
    assert!(created.status.success(), "{:?}", created);
    let mut server = guild(dir.path())
        .args(["serve", "--bind", "127.0.0.1:0", "--data-dir"])
        .arg(&data)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let pid = server.id().unwrap();
    let mut lines = BufReader::new(server.stdout.take().unwrap()).lines();
    let addr = tokio::time::timeout(Duration::from_secs(60), async {
        while let Some(line) = lines.next_line().await.unwrap() {
            if let Some(a) = line.strip_prefix("listening on http://") {
                return a.to_string();
            }
        }
        panic!("the server stopped before listening")
    })
    .await
    .expect("no listening line in time");

    let (status, body) = request(
        &addr,
        "POST /api/v1/auth/tokens HTTP/1.1\r\nContent-Type: application/json",
        br#"{"email":"ann@example.com","password":"long enough pw"}"#,
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let token: serde_json::Value = serde_json::from_str(&body).unwrap();
    let token = token["token"].as_str().unwrap().to_string();
    let before = peak_mb(pid);

    // The image of the finding: 152 KB of PNG claiming 6,320 × 6,320 pixels. Refused from
    // its header, never decoded.
    let huge = flat_png(6_320, 6_320);
    for (status, body) in sixteen_at_once(&addr, &token, &huge).await {
        assert_eq!(status, 422, "{body}");
        assert!(body.contains("megapixels"), "{body}");
    }
    // A strip of an image (the photo fuzz target's slowest input was 1,028 × 2 pixels): its
    // square is cut before it is scaled, so it never becomes a 205,600 × 400 strip of a
    // quarter of a gigabyte on its way to a 400-pixel photo.
    let strip = flat_png(1_028, 2);
    for (status, body) in sixteen_at_once(&addr, &token, &strip).await {
        assert_eq!(status, 200, "{body}");
    }
    // The largest image Guild accepts (just under 16 megapixels), sixteen at once: all
    // kept, a few decoded at a time.
    let largest = flat_png(3_990, 3_990);
    for (status, body) in sixteen_at_once(&addr, &token, &largest).await {
        assert_eq!(status, 200, "{body}");
    }
    let after = peak_mb(pid);
    println!("server peak resident memory: {before} MB before, {after} MB after the uploads");
    assert!(
        after - before < BOUND_MB,
        "the server's peak grew by {} MB (bound {BOUND_MB} MB): {before} → {after}",
        after - before
    );
    server.kill().await.unwrap();
}
