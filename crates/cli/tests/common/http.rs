//! A small HTTP/1.1 client over a plain socket, for tests that drive the real server and need
//! to see exactly what it answers (or that it does not answer): one request per connection,
//! each bounded by a timeout, and the live stream read as it arrives.
#![allow(dead_code)] // each test binary uses its part

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Longer than any answer the server may take (its database wait is 3 s): past this a
/// request counts as hung.
pub const HUNG: Duration = Duration::from_secs(15);

#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    /// The header block, lower-cased.
    pub head: String,
    pub body: String,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }
    pub fn header(&self, name: &str) -> Option<String> {
        let prefix = format!("{}:", name.to_ascii_lowercase());
        self.head
            .lines()
            .find_map(|l| l.strip_prefix(&prefix).map(|v| v.trim().to_string()))
    }
    /// `error.code` of an error body.
    pub fn code(&self) -> String {
        self.json()["error"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }
    pub fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// One request, as `token`'s bearer; an error when the server cannot be reached, cuts the
/// connection, or does not answer within `within`.
pub async fn call(
    addr: &str,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&Value>,
    within: Duration,
) -> std::io::Result<Resp> {
    match tokio::time::timeout(
        within,
        send(addr, method, path, token, body, "application/json"),
    )
    .await
    {
        Ok(r) => r,
        Err(_) => Err(std::io::Error::new(
            std::io::ErrorKind::TimedOut,
            format!("{method} {path}: no answer within {within:?}"),
        )),
    }
}

/// [`call`] with the usual bound.
pub async fn req(
    addr: &str,
    method: &str,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> std::io::Result<Resp> {
    call(addr, method, path, Some(token), body.as_ref(), HUNG).await
}

/// A page, as a browser asks for it.
pub async fn page(addr: &str, path: &str, token: &str, within: Duration) -> std::io::Result<Resp> {
    let sent = send(addr, "GET", path, Some(token), None, "text/html");
    tokio::time::timeout(within, sent)
        .await
        .unwrap_or_else(|_| Err(std::io::ErrorKind::TimedOut.into()))
}

async fn send(
    addr: &str,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&Value>,
    accept: &str,
) -> std::io::Result<Resp> {
    let mut stream = TcpStream::connect(addr).await?;
    let body = body.map(Value::to_string).unwrap_or_default();
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nAccept: {accept}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n",
        body.len()
    );
    if let Some(t) = token {
        head.push_str(&format!("Authorization: Bearer {t}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(body.as_bytes()).await?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await?;
    let text = String::from_utf8_lossy(&raw).to_string();
    let Some((head, rest)) = text.split_once("\r\n\r\n") else {
        return Err(std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            format!("{method} {path}: the connection closed before an answer"),
        ));
    };
    let head = head.to_ascii_lowercase();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = if head.contains("transfer-encoding: chunked") {
        let mut d = Dechunk::default();
        d.feed(rest.as_bytes())
    } else {
        rest.to_string()
    };
    Ok(Resp { status, head, body })
}

/// Undoes chunked transfer encoding as bytes arrive.
#[derive(Default)]
struct Dechunk {
    pending: Vec<u8>,
}

impl Dechunk {
    /// The body bytes now complete, as text.
    fn feed(&mut self, bytes: &[u8]) -> String {
        self.pending.extend_from_slice(bytes);
        let mut out = Vec::new();
        while let Some(eol) = self.pending.windows(2).position(|w| w == b"\r\n") {
            let size = std::str::from_utf8(&self.pending[..eol])
                .ok()
                .and_then(|s| {
                    usize::from_str_radix(s.split(';').next().unwrap_or("").trim(), 16).ok()
                })
                .unwrap_or(0);
            if self.pending.len() < eol + 2 + size + 2 {
                break;
            }
            out.extend_from_slice(&self.pending[eol + 2..eol + 2 + size]);
            self.pending.drain(..eol + 2 + size + 2);
            if size == 0 {
                break;
            }
        }
        String::from_utf8_lossy(&out).to_string()
    }
}

/// An open `GET /api/v1/events`: what it has sent so far, and whether it has ended.
pub struct EventStream {
    pub status: u16,
    text: Arc<Mutex<String>>,
    ended: Arc<AtomicBool>,
}

impl EventStream {
    pub async fn open(addr: &str, token: &str) -> EventStream {
        let mut stream = TcpStream::connect(addr).await.expect("connect for events");
        let head = format!(
            "GET /api/v1/events HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\
             Authorization: Bearer {token}\r\n\r\n"
        );
        stream
            .write_all(head.as_bytes())
            .await
            .expect("ask for events");
        let mut raw = Vec::new();
        let mut buf = [0u8; 4096];
        let rest = loop {
            let n = stream.read(&mut buf).await.expect("read the events' head");
            assert!(n > 0, "the events stream closed before its head");
            raw.extend_from_slice(&buf[..n]);
            if let Some(p) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
                break raw.split_off(p + 4);
            }
        };
        let head = String::from_utf8_lossy(&raw).to_ascii_lowercase();
        let status = head
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let (text, ended) = (
            Arc::new(Mutex::new(String::new())),
            Arc::new(AtomicBool::new(false)),
        );
        let (t, e) = (text.clone(), ended.clone());
        tokio::spawn(async move {
            let mut d = Dechunk::default();
            t.lock().unwrap().push_str(&d.feed(&rest));
            loop {
                match stream.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => t.lock().unwrap().push_str(&d.feed(&buf[..n])),
                }
            }
            e.store(true, Ordering::SeqCst);
        });
        EventStream {
            status,
            text,
            ended,
        }
    }

    pub fn ended(&self) -> bool {
        self.ended.load(Ordering::SeqCst)
    }

    pub fn text(&self) -> String {
        self.text.lock().unwrap().clone()
    }

    /// Waits until the stream has sent `needle`; false if it has not within `within`.
    pub async fn wait_for(&self, needle: &str, within: Duration) -> bool {
        let until = tokio::time::Instant::now() + within;
        while tokio::time::Instant::now() < until {
            if self.text().contains(needle) {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        self.text().contains(needle)
    }
}
