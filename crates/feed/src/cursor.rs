//! The page cursor as text: short, URL-safe, and strict to read back — anything that is not
//! exactly what [`Cursor::encode`] writes decodes to `None`, which callers treat as a bad
//! request rather than a silently different page.
//!
//! `s` = start; `r.<as_of_ms>.<offset>` = a relevant page; `t.<created_ms>.<id>` = a recent
//! page after that item.

use crate::Cursor;

impl Cursor {
    pub fn encode(&self) -> String {
        match *self {
            Cursor::Start => "s".into(),
            Cursor::Ranked { as_of_ms, offset } => format!("r.{as_of_ms}.{offset}"),
            Cursor::Recent { created_ms, id } => format!("t.{created_ms}.{id}"),
        }
    }

    pub fn decode(s: &str) -> Option<Cursor> {
        if s == "s" {
            return Some(Cursor::Start);
        }
        let mut parts = s.split('.');
        let (tag, a, b) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() {
            return None;
        }
        let cursor = match tag {
            "r" => Cursor::Ranked {
                as_of_ms: int(a)?,
                offset: u32::try_from(int(b)?).ok()?,
            },
            "t" => Cursor::Recent {
                created_ms: int(a)?,
                id: int(b)?,
            },
            _ => return None,
        };
        // One spelling per cursor: "r.01.2" or "r.+1.2" would decode, but are not ours.
        (cursor.encode() == s).then_some(cursor)
    }
}

fn int(s: &str) -> Option<i64> {
    s.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_spellings() {
        let c = Cursor::Ranked {
            as_of_ms: 1_700_000_000_000,
            offset: 20,
        };
        assert_eq!(c.encode(), "r.1700000000000.20");
        let t = Cursor::Recent {
            created_ms: 1_700_000_000_000,
            id: 42,
        };
        assert_eq!(t.encode(), "t.1700000000000.42");
        assert_eq!(Cursor::decode("r.1700000000000.20"), Some(c));
        assert_eq!(Cursor::decode("s"), Some(Cursor::Start));
    }

    #[test]
    fn garbage_is_none() {
        for g in [
            "",
            "r",
            "r.1",
            "r.1.",
            "r..1",
            "r.1.2.3",
            "x.1.2",
            "r.a.1",
            "r.1.-1",
            "r.1.4294967296",
            "t.1.2 ",
            " t.1.2",
            "r.+1.2",
            "r.01.2",
            "R.1.2",
            "s.",
            "t.1.9223372036854775808",
        ] {
            assert_eq!(Cursor::decode(g), None, "{g:?}");
        }
    }

    proptest! {
        #[test]
        fn roundtrip(ms in any::<i64>(), off in any::<u32>(), id in any::<i64>()) {
            for c in [
                Cursor::Start,
                Cursor::Ranked { as_of_ms: ms, offset: off },
                Cursor::Recent { created_ms: ms, id },
            ] {
                let s = c.encode();
                prop_assert!(s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-'));
                prop_assert_eq!(Cursor::decode(&s), Some(c));
            }
        }

        #[test]
        fn arbitrary_text_never_panics(s in ".{0,40}") {
            if let Some(c) = Cursor::decode(&s) {
                prop_assert_eq!(c.encode(), s);
            }
        }
    }
}
