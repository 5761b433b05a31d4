//! The HTML pages: server-rendered askama templates (auto-escaped), plain forms, a little
//! plain JavaScript. Each page handler calls the same core service as its API twin.

use axum::Router;
use guild_core::model::Member;

use crate::AppState;

/// What the page frame needs: the title and the signed-in member for the top bar.
#[derive(Debug, Clone)]
pub struct Layout {
    pub title: String,
    pub me: Option<MeBar>,
}

/// The signed-in member as the top bar shows them.
#[derive(Debug, Clone)]
pub struct MeBar {
    pub name: String,
    pub handle: String,
    pub is_admin: bool,
}

impl Layout {
    pub fn new(title: &str, me: Option<&Member>) -> Layout {
        Layout {
            title: title.to_string(),
            me: me.map(|m| MeBar { name: m.name.clone(), handle: m.handle.clone(), is_admin: m.is_admin() }),
        }
    }
}

/// Percent-encodes a query value.
pub fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

pub fn router() -> Router<AppState> {
    Router::new()
}
