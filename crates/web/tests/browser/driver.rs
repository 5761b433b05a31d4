//! The ChromeDriver process and the Chromium sessions it starts.
//!
//! One chromedriver serves every browser test of this process: tests hold an `Arc` to it, and
//! the last one to finish shuts it down (the `Drop` below). Each test gets its own session, so
//! its own Chromium, with a new empty profile directory. Sessions are deleted in `Drop` with a
//! plain blocking request, so a test that panics still closes its browser.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// The flags Chromium needs on these machines: run as root without a display, and make no
/// connections of its own (the network is closed; its background requests would be refused).
const CHROME_ARGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1280,900",
];

const HOW_TO_INSTALL: &str =
    "The browser tests need Chromium and ChromeDriver. Run `bash scripts/test.sh`, which installs them \
     (Debian packages chromium and chromium-driver), or set CHROMEDRIVER and CHROME to their paths.";

/// A running chromedriver, killed when the last test holding it is done.
pub struct Driver {
    child: Child,
    port: u16,
}

static SHARED: Mutex<Weak<Driver>> = Mutex::new(Weak::new());

impl Driver {
    /// The chromedriver shared by the tests running now, started if there is none.
    pub fn shared() -> Arc<Driver> {
        let mut shared = SHARED.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(d) = shared.upgrade() {
            return d;
        }
        let d = Arc::new(Driver::start());
        *shared = Arc::downgrade(&d);
        d
    }

    fn start() -> Driver {
        let bin = chromedriver_path();
        let port = free_port();
        let child = Command::new(&bin)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("could not start {}: {e}. {HOW_TO_INSTALL}", bin.display()));
        let mut driver = Driver { child, port };
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(Some(status)) = driver.child.try_wait() {
                panic!(
                    "chromedriver ({}) exited at start: {status}. {HOW_TO_INSTALL}",
                    bin.display()
                );
            }
            if let Ok((200, _)) = http(port, "GET", "/status", None) {
                return driver;
            }
            assert!(
                Instant::now() < deadline,
                "chromedriver did not become ready on port {port} within 20 s"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The capabilities of a new session: Debian's Chromium with our flags, a new profile
    /// directory, and optionally a phone's screen.
    pub fn capabilities(
        profile_dir: &Path,
        phone: Option<(u32, u32)>,
        extra_args: &[&str],
    ) -> serde_json::Map<String, Value> {
        let mut args: Vec<String> = CHROME_ARGS
            .iter()
            .chain(extra_args)
            .map(|s| s.to_string())
            .collect();
        args.push(format!("--user-data-dir={}", profile_dir.display()));
        let mut options = json!({ "binary": chrome_path(), "args": args });
        if let Some((width, height)) = phone {
            // Chrome's device emulation: a 375-px-wide layout viewport that honours the page's
            // <meta name="viewport">, as a phone's browser does. (A desktop window has a
            // minimum width and ignores the meta tag.)
            options["mobileEmulation"] = json!({
                "deviceMetrics": { "width": width, "height": height, "pixelRatio": 2.0, "mobile": true, "touch": true }
            });
        }
        let caps = json!({ "browserName": "chrome", "goog:chromeOptions": options });
        match caps {
            Value::Object(map) => map,
            _ => unreachable!(),
        }
    }

    /// Ends a session (and its Chromium) without needing the async runtime.
    pub fn delete_session(&self, id: &str) {
        let _ = http(self.port, "DELETE", &format!("/session/{id}"), None);
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // `/shutdown` quits any browser still open; the kill makes sure the driver is gone.
        let _ = http(self.port, "GET", "/shutdown", None);
        let deadline = Instant::now() + Duration::from_secs(3);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn chromedriver_path() -> PathBuf {
    let found = match std::env::var_os("CHROMEDRIVER").filter(|v| !v.is_empty()) {
        Some(p) => Some(PathBuf::from(p)).filter(|p| p.is_file()),
        None => which("chromedriver"),
    };
    found.unwrap_or_else(|| {
        let asked = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver on PATH".into());
        panic!("ChromeDriver not found ({asked}). {HOW_TO_INSTALL}")
    })
}

fn chrome_path() -> String {
    let path = std::env::var("CHROME")
        .ok()
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| "/usr/bin/chromium".into());
    assert!(
        Path::new(&path).is_file(),
        "Chromium not found at {path}. {HOW_TO_INSTALL}"
    );
    path
}

fn which(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    listener.local_addr().expect("local addr").port()
}

/// A minimal blocking HTTP/1.1 request to chromedriver: (status, body).
fn http(port: u16, method: &str, path: &str, body: Option<&str>) -> std::io::Result<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(15)))?;
    let body = body.unwrap_or("");
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    // chromedriver keeps the connection open whatever we ask, so read by Content-Length.
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let (head_len, body_len) = loop {
        let n = stream.read(&mut chunk)?;
        if n == 0 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "connection closed",
            ));
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
            let len = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok())
                .unwrap_or(0);
            break (end + 4, len);
        }
    };
    while buf.len() < head_len + body_len {
        let n = stream.read(&mut chunk)?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let response = String::from_utf8_lossy(&buf);
    let status = response
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = String::from_utf8_lossy(&buf[head_len.min(buf.len())..]).into_owned();
    Ok((status, body))
}
