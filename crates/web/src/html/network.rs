//! The "My network" pages: invitations received and sent, connections, followers and
//! following, People You May Know, who may invite me and blocked members; plus the form
//! actions on a member (invite, follow, remove, block) that profiles and cards link to.

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use guild_core::auth::Viewer;
use guild_core::network::model::{ConnectionSort, FollowDirection, InvitationBox};
use guild_core::network::{InvitationView, NetworkStats, SuggestionView};
use serde::{Deserialize, Serialize};

use super::cards::Card;
use super::format::{age, date, url_encode};
use super::layout::{render, Layout};
use crate::error::fail;
use crate::error::PageResult;
use crate::extract::CurrentViewer;
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/network", get(show_network))
        .route("/network/sent", get(show_sent))
        .route("/network/connections", get(show_connections))
        .route("/network/followers", get(show_followers))
        .route("/network/following", get(show_following))
        .route("/network/suggestions", get(show_suggestions))
        .route("/network/manage", get(show_manage))
        .route("/in/{handle}/mutuals", get(show_mutuals))
}

/// An invitation as the lists show it.
pub struct InvitationItem {
    pub id: i64,
    pub card: Card,
    pub note: Option<String>,
    pub sent: String,
}

impl From<&InvitationView> for InvitationItem {
    fn from(v: &InvitationView) -> Self {
        InvitationItem {
            id: v.id,
            card: Card::from(&v.other),
            note: v.note.clone(),
            sent: age(v.created_at),
        }
    }
}

/// A suggestion as the cards show it.
pub struct SuggestionItem {
    pub card: Card,
    pub reasons: Vec<String>,
}

impl From<&SuggestionView> for SuggestionItem {
    fn from(s: &SuggestionView) -> Self {
        let card = Card::from(&s.person);
        // The card's own line links "3 mutual connections"; the reasons say the rest, so the
        // number is said once.
        let reasons = s
            .reasons
            .iter()
            .filter(|r| **r != card.mutuals)
            .cloned()
            .collect();
        SuggestionItem { card, reasons }
    }
}

pub async fn suggestions_for(state: &AppState, v: &Viewer, limit: u32) -> Vec<SuggestionItem> {
    match state.people_you_may_know(v, Some(limit)).await {
        Ok(list) => list.iter().map(SuggestionItem::from).collect(),
        Err(e) => {
            tracing::warn!("suggestions: {e}");
            Vec::new()
        }
    }
}

#[derive(Debug, Default, Deserialize)]
struct Done {
    done: Option<String>,
}

fn notice(done: Option<&str>) -> Option<&'static str> {
    match done? {
        "accept" => Some("Invitation accepted: you are now connected."),
        "ignore" => Some("Invitation ignored. The sender is not told."),
        "dont-know" => Some("Noted: they cannot invite you again."),
        "spam" => Some("Reported as spam: they cannot invite you again."),
        "withdraw" => Some("Invitation withdrawn."),
        "dismiss" => Some("We won't suggest them again."),
        "removed" => Some("Connection removed."),
        "blocked" => Some("Blocked. Neither of you will see the other anywhere."),
        "unblocked" => Some("Unblocked. Nothing was restored: connect again if you wish."),
        "policy" => Some("Saved who can invite you."),
        "invited" => Some("Invitation sent."),
        "connected" => Some("You are now connected."),
        _ => None,
    }
}

#[derive(Template)]
#[template(path = "network.html")]
struct NetworkPage {
    layout: Layout,
    notice: Option<&'static str>,
    stats: NetworkStats,
    received: Vec<InvitationItem>,
    more_received: Option<String>,
    suggestions: Vec<SuggestionItem>,
    quota: String,
}

async fn show_network(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
    done: Query<Done>,
) -> PageResult<Response> {
    let back = |e| fail(e, &v, "/network");
    let stats = state.network_stats(&v).map_err(back)?;
    let received = state
        .invitations(&v, InvitationBox::Received, None, Some(50))
        .await
        .map_err(back)?;
    let quota = state.invitation_quota(&v).await.map_err(back)?;
    let page = NetworkPage {
        layout: Layout::new("My network", v.member()),
        notice: notice(done.done.as_deref()),
        stats,
        received: received.items.iter().map(InvitationItem::from).collect(),
        more_received: received.next_cursor,
        suggestions: suggestions_for(&state, &v, 12).await,
        quota: quota.label(),
    };
    Ok(render(StatusCode::OK, &page))
}

/// One page of people: connections, followers, following, sent invitations, mutuals.
#[derive(Template)]
#[template(path = "network_list.html")]
struct ListPage {
    layout: Layout,
    notice: Option<&'static str>,
    heading: String,
    /// Which list: `connections`, `followers`, `following`, `sent`, `mutuals`.
    kind: &'static str,
    rows: Vec<ListEntry>,
    next_href: Option<String>,
    q: String,
    sort: &'static str,
    empty: &'static str,
}

struct ListEntry {
    card: Card,
    /// "Connected 3 Nov 2026", "Sent 1 Nov 2026" …
    when: String,
    invitation: Option<i64>,
}

#[derive(Debug, Default, Deserialize, Serialize)]
struct ListParams {
    #[serde(default)]
    q: String,
    #[serde(default)]
    sort: String,
    #[serde(default)]
    cursor: String,
    done: Option<String>,
}

fn list_page(v: &Viewer, heading: &str, kind: &'static str, p: &ListParams) -> ListPage {
    ListPage {
        layout: Layout::new(heading, v.member()),
        notice: notice(p.done.as_deref()),
        heading: heading.to_string(),
        kind,
        rows: Vec::new(),
        next_href: None,
        q: p.q.clone(),
        sort: if p.sort == "name" { "name" } else { "recent" },
        empty: match kind {
            "connections" => {
                "No connections yet. Invitations you accept, and those others accept, show here."
            }
            "followers" => "Nobody follows you yet.",
            "following" => "You don't follow anyone yet.",
            "sent" => "No pending invitations.",
            _ => "Nobody to show.",
        },
    }
}

async fn show_connections(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
    q: Result<Query<ListParams>, QueryRejection>,
) -> PageResult<Response> {
    let p = q.map(|Query(p)| p).unwrap_or_default();
    let mut page = list_page(&v, "Connections", "connections", &p);
    let sort = if page.sort == "name" {
        ConnectionSort::Name
    } else {
        ConnectionSort::Recent
    };
    let found = state
        .connections(
            &v,
            Some(p.q.as_str()),
            sort,
            Some(p.cursor.as_str()),
            Some(30),
        )
        .await
        .map_err(|e| fail(e, &v, "/network/connections"))?;
    page.rows = found
        .items
        .iter()
        .map(|r| ListEntry {
            card: Card::from(&r.person),
            when: format!("Connected {}", date(r.since)),
            invitation: None,
        })
        .collect();
    page.next_href = found.next_cursor.map(|c| {
        format!(
            "/network/connections?q={}&sort={}&cursor={}",
            url_encode(&p.q),
            page.sort,
            url_encode(&c)
        )
    });
    Ok(render(StatusCode::OK, &page))
}

async fn show_follows(
    state: AppState,
    v: Viewer,
    p: ListParams,
    direction: FollowDirection,
) -> PageResult<Response> {
    let (heading, kind, path) = match direction {
        FollowDirection::Followers => ("Followers", "followers", "/network/followers"),
        FollowDirection::Following => ("Following", "following", "/network/following"),
    };
    let mut page = list_page(&v, heading, kind, &p);
    let found = state
        .follows(&v, direction, Some(p.cursor.as_str()), Some(30))
        .await
        .map_err(|e| fail(e, &v, path))?;
    page.rows = found
        .items
        .iter()
        .map(|r| ListEntry {
            card: Card::from(&r.person),
            when: format!("Since {}", date(r.since)),
            invitation: None,
        })
        .collect();
    page.next_href = found
        .next_cursor
        .map(|c| format!("{path}?cursor={}", url_encode(&c)));
    Ok(render(StatusCode::OK, &page))
}

async fn show_followers(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
    q: Result<Query<ListParams>, QueryRejection>,
) -> PageResult<Response> {
    let p = q.map(|Query(p)| p).unwrap_or_default();
    show_follows(state, v, p, FollowDirection::Followers).await
}

async fn show_following(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
    q: Result<Query<ListParams>, QueryRejection>,
) -> PageResult<Response> {
    let p = q.map(|Query(p)| p).unwrap_or_default();
    show_follows(state, v, p, FollowDirection::Following).await
}

async fn show_sent(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
    q: Result<Query<ListParams>, QueryRejection>,
) -> PageResult<Response> {
    let p = q.map(|Query(p)| p).unwrap_or_default();
    let mut page = list_page(&v, "Sent invitations", "sent", &p);
    let found = state
        .invitations(&v, InvitationBox::Sent, Some(p.cursor.as_str()), Some(30))
        .await
        .map_err(|e| fail(e, &v, "/network/sent"))?;
    page.rows = found
        .items
        .iter()
        .map(|i| ListEntry {
            card: Card::from(&i.other),
            when: format!("Sent {}", age(i.created_at)),
            invitation: Some(i.id),
        })
        .collect();
    page.next_href = found
        .next_cursor
        .map(|c| format!("/network/sent?cursor={}", url_encode(&c)));
    Ok(render(StatusCode::OK, &page))
}

async fn show_mutuals(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Path(handle): Path<String>,
    q: Result<Query<ListParams>, QueryRejection>,
) -> PageResult<Response> {
    let p = q.map(|Query(p)| p).unwrap_or_default();
    let back = format!("/in/{}/mutuals", url_encode(&handle));
    let target = state
        .view_profile(&v, &handle)
        .await
        .map_err(|e| fail(e, &v, &back))?;
    let mut page = list_page(
        &v,
        &format!("Mutual connections with {}", target.member.name),
        "mutuals",
        &p,
    );
    let found = state
        .mutuals(&v, &handle, Some(p.cursor.as_str()), Some(30))
        .await
        .map_err(|e| fail(e, &v, &back))?;
    page.rows = found
        .items
        .iter()
        .map(|person| ListEntry {
            card: Card::from(person),
            when: String::new(),
            invitation: None,
        })
        .collect();
    page.next_href = found
        .next_cursor
        .map(|c| format!("{back}?cursor={}", url_encode(&c)));
    Ok(render(StatusCode::OK, &page))
}

#[derive(Template)]
#[template(path = "suggestions.html")]
struct SuggestionsPage {
    layout: Layout,
    notice: Option<&'static str>,
    suggestions: Vec<SuggestionItem>,
}

async fn show_suggestions(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
    done: Query<Done>,
) -> PageResult<Response> {
    v.require()
        .map_err(|e| fail(e, &v, "/network/suggestions"))?;
    let page = SuggestionsPage {
        layout: Layout::new("People you may know", v.member()),
        notice: notice(done.done.as_deref()),
        suggestions: suggestions_for(&state, &v, 60).await,
    };
    Ok(render(StatusCode::OK, &page))
}

#[derive(Template)]
#[template(path = "network_manage.html")]
struct ManagePage {
    layout: Layout,
    notice: Option<&'static str>,
    email_only: bool,
    blocked: Vec<ListEntry>,
}

async fn show_manage(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
    done: Query<Done>,
) -> PageResult<Response> {
    let back = |e| fail(e, &v, "/network/manage");
    let policy = state.invite_policy(&v).await.map_err(back)?;
    let blocked = state.blocked(&v).await.map_err(back)?;
    let page = ManagePage {
        layout: Layout::new("Invitations and blocking", v.member()),
        notice: notice(done.done.as_deref()),
        email_only: policy == guild_core::network::model::InvitePolicy::EmailRequired,
        blocked: blocked
            .iter()
            .map(|r| ListEntry {
                card: Card::from(&r.person),
                when: format!("Blocked {}", date(r.since)),
                invitation: None,
            })
            .collect(),
    };
    Ok(render(StatusCode::OK, &page))
}
