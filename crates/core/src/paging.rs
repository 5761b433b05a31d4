//! Keyset paging, once for every list: a [`PageRequest`] read from the `cursor` and `limit`
//! a client sent, and a [`Page`] whose `next_cursor` is the key of its last item.
//!
//! A cursor is opaque to clients: the key's parts joined by `:` in URL-safe base64. Reading
//! one back is strict — anything that is not exactly what [`cursor`] wrote is refused as
//! `invalid_input` on the field `cursor`, never read as a different page — and a limit
//! outside `1..=max` is refused on the field `limit`. Lists never use OFFSET: the store reads
//! the rows after the key, one more than the page, to know whether there is a next.

use base64::Engine;

use crate::error::{CoreError, CoreResult};

/// Items per page when the client does not say.
pub const DEFAULT_LIMIT: u32 = 20;
/// The most items a client may ask for on one page.
pub const MAX_LIMIT: u32 = 100;

/// A page of a list.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Where the next page starts; `None` on the last page.
    pub next_cursor: Option<String>,
}

/// A sort key that can be a cursor: written as text and read back exactly.
pub trait CursorKey: Sized {
    fn write(&self) -> String;
    /// `None` for anything [`CursorKey::write`] would not have written.
    fn read(text: &str) -> Option<Self>;
}

impl CursorKey for i64 {
    fn write(&self) -> String {
        self.to_string()
    }
    fn read(text: &str) -> Option<Self> {
        exact_int(text)
    }
}

/// `(created_at, id)`: the key of every newest-first list.
impl CursorKey for (i64, i64) {
    fn write(&self) -> String {
        format!("{}:{}", self.0, self.1)
    }
    fn read(text: &str) -> Option<Self> {
        let (a, b) = text.split_once(':')?;
        Some((exact_int(a)?, exact_int(b)?))
    }
}

/// `(text, id)`, such as a folded name and a member id: the text goes last, so it may hold
/// anything, `:` included.
impl CursorKey for (String, i64) {
    fn write(&self) -> String {
        format!("{}:{}", self.1, self.0)
    }
    fn read(text: &str) -> Option<Self> {
        let (id, key) = text.split_once(':')?;
        Some((key.to_string(), exact_int(id)?))
    }
}

/// The feed engine's own position (a ranked offset as of a time, or a recent item).
impl CursorKey for guild_feed::Cursor {
    fn write(&self) -> String {
        self.encode()
    }
    fn read(text: &str) -> Option<Self> {
        guild_feed::Cursor::decode(text)
    }
}

/// An integer as [`i64::to_string`] writes it, and nothing else ("01", "+1" and " 1" are not).
fn exact_int(s: &str) -> Option<i64> {
    let n: i64 = s.parse().ok()?;
    (n.to_string() == s).then_some(n)
}

/// The cursor that starts the page after `key`.
pub fn cursor<K: CursorKey>(key: &K) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(key.write())
}

fn bad_cursor() -> CoreError {
    CoreError::invalid("cursor", "This page link is not valid.")
}

/// What a client asked for: after which key, and how many.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRequest<K> {
    /// Strictly after this key; `None` from the start.
    pub after: Option<K>,
    pub limit: u32,
}

impl<K: CursorKey> PageRequest<K> {
    /// Reads `cursor` and `limit` with the usual bounds (default 20, at most 100).
    pub fn new(cursor: Option<&str>, limit: Option<u32>) -> CoreResult<Self> {
        Self::bounded(cursor, limit, DEFAULT_LIMIT, MAX_LIMIT)
    }

    /// Reads `cursor` and `limit` with a list's own default and maximum. An empty cursor is
    /// the first page (forms send `cursor=`).
    pub fn bounded(
        cursor: Option<&str>,
        limit: Option<u32>,
        default: u32,
        max: u32,
    ) -> CoreResult<Self> {
        let limit = limit.unwrap_or(default);
        if limit == 0 || limit > max {
            return Err(CoreError::invalid(
                "limit",
                format!("The limit is between 1 and {max}."),
            ));
        }
        let after = match cursor.map(str::trim).filter(|c| !c.is_empty()) {
            None => None,
            Some(raw) => {
                let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
                    .decode(raw)
                    .map_err(|_| bad_cursor())?;
                let text = String::from_utf8(bytes).map_err(|_| bad_cursor())?;
                Some(K::read(&text).ok_or_else(bad_cursor)?)
            }
        };
        Ok(PageRequest { after, limit })
    }

    /// How many rows to read: one more than the page, to know whether another follows.
    pub fn fetch(&self) -> u32 {
        self.limit.saturating_add(1)
    }

    /// The page of `rows` (read with [`PageRequest::fetch`]) and the cursor of the next one,
    /// made from the key of the last item kept.
    pub fn finish<T>(&self, mut rows: Vec<T>, key: impl Fn(&T) -> K) -> (Vec<T>, Option<String>) {
        let limit = self.limit as usize;
        if rows.len() <= limit {
            return (rows, None);
        }
        rows.truncate(limit);
        let next = rows.last().map(|last| cursor(&key(last)));
        (rows, next)
    }
}

/// A `limit` alone, for lists that have no cursor (suggestions): the same bounds and message.
pub fn limit(limit: Option<u32>, default: u32, max: u32) -> CoreResult<u32> {
    Ok(PageRequest::<i64>::bounded(None, limit, default, max)?.limit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_through_cursors() {
        let c = cursor(&(1_700_000_000_000_i64, 42_i64));
        let r = PageRequest::<(i64, i64)>::new(Some(&c), Some(5)).unwrap();
        assert_eq!(r.after, Some((1_700_000_000_000, 42)));
        let c = cursor(&("ann: de vries".to_string(), 7_i64));
        let r = PageRequest::<(String, i64)>::new(Some(&c), None).unwrap();
        assert_eq!(r.after, Some(("ann: de vries".to_string(), 7)));
        assert_eq!(r.limit, DEFAULT_LIMIT);
        let r = PageRequest::<i64>::new(Some(""), None).unwrap();
        assert_eq!(r.after, None);
    }

    #[test]
    fn tampered_cursors_and_bad_limits_are_refused_on_their_field() {
        let field = |e: CoreError| match e {
            CoreError::Invalid(f) => f.0.keys().cloned().collect::<Vec<_>>(),
            other => panic!("{other:?}"),
        };
        let enc = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
        for bad in [
            "%%%".to_string(),
            enc("x"),
            enc("1:"),
            enc("01:2"),
            enc("1:2:3"),
            enc("+1:2"),
            enc(" 1:2"),
            enc("99999999999999999999:1"),
        ] {
            let e = PageRequest::<(i64, i64)>::new(Some(&bad), None).unwrap_err();
            assert_eq!(field(e), vec!["cursor"], "{bad}");
        }
        for limit in [0, MAX_LIMIT + 1] {
            let e = PageRequest::<i64>::new(None, Some(limit)).unwrap_err();
            assert_eq!(field(e), vec!["limit"]);
        }
        assert!(PageRequest::<i64>::bounded(None, Some(51), 10, 50).is_err());
    }

    #[test]
    fn finish_keeps_the_page_and_points_past_its_last_item() {
        let r = PageRequest::<i64> {
            after: None,
            limit: 2,
        };
        let (items, next) = r.finish(vec![5_i64, 4, 3], |x| *x);
        assert_eq!(items, vec![5, 4]);
        let again = PageRequest::<i64>::new(next.as_deref(), Some(2)).unwrap();
        assert_eq!(again.after, Some(4));
        let (items, next) = r.finish(vec![2_i64, 1], |x| *x);
        assert_eq!((items, next), (vec![2, 1], None));
    }
}
