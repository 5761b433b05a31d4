//! The JSON shapes that many routes share: a member ([`MemberJson`]), a member as the asker
//! sees them ([`PersonJson`]), a page of a list ([`ListJson`], [`PageParams`]) and times
//! ([`rfc3339`]).

use guild_core::accounts::model::Member;
use guild_core::network::{Person, Relation};
use guild_core::paging::Page;
use guild_core::profiles::model::MemberCard;
use guild_core::profiles::photo_url;
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize};
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

/// An optional JSON integer. JSON has one kind of number, and JSON Schema counts `2019.0` as
/// an integer, so a whole number written with a zero fraction is read as that integer.
pub fn whole_number<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i32>, D::Error> {
    let Some(n) = Option::<serde_json::Number>::deserialize(d)? else {
        return Ok(None);
    };
    let whole = match (n.as_i64(), n.as_f64()) {
        (Some(i), _) => i32::try_from(i).ok(),
        (None, Some(f)) if f.fract() == 0.0 && f.abs() <= f64::from(i32::MAX) => Some(f as i32),
        _ => None,
    };
    whole
        .map(Some)
        .ok_or_else(|| D::Error::custom(format!("invalid value: {n}, expected a whole number")))
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

/// `{"ok":true}`: an action done, with nothing more to say.
#[derive(Debug, Serialize, ToSchema)]
pub struct OkJson {
    /// Always true.
    pub ok: bool,
}

impl OkJson {
    pub fn done() -> axum::Json<OkJson> {
        axum::Json(OkJson { ok: true })
    }
}

/// `?cursor=&limit=` of a paged list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PageParams {
    /// The `next_cursor` of the previous page.
    #[param(schema_with = super::schema::cursor)]
    pub cursor: Option<String>,
    /// Default 20.
    #[param(schema_with = super::schema::limit)]
    pub limit: Option<u32>,
}
