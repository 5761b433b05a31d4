//! `/members`: the member directory, with a filter form that works as a plain GET.

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use guild_core::directory::DirectoryFilter;
use serde::{Deserialize, Serialize};

use super::cards::Card;
use super::form::{bad_form, refuse, Form};
use super::format::url_encode;
use super::layout::{render, Layout};
use crate::error::fail;
use crate::error::PageResult;
use crate::extract::CurrentViewer;
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/members", get(list_members))
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
struct DirectoryParams {
    q: String,
    company: String,
    location: String,
    school: String,
    skill: String,
    cursor: String,
}

const FILTERS: &[&str] = &["q", "company", "location", "school", "skill"];

impl DirectoryParams {
    fn filter(&self) -> DirectoryFilter {
        let some = |s: &str| Some(s.to_string()).filter(|s| !s.trim().is_empty());
        DirectoryFilter {
            q: some(&self.q),
            company: some(&self.company),
            location: some(&self.location),
            school: some(&self.school),
            skill: some(&self.skill),
            cursor: some(&self.cursor),
            limit: None,
        }
    }

    /// `/members?…` with the same filters, at the given cursor (or the first page).
    fn href(&self, cursor: Option<&str>) -> String {
        let values = [
            &self.q,
            &self.company,
            &self.location,
            &self.school,
            &self.skill,
        ];
        let mut parts: Vec<String> = FILTERS
            .iter()
            .zip(values)
            .filter(|(_, v)| !v.trim().is_empty())
            .map(|(k, v)| format!("{k}={}", url_encode(v)))
            .collect();
        if let Some(c) = cursor {
            parts.push(format!("cursor={}", url_encode(c)));
        }
        if parts.is_empty() {
            "/members".to_string()
        } else {
            format!("/members?{}", parts.join("&"))
        }
    }
}

#[derive(Template)]
#[template(path = "members.html")]
struct MembersPage {
    layout: Layout,
    form: Form,
    cards: Vec<Card>,
    next_href: Option<String>,
    /// Whether any filter is set (to word the empty result).
    filtered: bool,
    /// A filter other than the name is set: "More filters" opens by itself.
    more_filters: bool,
    /// On a later page, the way back to the first (same filters).
    first_href: Option<String>,
    /// Signed-in viewers get a Connect button on each card.
    v_signed_in: bool,
}

async fn list_members(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
    q: Result<Query<DirectoryParams>, QueryRejection>,
) -> PageResult<Response> {
    let Ok(Query(p)) = q else {
        return Ok(bad_form(v.member()));
    };
    let page = |form: Form, cards: Vec<Card>, next_href: Option<String>| MembersPage {
        layout: Layout::new("Members", v.member()),
        filtered: FILTERS.iter().any(|f| !form.v(f).trim().is_empty()),
        more_filters: FILTERS
            .iter()
            .any(|f| *f != "q" && !form.v(f).trim().is_empty()),
        first_href: (!p.cursor.is_empty()).then(|| p.href(None)),
        v_signed_in: v.member().is_some(),
        form,
        cards,
        next_href,
    };
    match state.directory(&v, &p.filter()).await {
        Ok(found) => {
            let next = found.next_cursor.as_deref().map(|c| p.href(Some(c)));
            let cards = found.items.into_iter().map(Card::from).collect();
            Ok(render(StatusCode::OK, &page(Form::of(&p), cards, next)))
        }
        Err(e) => {
            let (r, form) =
                refuse(Form::of(&p), e, FILTERS).map_err(|e| fail(e, &v, "/members"))?;
            Ok(r.render(&page(form, Vec::new(), None)))
        }
    }
}
