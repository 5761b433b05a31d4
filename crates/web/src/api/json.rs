//! The JSON shapes that many routes share: a member ([`MemberJson`]), a member as the asker
//! sees them ([`PersonJson`]), a page of a list ([`ListJson`], [`PageParams`]) and times
//! ([`rfc3339`]).

use guild_core::accounts::model::Member;
use guild_core::network::{Person, Relation};
use guild_core::paging::Page;
use guild_core::profiles::model::MemberCard;
use guild_core::profiles::photo_url;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A member as every list and object shows them.
#[derive(Debug, Serialize, ToSchema)]
pub struct MemberJson {
    /// Ids are strings.
    pub id: String,
    pub handle: String,
    pub name: String,
    pub headline: Option<String>,
    /// The 400 px photo, if any.
    pub photo_url: Option<String>,
}

impl MemberJson {
    pub fn new(m: &Member, headline: Option<String>, photo_key: Option<&str>) -> Self {
        MemberJson {
            id: m.id.to_string(),
            handle: m.handle.to_string(),
            name: m.name.clone(),
            headline,
            photo_url: photo_key.map(|k| photo_url(k, guild_core::photo::LARGE)),
        }
    }
}

impl From<&MemberCard> for MemberJson {
    fn from(c: &MemberCard) -> Self {
        MemberJson {
            id: c.id.to_string(),
            handle: c.handle.to_string(),
            name: c.name.clone(),
            headline: c.headline.clone(),
            photo_url: c
                .photo_key
                .as_deref()
                .map(|k| photo_url(k, guild_core::photo::LARGE)),
        }
    }
}

/// `{"items":[…],"next_cursor":…}`
#[derive(Debug, Serialize, ToSchema)]
pub struct ListJson<T: ToSchema> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

/// A time as every JSON field writes it: RFC 3339, UTC, to the second.
pub fn rfc3339(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// A member as lists show them to the asker, with the degree badge and mutual count.
#[derive(Debug, Serialize, ToSchema)]
pub struct PersonJson {
    #[serde(flatten)]
    pub member: MemberJson,
    /// 1, 2 or 3; null for oneself and beyond the 3rd degree.
    pub degree: Option<u8>,
    pub mutual_count: u32,
    /// `me`, `connected`, `invited_by_me`, `invited_me` or `none`.
    #[schema(value_type = String)]
    pub relation: Relation,
}

impl From<&Person> for PersonJson {
    fn from(p: &Person) -> Self {
        PersonJson {
            member: MemberJson::from(&p.card),
            degree: p.degree,
            mutual_count: p.mutual_count,
            relation: p.relation,
        }
    }
}

impl<T: ToSchema> ListJson<T> {
    /// A page of core items, each shown as `T`.
    pub fn of<'a, S>(page: &'a Page<S>, show: impl Fn(&'a S) -> T) -> Self {
        ListJson {
            items: page.items.iter().map(show).collect(),
            next_cursor: page.next_cursor.clone(),
        }
    }

    /// A whole list in one page.
    pub fn all(items: Vec<T>) -> Self {
        ListJson {
            items,
            next_cursor: None,
        }
    }
}

/// `?cursor=&limit=` of a paged list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct PageParams {
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// 1–100, default 20.
    pub limit: Option<u32>,
}
