//! Live delivery, measured: an event stream (`GET /api/v1/events`) held open for every member
//! the load's messages go to. Each bench message carries the moment it was sent (µs since the
//! bench's clock started), so the time from the send to its `message` event is read here.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::task::JoinHandle;

/// What a message's body says about when it left, in words a person reading it would accept.
pub fn stamp(clock: Instant) -> String {
    format!(
        "Are you at the meetup? (sent at {} µs)",
        clock.elapsed().as_micros()
    )
}

fn sent_at(line: &str) -> Option<u128> {
    let rest = &line[line.find("(sent at ")? + "(sent at ".len()..];
    rest[..rest.find(' ')?].parse().ok()
}

/// Delivery latencies (µs) seen so far by every listener.
pub type Seen = Arc<Mutex<Vec<f64>>>;

/// Opens `token`'s event stream on `addr`, returns once the stream answered, and keeps
/// reading it in a task that records each stamped message's delay in `seen`.
pub async fn listen(addr: &str, token: &str, clock: Instant, seen: Seen) -> Result<JoinHandle<()>> {
    let s = TcpStream::connect(addr)
        .await
        .with_context(|| format!("connecting to {addr}"))?;
    s.set_nodelay(true).context("TCP_NODELAY")?;
    let mut io = BufReader::new(s);
    let req = format!(
        "GET /api/v1/events HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\nAccept: text/event-stream\r\n\r\n"
    );
    io.get_mut()
        .write_all(req.as_bytes())
        .await
        .context("asking for the event stream")?;
    let mut line = String::new();
    io.read_line(&mut line)
        .await
        .context("reading the status")?;
    if !line.contains(" 200 ") {
        bail!("the event stream answered {}", line.trim());
    }
    Ok(tokio::spawn(async move {
        let mut line = String::new();
        loop {
            line.clear();
            match io.read_line(&mut line).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            if line.starts_with("data:") {
                if let Some(at) = sent_at(&line) {
                    let now = clock.elapsed().as_micros();
                    if let Ok(mut seen) = seen.lock() {
                        seen.push(now.saturating_sub(at) as f64);
                    }
                }
            }
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stamp_is_read_back_from_an_event_line() {
        let clock = Instant::now();
        let body = stamp(clock);
        let line = format!("data: {{\"body\":\"{body}\",\"id\":\"7\"}}");
        let at = sent_at(&line).expect("a stamp");
        assert!(at <= clock.elapsed().as_micros());
        assert_eq!(sent_at("data: {\"body\":\"Hello\"}"), None);
    }
}
