//! The member directory: filters on name, company, location, school and skill, visibility
//! honoured, keyset-paginated by (folded name, id).

use base64::Engine;

use crate::auth::{self, Viewer};
use crate::domain::fold_key;
use crate::error::{CoreError, CoreResult};
use crate::network::Person;
use crate::profiles::model::DirectoryQuery;
use crate::Guild;

#[derive(Debug, Clone, Default)]
pub struct DirectoryFilter {
    pub q: Option<String>,
    pub company: Option<String>,
    pub location: Option<String>,
    pub school: Option<String>,
    pub skill: Option<String>,
    pub cursor: Option<String>,
    pub limit: Option<u32>,
}

#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

pub const DEFAULT_LIMIT: u32 = 20;
pub const MAX_LIMIT: u32 = 100;

fn filter(raw: &Option<String>, label: &str) -> CoreResult<Option<String>> {
    match raw.as_deref().map(fold_key).filter(|s| !s.is_empty()) {
        Some(s) if s.chars().count() > 100 => {
            Err(CoreError::invalid(label, "Use at most 100 characters."))
        }
        other => Ok(other),
    }
}

fn encode_cursor(key: &str, id: i64) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{id}:{key}"))
}

fn decode_cursor(c: &str) -> CoreResult<(String, i64)> {
    let bad = || CoreError::invalid("cursor", "This page link is not valid.");
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(c.trim())
        .map_err(|_| bad())?;
    let s = String::from_utf8(raw).map_err(|_| bad())?;
    let (id, key) = s.split_once(':').ok_or_else(bad)?;
    Ok((key.to_string(), id.parse().map_err(|_| bad())?))
}

impl Guild {
    pub async fn directory(
        &self,
        viewer: &Viewer,
        f: &DirectoryFilter,
    ) -> CoreResult<Page<Person>> {
        let limit = f.limit.unwrap_or(DEFAULT_LIMIT);
        if limit == 0 || limit > MAX_LIMIT {
            return Err(CoreError::invalid(
                "limit",
                format!("The limit is between 1 and {MAX_LIMIT}."),
            ));
        }
        let after = match f.cursor.as_deref().filter(|c| !c.is_empty()) {
            Some(c) => Some(decode_cursor(c)?),
            None => None,
        };
        let q = DirectoryQuery {
            name: filter(&f.q, "q")?,
            company: filter(&f.company, "company")?,
            location: filter(&f.location, "location")?,
            school: filter(&f.school, "school")?,
            skill: filter(&f.skill, "skill")?,
            visible: auth::visible_levels(viewer),
            viewer: viewer.id(),
            hidden: viewer
                .id()
                .map(|me| self.network.hidden_from(me).into_iter().collect())
                .unwrap_or_default(),
            after,
            limit: limit + 1,
        };
        let mut items = self.store.directory(&q).await?;
        let next_cursor = if items.len() > limit as usize {
            items.truncate(limit as usize);
            items.last().map(|m| encode_cursor(&m.sort_key, m.id))
        } else {
            None
        };
        let items = self.people(viewer, items).await?;
        Ok(Page { items, next_cursor })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_round_trip_and_junk() {
        let c = encode_cursor("ann: de vries", 42);
        assert_eq!(
            decode_cursor(&c).unwrap(),
            ("ann: de vries".to_string(), 42)
        );
        assert!(decode_cursor("%%%").is_err());
        assert!(
            decode_cursor(&base64::engine::general_purpose::URL_SAFE_NO_PAD.encode("x")).is_err()
        );
    }
}
