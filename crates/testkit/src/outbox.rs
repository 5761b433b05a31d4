//! The email a test's Guild sent: `.eml` files in its outbox, decoded.

/// A sent email, as the outbox holds it.
#[derive(Debug, Clone)]
pub struct Email {
    pub to: String,
    pub subject: String,
    /// The plain-text part (the whole body of a single-part email).
    pub body: String,
    /// The HTML part of a multipart/alternative email.
    pub html: Option<String>,
    /// `List-Unsubscribe` (without its angle brackets), if any.
    pub list_unsubscribe: Option<String>,
    /// Whether `List-Unsubscribe-Post: List-Unsubscribe=One-Click` was sent.
    pub one_click: bool,
}

impl Email {
    pub(crate) fn parse(raw: &str) -> Email {
        let (head, body) = split_head(raw);
        let header = |name: &str| header(head, name);
        let (text, html) = match boundary(head) {
            Some(b) => {
                let mut text = String::new();
                let mut html = None;
                for part in body.split(&format!("--{b}")).skip(1) {
                    let (h, content) = split_head(part.trim_start_matches(['\r', '\n']));
                    let lower = h.to_ascii_lowercase();
                    if lower.contains("text/plain") {
                        text = decode(h, content);
                    } else if lower.contains("text/html") {
                        html = Some(decode(h, content));
                    }
                }
                (text, html)
            }
            None => (decode(head, body), None),
        };
        let unsubscribe = header("List-Unsubscribe");
        Email {
            to: header("To"),
            subject: header("Subject"),
            body: text,
            html,
            list_unsubscribe: (!unsubscribe.is_empty())
                .then(|| unsubscribe.trim_matches(['<', '>']).to_string()),
            one_click: header("List-Unsubscribe-Post") == "List-Unsubscribe=One-Click",
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

fn split_head(raw: &str) -> (&str, &str) {
    raw.split_once("\r\n\r\n")
        .or_else(|| raw.split_once("\n\n"))
        .unwrap_or((raw, ""))
}

fn header(head: &str, name: &str) -> String {
    head.lines()
        .find(|l| {
            l.to_ascii_lowercase()
                .starts_with(&format!("{}:", name.to_ascii_lowercase()))
        })
        .map(|l| l[name.len() + 1..].trim().to_string())
        .unwrap_or_default()
}

/// The boundary of a multipart message, from its (possibly folded) Content-Type.
fn boundary(head: &str) -> Option<String> {
    let lower = head.to_ascii_lowercase();
    if !lower.contains("multipart/") {
        return None;
    }
    let at = lower.find("boundary=")? + "boundary=".len();
    let rest = head[at..].trim_start_matches('"');
    let end = rest.find(['"', '\r', '\n', ';']).unwrap_or(rest.len());
    Some(rest[..end].to_string())
}

fn decode(head: &str, body: &str) -> String {
    if head.to_ascii_lowercase().contains("quoted-printable") {
        decode_qp(body)
    } else {
        body.replace("\r\n", "\n")
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
