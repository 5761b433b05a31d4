//! The writes the backup tests make through the HTTP API, and what they read back.

use std::collections::BTreeSet;
use std::io::Cursor;
use std::time::Instant;

use serde_json::{json, Value};
use sqlx::Connection;

use super::install::{call, Body};

pub fn png(seed: u8) -> Vec<u8> {
    let img = image::RgbImage::from_fn(48, 32, |x, y| image::Rgb([seed, x as u8 * 5, y as u8 * 7]));
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

/// A write the server acknowledged: its table, its id there, and when the answer came.
#[derive(Clone, Debug)]
pub struct Acked {
    pub table: &'static str,
    pub id: String,
    pub at: Instant,
}

/// One round of one writer: an image upload, a post with it, a comment, a reaction by the
/// other login, and a message. Every acknowledged write is recorded.
pub async fn round(
    addr: &str,
    me: &str,
    other: &str,
    conversation: &str,
    n: u32,
    acked: &mut Vec<Acked>,
) {
    let mut ack = |table, id: &Value| {
        acked.push(Acked {
            table,
            id: id.as_str().unwrap().to_string(),
            at: Instant::now(),
        });
    };
    let (s, j) = call(
        addr,
        "POST",
        "/api/v1/media",
        Some(me),
        Body::File("image", png(n as u8)),
    )
    .await;
    assert_eq!(s, 201, "upload: {j}");
    ack("media", &j["key"]);
    let body = json!({ "body": format!("post {n} #backup"), "images": [j["key"]] });
    let (s, j) = call(addr, "POST", "/api/v1/posts", Some(me), Body::Json(body)).await;
    assert_eq!(s, 201, "post: {j}");
    let post = j["post"]["id"].as_str().unwrap().to_string();
    ack("posts", &j["post"]["id"]);
    let path = format!("/api/v1/posts/{post}/comments");
    let (s, j) = call(
        addr,
        "POST",
        &path,
        Some(me),
        Body::Json(json!({ "body": format!("comment {n}") })),
    )
    .await;
    assert_eq!(s, 201, "comment: {j}");
    ack("comments", &j["comment"]["id"]);
    let path = format!("/api/v1/posts/{post}/reaction");
    let (s, j) = call(
        addr,
        "PUT",
        &path,
        Some(other),
        Body::Json(json!({ "kind": "like" })),
    )
    .await;
    assert!(s == 200 || s == 201 || s == 204, "reaction: {s} {j}");
    let path = format!("/api/v1/conversations/{conversation}/messages");
    let (s, j) = call(
        addr,
        "POST",
        &path,
        Some(me),
        Body::Json(json!({ "body": format!("message {n}") })),
    )
    .await;
    assert_eq!(s, 201, "message: {j}");
    ack("messages", &j["message"]["id"]);
}

/// A conversation between the two demo logins: the member asks, the admin's reply accepts.
pub async fn a_conversation(addr: &str, member: &str, admin: &str) -> String {
    let start = json!({ "to": ["ada-admin"], "body": "hello" });
    let (s, j) = call(
        addr,
        "POST",
        "/api/v1/conversations",
        Some(member),
        Body::Json(start),
    )
    .await;
    assert_eq!(s, 201, "{j}");
    let id = j["conversation"]["id"].as_str().unwrap().to_string();
    let path = format!("/api/v1/conversations/{id}/messages");
    let (s, j) = call(
        addr,
        "POST",
        &path,
        Some(admin),
        Body::Json(json!({ "body": "hi" })),
    )
    .await;
    assert_eq!(s, 201, "{j}");
    id
}

/// The ids of `table` in the database at `url`, as text.
pub async fn ids(url: &str, table: &str) -> BTreeSet<String> {
    let column = if table == "media" { "key" } else { "id" };
    let sql = format!("SELECT CAST({column} AS TEXT) FROM {table}");
    if url.starts_with("postgres") {
        let mut c = sqlx::PgConnection::connect(url).await.unwrap();
        sqlx::query_scalar(&sql)
            .fetch_all(&mut c)
            .await
            .unwrap()
            .into_iter()
            .collect()
    } else {
        let mut c = sqlx::SqliteConnection::connect(url).await.unwrap();
        sqlx::query_scalar(&sql)
            .fetch_all(&mut c)
            .await
            .unwrap()
            .into_iter()
            .collect()
    }
}
