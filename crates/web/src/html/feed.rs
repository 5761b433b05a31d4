//! The home feed for members (the composer, the ranked or most-recent feed with "Why am I
//! seeing this?", infinite scroll through `/feed/more`), hashtag pages, and the notification
//! centre with its settings.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use guild_core::auth::Viewer;
use guild_core::feed::model::{Digest, NotificationKind};
use guild_core::CoreError;
use serde::Deserialize;

use super::cards::Card;
use super::form::{Form, PageForm};
use super::posts::PostRow;
use super::{fail, render, see_other, url_encode, Layout};
use crate::error::PageResult;
use crate::extract::CurrentViewer;
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/feed/more", get(more))
        .route("/hashtags/{tag}", get(hashtag))
        .route("/hashtags/{tag}/{action}", post(follow_hashtag))
        .route("/in/{handle}/posts", get(member_posts))
        .route("/notifications", get(notifications))
        .route("/notifications/read", post(mark_read))
        .route(
            "/notifications/settings",
            get(show_settings).post(save_settings),
        )
}

#[derive(Template)]
#[template(path = "feed.html")]
pub struct FeedPage {
    pub layout: Layout,
    pub first_name: String,
    pub form: Form,
    pub recent: bool,
    pub items: Vec<PostRow>,
    pub next: Option<String>,
    pub notice: Option<&'static str>,
    pub suggestions: Vec<super::network::SuggestionRow>,
    pub hashtags: Vec<String>,
    /// The profile-strength meter (until the profile is complete).
    pub meter: Option<super::Meter>,
}

#[derive(Template)]
#[template(path = "feed_items.html")]
struct FeedItems {
    items: Vec<PostRow>,
    next: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct FeedQuery {
    pub sort: Option<String>,
    pub cursor: Option<String>,
    pub done: Option<String>,
}

/// The signed-in member's home page: composer and feed.
pub async fn home_page(
    state: &AppState,
    v: &Viewer,
    sort: Option<&str>,
    cursor: Option<&str>,
    form: Form,
) -> Result<FeedPage, CoreError> {
    let me = v.require()?.clone();
    let feed = state.home_feed(v, sort, cursor, None).await?;
    let form = if form.v("visibility").is_empty() && !form.failed() {
        Form::of(&super::posts::ComposeForm {
            visibility: "anyone".into(),
            ..Default::default()
        })
    } else {
        form
    };
    Ok(FeedPage {
        layout: Layout::new("Home", Some(&me)),
        first_name: me
            .name
            .split_whitespace()
            .next()
            .unwrap_or(&me.name)
            .to_string(),
        form,
        recent: feed.sort == guild_core::feed::model::FeedSort::Recent,
        items: feed.items.iter().map(PostRow::from).collect(),
        next: feed.next_cursor,
        notice: None,
        suggestions: super::network::suggestions_for(state, v, 3).await,
        hashtags: state.followed_hashtags(v).await?,
        meter: state
            .my_profile(v)
            .await?
            .strength
            .as_ref()
            .map(super::Meter::from),
    })
}

pub async fn show_feed(state: &AppState, v: &Viewer, q: FeedQuery) -> PageResult<Response> {
    let mut page = home_page(
        state,
        v,
        q.sort.as_deref(),
        q.cursor.as_deref(),
        Form::default(),
    )
    .await
    .map_err(|e| fail(e, v, "/"))?;
    page.notice = match q.done.as_deref() {
        Some("posted") => Some("Posted."),
        Some("deleted") => Some("The post was deleted."),
        _ => None,
    };
    Ok(render(StatusCode::OK, &page))
}

/// The next page of the feed as a fragment (infinite scroll fetches it).
async fn more(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Query(q): Query<FeedQuery>,
) -> PageResult<Response> {
    let feed = state
        .home_feed(&v, None, q.cursor.as_deref(), None)
        .await
        .map_err(|e| fail(e, &v, "/"))?;
    Ok(render(
        StatusCode::OK,
        &FeedItems {
            items: feed.items.iter().map(PostRow::from).collect(),
            next: feed.next_cursor,
        },
    ))
}

#[derive(Template)]
#[template(path = "hashtag.html")]
struct HashtagPage {
    layout: Layout,
    tag: String,
    following: bool,
    /// Where reaction forms return to.
    back: String,
    items: Vec<PostRow>,
    next: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct CursorQuery {
    cursor: Option<String>,
}

#[derive(Template)]
#[template(path = "member_posts.html")]
struct MemberPostsPage {
    layout: Layout,
    name: String,
    handle: String,
    back: String,
    items: Vec<PostRow>,
    next: Option<String>,
}

/// Everything a member posted that the viewer may read, newest first.
async fn member_posts(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Path(handle): Path<String>,
    Query(q): Query<CursorQuery>,
) -> PageResult<Response> {
    let here = format!("/in/{}/posts", url_encode(&handle));
    let page = state
        .posts_by(&v, &handle, q.cursor.as_deref(), None)
        .await
        .map_err(|e| fail(e, &v, &here))?;
    let member = state
        .view_profile(&v, &handle)
        .await
        .map_err(|e| fail(e, &v, &here))?
        .member;
    Ok(render(
        StatusCode::OK,
        &MemberPostsPage {
            layout: Layout::new(&format!("Posts by {}", member.name), v.member()),
            back: here,
            name: member.name,
            handle: member.handle,
            items: page.items.iter().map(PostRow::from).collect(),
            next: page.next_cursor,
        },
    ))
}

async fn hashtag(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Path(tag): Path<String>,
    Query(q): Query<CursorQuery>,
) -> PageResult<Response> {
    let here = format!("/hashtags/{}", url_encode(&tag));
    let h = state
        .hashtag(&v, &tag, q.cursor.as_deref(), None)
        .await
        .map_err(|e| fail(e, &v, &here))?;
    Ok(render(
        StatusCode::OK,
        &HashtagPage {
            layout: Layout::new(&format!("#{}", h.tag), v.member()),
            back: format!("/hashtags/{}", h.tag),
            tag: h.tag,
            following: h.following,
            items: h.posts.iter().map(PostRow::from).collect(),
            next: h.next_cursor,
        },
    ))
}

async fn follow_hashtag(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Path((tag, action)): Path<(String, String)>,
) -> PageResult<Response> {
    let here = format!("/hashtags/{}", url_encode(&tag));
    let on = match action.as_str() {
        "follow" => true,
        "unfollow" => false,
        _ => return Err(fail(CoreError::NotFound, &v, &here)),
    };
    let tag = state
        .follow_hashtag(&v, &tag, on)
        .await
        .map_err(|e| fail(e, &v, &here))?;
    Ok(see_other(&format!("/hashtags/{}", url_encode(&tag)), None))
}

pub struct NotificationRow {
    pub id: i64,
    pub actor: Card,
    pub text: String,
    pub link: String,
    pub when: String,
    pub unread: bool,
}

#[derive(Template)]
#[template(path = "notifications.html")]
struct NotificationsPage {
    layout: Layout,
    items: Vec<NotificationRow>,
    next: Option<String>,
    unread: i64,
}

async fn notifications(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Query(q): Query<CursorQuery>,
) -> PageResult<Response> {
    let back = |e| fail(e, &v, "/notifications");
    let page = state
        .notifications(&v, q.cursor.as_deref(), None)
        .await
        .map_err(back)?;
    let unread = state.unread_notifications(&v).await.map_err(back)?;
    Ok(render(
        StatusCode::OK,
        &NotificationsPage {
            layout: Layout::new("Notifications", v.member()),
            items: page
                .items
                .iter()
                .map(|n| NotificationRow {
                    id: n.n.id,
                    actor: Card::from(&n.actor),
                    text: n.text.clone(),
                    link: n.link.clone(),
                    when: super::date(n.n.created_at),
                    unread: n.n.read_at.is_none(),
                })
                .collect(),
            next: page.next_cursor,
            unread,
        },
    ))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ReadForm {
    id: String,
    to: String,
}

/// Marks one notification read and follows its link, or marks all read.
async fn mark_read(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
    PageForm(f): PageForm<ReadForm>,
) -> PageResult<Response> {
    let back = |e| fail(e, &v, "/notifications");
    match f.id.trim().parse::<i64>() {
        Ok(id) => {
            state
                .mark_notifications_read(&v, Some(&[id]))
                .await
                .map_err(back)?;
            let to = super::form::safe_next(Some(&f.to));
            Ok(see_other(&to, None))
        }
        Err(_) => {
            state
                .mark_notifications_read(&v, None)
                .await
                .map_err(back)?;
            Ok(see_other("/notifications", None))
        }
    }
}

pub struct SettingRow {
    pub kind: &'static str,
    pub label: &'static str,
    pub in_app: bool,
    pub email: bool,
}

#[derive(Template)]
#[template(path = "notification_settings.html")]
struct SettingsPage {
    layout: Layout,
    rows: Vec<SettingRow>,
    digest: &'static str,
    saved: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct SavedQuery {
    done: Option<String>,
}

async fn show_settings(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Query(q): Query<SavedQuery>,
) -> PageResult<Response> {
    let back = |e| fail(e, &v, "/notifications/settings");
    let me = v.require().map_err(back)?.id;
    let rows = state
        .notification_settings(&v)
        .await
        .map_err(back)?
        .into_iter()
        .map(|s| SettingRow {
            kind: s.kind.as_str(),
            label: s.kind.label(),
            in_app: s.in_app,
            email: s.email,
        })
        .collect();
    let digest = state
        .store
        .feed_prefs(me)
        .await
        .map_err(|e| back(e.into()))?
        .digest;
    Ok(render(
        StatusCode::OK,
        &SettingsPage {
            layout: Layout::new("Notification settings", v.member()),
            rows,
            digest: digest.as_str(),
            saved: q.done.is_some(),
        },
    ))
}

/// The settings form: for each kind, checkboxes `<kind>.in_app` and `<kind>.email`.
async fn save_settings(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
    PageForm(f): PageForm<Vec<(String, String)>>,
) -> PageResult<Response> {
    let back = |e| fail(e, &v, "/notifications/settings");
    let has = |k: &str| f.iter().any(|(name, _)| name == k);
    let digest = f
        .iter()
        .find(|(k, _)| k == "digest")
        .map(|(_, v)| v.as_str())
        .unwrap_or(Digest::Weekly.as_str());
    state.set_digest(&v, digest).await.map_err(back)?;
    for kind in NotificationKind::ALL {
        let k = kind.as_str();
        state
            .set_notification_setting(
                &v,
                k,
                has(&format!("{k}.in_app")),
                has(&format!("{k}.email")),
            )
            .await
            .map_err(back)?;
    }
    Ok(see_other("/notifications/settings?done=saved", None))
}
