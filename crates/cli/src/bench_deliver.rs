//! `guild bench messaging`: how long a message takes from the sender's request to the
//! recipient's open event stream, through the whole product — a real server on a local port,
//! a real SQLite store, `POST /api/v1/conversations` over HTTP and the `message` event of
//! `/api/v1/events` — with every member of the bench network holding a stream open; and what
//! an open stream costs in memory.
//!
//! Members are connected in a ring (each to the next three), so every message goes between
//! connections straight to the inbox. Each body carries a marker naming the message and its
//! recipient; the recipient's stream reader notes when the marker arrives.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use async_trait::async_trait;
use guild_core::mail::{Mailer, OutgoingEmail};
use guild_core::network::store::NetworkStore;
use guild_core::profiles::store::DirectoryStore;
use guild_core::settings::Settings;
use guild_core::store::Store;
use guild_core::Guild;
use guild_graph::bench::{percentile, Machine};
use guild_store::{DiskMedia, SqlStore};

use crate::bench_members::bench_member;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Each member is connected to the next this many members around the ring.
const RING: usize = 3;
/// How long a message may take before it counts as lost.
const PATIENCE: Duration = Duration::from_secs(10);

pub(crate) struct NoMail;

#[async_trait]
impl Mailer for NoMail {
    async fn send(&self, _: OutgoingEmail) -> Result<(), String> {
        Ok(())
    }
}

pub struct DeliverOptions {
    pub members: usize,
    pub messages: usize,
    pub concurrency: usize,
    pub seed: u64,
}

/// When each message was sent and when its recipient's stream got it.
struct Clock {
    sent: Vec<Option<Instant>>,
    arrived: Vec<Option<Instant>>,
}

/// `VmRSS` of this process in bytes (Linux), 0 elsewhere.
fn rss() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

fn op(samples: &mut [f64]) -> Value {
    samples.sort_by(f64::total_cmp);
    json!({
        "p50_us": percentile(samples, 50.0),
        "p99_us": percentile(samples, 99.0),
        "p999_us": percentile(samples, 99.9),
        "count": samples.len(),
    })
}

/// The markers `#m<message>r<recipient>#` in `text` addressed to `me`.
fn markers(text: &str, me: usize) -> Vec<usize> {
    let mut out = Vec::new();
    for part in text.split("#m").skip(1) {
        let Some((m, rest)) = part.split_once('r') else {
            continue;
        };
        let Some((r, _)) = rest.split_once('#') else {
            continue;
        };
        if let (Ok(m), Ok(r)) = (m.parse::<usize>(), r.parse::<usize>()) {
            if r == me {
                out.push(m);
            }
        }
    }
    out
}

/// Opens member `me`'s event stream and records the arrival of messages addressed to them.
/// `ready` is called once the first event (`counts`) came.
async fn listen(
    addr: SocketAddr,
    token: String,
    me: usize,
    clock: Arc<Mutex<Clock>>,
    ready: tokio::sync::mpsc::Sender<()>,
) -> Result<()> {
    let mut s = TcpStream::connect(addr).await.context("opening a stream")?;
    let req = format!(
        "GET /api/v1/events HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\nAccept: text/event-stream\r\n\r\n"
    );
    s.write_all(req.as_bytes())
        .await
        .context("asking for events")?;
    let mut buf = String::new();
    let mut chunk = vec![0u8; 16 * 1024];
    let mut announced = false;
    loop {
        let n = s.read(&mut chunk).await.context("reading events")?;
        if n == 0 {
            return Ok(());
        }
        let now = Instant::now();
        buf.push_str(&String::from_utf8_lossy(&chunk[..n]));
        if !announced && buf.contains("event: counts") {
            announced = true;
            let _ = ready.send(()).await;
        }
        // Only whole lines are read; the rest waits for the next read.
        let Some(end) = buf.rfind('\n') else { continue };
        let found = markers(&buf[..end], me);
        if !found.is_empty() {
            let mut c = clock
                .lock()
                .map_err(|_| anyhow::anyhow!("clock poisoned"))?;
            for m in found {
                if let Some(slot) = c.arrived.get_mut(m) {
                    slot.get_or_insert(now);
                }
            }
        }
        buf.drain(..=end);
    }
}

/// One `POST /api/v1/conversations` on its own connection; the status line's code.
async fn post(addr: SocketAddr, token: &str, to: &str, body: &str) -> Result<u16> {
    let json = json!({ "to": [to], "body": body }).to_string();
    let req = format!(
        "POST /api/v1/conversations HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{json}",
        json.len()
    );
    let mut s = TcpStream::connect(addr).await.context("connecting")?;
    s.write_all(req.as_bytes()).await.context("sending")?;
    let mut resp = Vec::new();
    s.read_to_end(&mut resp)
        .await
        .context("reading the answer")?;
    let head = String::from_utf8_lossy(&resp[..resp.len().min(32)]).to_string();
    head.split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .with_context(|| format!("an answer without a status: {head:?}"))
}

pub async fn run(o: DeliverOptions, progress: &mut dyn FnMut(&str)) -> Result<Value> {
    let started = Instant::now();
    anyhow::ensure!(
        o.members > RING + 1,
        "--members must be more than {}",
        RING + 1
    );
    let dir = tempfile::tempdir().context("a temporary directory")?;
    let store = SqlStore::connect(&format!("sqlite://{}/bench.db", dir.path().display()))
        .await
        .context("opening the bench store")?;
    store.migrate().await.context("migrating the bench store")?;
    let now = guild_core::now_ms();
    progress(&format!("seeding {} members in a ring", o.members));
    let seeds = (0..o.members)
        .map(|i| bench_member(i, true, now - 86_400_000, None))
        .collect::<Result<Vec<_>>>()?;
    for chunk in seeds.chunks(1_000) {
        store.seed_members(chunk).await.context("seeding members")?;
    }
    let max = store.max_member_id().await.context("reading ids")?;
    let first = max - o.members as i64 + 1;
    let pairs: Vec<(i64, i64, i64)> = (0..o.members)
        .flat_map(|i| {
            (1..=RING).map(move |k| (first + i as i64, first + ((i + k) % o.members) as i64, now))
        })
        .collect();
    store
        .seed_connections(&pairs)
        .await
        .context("seeding connections")?;
    let mut settings = Settings::default();
    let plenty = u32::try_from(o.messages.saturating_mul(2) + 100).unwrap_or(u32::MAX);
    settings.limits.messages_per_hour = plenty;
    settings.limits.conversations_per_hour = plenty;
    let store: Arc<dyn Store> = Arc::new(store);
    let guild = Arc::new(
        Guild::open(
            store.clone(),
            Arc::new(NoMail),
            Arc::new(DiskMedia::new(dir.path().join("media"))),
            settings,
        )
        .await
        .context("opening Guild on the bench store")?,
    );
    let tokens = crate::bench_members::tokens(store.as_ref(), &guild, first, o.members).await?;

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .context("binding a local port")?;
    let addr = listener.local_addr().context("reading the port")?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(guild_web::serve(listener, guild.clone(), async move {
        let _ = stopped.await;
    }));

    let clock = Arc::new(Mutex::new(Clock {
        sent: vec![None; o.messages],
        arrived: vec![None; o.messages],
    }));
    progress(&format!("opening {} event streams", o.members));
    let before = rss();
    let (ready_tx, mut ready_rx) = tokio::sync::mpsc::channel(o.members);
    let mut streams = Vec::with_capacity(o.members);
    for (i, t) in tokens.iter().enumerate() {
        streams.push(tokio::spawn(listen(
            addr,
            t.clone(),
            i,
            clock.clone(),
            ready_tx.clone(),
        )));
    }
    drop(ready_tx);
    for _ in 0..o.members {
        tokio::time::timeout(PATIENCE, ready_rx.recv())
            .await
            .context("a stream did not open in time (is `ulimit -n` high enough?)")?
            .context("a stream closed before it opened")?;
    }
    let stream_memory = rss().saturating_sub(before) / o.members as u64;

    progress(&format!(
        "sending {} messages, {} at a time",
        o.messages, o.concurrency
    ));
    let next = Arc::new(AtomicUsize::new(0));
    let tokens = Arc::new(tokens);
    let mut workers = Vec::new();
    for _ in 0..o.concurrency.max(1) {
        let (next, tokens, clock) = (next.clone(), tokens.clone(), clock.clone());
        let (members, messages, seed) = (o.members, o.messages, o.seed);
        workers.push(tokio::spawn(async move {
            let mut send_us = Vec::new();
            loop {
                let m = next.fetch_add(1, Ordering::Relaxed);
                if m >= messages {
                    return Ok::<Vec<f64>, anyhow::Error>(send_us);
                }
                let mut rng = StdRng::seed_from_u64(seed ^ m as u64);
                let from = rng.gen_range(0..members);
                let to = (from + rng.gen_range(1..=RING)) % members;
                let body = format!("Bench message {m}, see you at the next meetup #m{m}r{to}#");
                let t = Instant::now();
                if let Ok(mut c) = clock.lock() {
                    c.sent[m] = Some(t);
                }
                let code = post(addr, &tokens[from], &format!("bench-{to}"), &body).await?;
                anyhow::ensure!(code == 201, "sending message {m} answered {code}");
                send_us.push(t.elapsed().as_secs_f64() * 1e6);
            }
        }));
    }
    let mut send_us = Vec::with_capacity(o.messages);
    for w in workers {
        send_us.extend(w.await.context("a sender stopped")??);
    }
    // Wait for the last arrivals.
    let deadline = Instant::now() + PATIENCE;
    loop {
        let missing = clock
            .lock()
            .map(|c| c.arrived.iter().filter(|a| a.is_none()).count())
            .unwrap_or(0);
        if missing == 0 || Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let (mut deliver_us, lost) = {
        let c = clock
            .lock()
            .map_err(|_| anyhow::anyhow!("clock poisoned"))?;
        let mut lost = 0;
        let mut out = Vec::with_capacity(o.messages);
        for (s, a) in c.sent.iter().zip(&c.arrived) {
            match (s, a) {
                (Some(s), Some(a)) => out.push(a.saturating_duration_since(*s).as_secs_f64() * 1e6),
                _ => lost += 1,
            }
        }
        (out, lost)
    };
    let _ = stop.send(());
    let _ = tokio::time::timeout(Duration::from_secs(10), server).await;
    for s in streams {
        s.abort();
    }
    let machine = Machine::detect();
    let machine: Value =
        serde_json::from_str(&machine.to_json()).context("reading the machine's JSON")?;
    Ok(json!({
        "machine": machine,
        "members": o.members,
        "streams": o.members,
        "messages": o.messages,
        "concurrency": o.concurrency,
        "lost": lost,
        "stream_memory_bytes": stream_memory,
        "store": "sqlite (temporary file)",
        "ops": {
            "deliver": op(&mut deliver_us),
            "send": op(&mut send_us),
        },
        "elapsed_s": started.elapsed().as_secs_f64(),
    }))
}

#[cfg(test)]
mod tests {
    #[test]
    fn markers_are_read_for_their_recipient_only() {
        let text = "data: {\"body\":\"Bench message 12 #m12r7#\"}\nid: 1_2\ndata: x #m3r8# #m4r7#";
        assert_eq!(super::markers(text, 7), vec![12, 4]);
        assert_eq!(super::markers(text, 8), vec![3]);
        assert!(super::markers("#mxr7# #m", 7).is_empty());
    }
}
