//! The email a test's Guild sent: `.eml` files in its outbox, decoded.

/// A sent email, as the outbox holds it.
#[derive(Debug, Clone)]
pub struct Email {
    pub to: String,
    pub subject: String,
    pub body: String,
}

impl Email {
    pub(crate) fn parse(raw: &str) -> Email {
        let (head, body) = raw
            .split_once("\r\n\r\n")
            .or_else(|| raw.split_once("\n\n"))
            .unwrap_or((raw, ""));
        let header = |name: &str| {
            head.lines()
                .find(|l| {
                    l.to_ascii_lowercase()
                        .starts_with(&format!("{}:", name.to_ascii_lowercase()))
                })
                .map(|l| l[name.len() + 1..].trim().to_string())
                .unwrap_or_default()
        };
        let qp = head.to_ascii_lowercase().contains("quoted-printable");
        let body = if qp {
            decode_qp(body)
        } else {
            body.replace("\r\n", "\n")
        };
        Email {
            to: header("To"),
            subject: header("Subject"),
            body,
        }
    }

    /// The path (from `prefix` on) of the first `http…` link whose path starts with `prefix`.
    pub fn link(&self, prefix: &str) -> Option<String> {
        self.body
            .split_whitespace()
            .filter(|w| w.starts_with("http"))
            .find_map(|url| {
                let path_start = url
                    .find("://")
                    .map(|i| i + 3)
                    .and_then(|i| url[i..].find('/').map(|j| i + j))?;
                let path = &url[path_start..];
                path.starts_with(prefix).then(|| path.to_string())
            })
    }
}

fn decode_qp(s: &str) -> String {
    let s = s.replace("=\r\n", "").replace("=\n", "");
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'=' && i + 2 < bytes.len() + 1 {
            if let Ok(b) = u8::from_str_radix(
                std::str::from_utf8(&bytes[i + 1..(i + 3).min(bytes.len())]).unwrap_or(""),
                16,
            ) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).replace("\r\n", "\n")
}
