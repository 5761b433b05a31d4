//! Fuzz target: a `cursor` and `limit` as a client sends them, read by
//! `guild_core::paging::PageRequest::new` for every key type a list pages by. A request is
//! either refused on the field at fault, or its key re-encodes to exactly the cursor sent
//! (the reading is strict: no two texts name the same page).

use guild_core::paging::{cursor, CursorKey, PageRequest, MAX_LIMIT};
use guild_core::CoreError;

fn main() {
    afl::fuzz!(|data: &[u8]| {
        // The first byte is the limit (0 = none sent), the rest the cursor.
        let Some((&limit, rest)) = data.split_first() else {
            return;
        };
        let Ok(text) = std::str::from_utf8(rest) else {
            return;
        };
        let limit = (limit != 0).then_some(u32::from(limit));
        read::<i64>(text, limit);
        read::<(i64, i64)>(text, limit);
        read::<(String, i64)>(text, limit);
        read::<guild_feed::Cursor>(text, limit);
    });
}

fn read<K: CursorKey + PartialEq + std::fmt::Debug>(text: &str, limit: Option<u32>) {
    match PageRequest::<K>::new(Some(text), limit) {
        Ok(req) => {
            assert!((1..=MAX_LIMIT).contains(&req.limit));
            match &req.after {
                None => assert!(text.trim().is_empty(), "{text:?} read as no cursor"),
                Some(key) => {
                    let again = cursor(key);
                    assert_eq!(again, text.trim(), "{key:?}");
                    let back = PageRequest::<K>::new(Some(&again), limit).unwrap();
                    assert_eq!(back, req);
                }
            }
        }
        Err(CoreError::Invalid(fields)) => {
            let names: Vec<&String> = fields.0.keys().collect();
            assert!(
                names == ["cursor"] || names == ["limit"],
                "refused on {names:?}"
            );
            let bad_limit = limit.is_some_and(|l| l == 0 || l > MAX_LIMIT);
            assert_eq!(names == ["limit"], bad_limit, "{text:?} {limit:?}");
        }
        Err(other) => panic!("{other:?}"),
    }
}
