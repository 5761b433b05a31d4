//! A keep-alive HTTP/1.1 client for the load bench: one connection per worker, requests one
//! after another, bodies by `Content-Length` or chunked. Written by hand because the bench
//! needs nothing more, and a client crate would be a dependency for this alone.

use anyhow::{bail, Context, Result};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

pub struct Conn {
    addr: String,
    io: Option<BufReader<TcpStream>>,
}

pub struct Answer {
    pub status: u16,
    pub body: Vec<u8>,
}

impl Conn {
    pub fn new(addr: &str) -> Conn {
        Conn {
            addr: addr.to_string(),
            io: None,
        }
    }

    /// Sends one request and reads its answer; a broken connection is dropped (the next
    /// request opens a new one) and the error returned.
    pub async fn send(
        &mut self,
        method: &str,
        path: &str,
        token: &str,
        body: Option<&str>,
    ) -> Result<Answer> {
        let r = self.exchange(method, path, token, body).await;
        if r.is_err() {
            self.io = None;
        }
        r
    }

    async fn exchange(
        &mut self,
        method: &str,
        path: &str,
        token: &str,
        body: Option<&str>,
    ) -> Result<Answer> {
        if self.io.is_none() {
            let s = TcpStream::connect(&self.addr)
                .await
                .with_context(|| format!("connecting to {}", self.addr))?;
            s.set_nodelay(true).context("TCP_NODELAY")?;
            self.io = Some(BufReader::new(s));
        }
        let io = self.io.as_mut().context("no connection")?;
        let body = body.unwrap_or("");
        let mut req = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {token}\r\nAccept: application/json\r\n",
            self.addr
        );
        if !body.is_empty() || method != "GET" {
            req.push_str(&format!(
                "Content-Type: application/json\r\nContent-Length: {}\r\n",
                body.len()
            ));
        }
        req.push_str("\r\n");
        req.push_str(body);
        io.get_mut()
            .write_all(req.as_bytes())
            .await
            .context("sending")?;

        let mut line = String::new();
        io.read_line(&mut line)
            .await
            .context("reading the status")?;
        let status: u16 = line
            .split_whitespace()
            .nth(1)
            .and_then(|c| c.parse().ok())
            .with_context(|| format!("no status in {line:?}"))?;
        let (mut length, mut chunked, mut close) = (None, false, false);
        loop {
            line.clear();
            if io.read_line(&mut line).await.context("reading headers")? == 0 {
                bail!("the connection closed in the headers");
            }
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            let Some((name, value)) = l.split_once(':') else {
                continue;
            };
            let (name, value) = (name.to_ascii_lowercase(), value.trim());
            match name.as_str() {
                "content-length" => length = value.parse::<usize>().ok(),
                "transfer-encoding" => chunked = value.eq_ignore_ascii_case("chunked"),
                "connection" => close = value.eq_ignore_ascii_case("close"),
                _ => {}
            }
        }
        let mut out = Vec::new();
        if chunked {
            loop {
                line.clear();
                io.read_line(&mut line)
                    .await
                    .context("reading a chunk size")?;
                let size = usize::from_str_radix(line.trim().split(';').next().unwrap_or(""), 16)
                    .with_context(|| format!("a bad chunk size {line:?}"))?;
                let mut chunk = vec![0; size + 2];
                io.read_exact(&mut chunk).await.context("reading a chunk")?;
                chunk.truncate(size);
                out.extend_from_slice(&chunk);
                if size == 0 {
                    break;
                }
            }
        } else if let Some(n) = length {
            out.resize(n, 0);
            io.read_exact(&mut out).await.context("reading the body")?;
        } else {
            io.read_to_end(&mut out).await.context("reading the body")?;
            close = true;
        }
        if close {
            self.io = None;
        }
        Ok(Answer { status, body: out })
    }
}
