//! The notification centre (mark one read and follow it, or all) and the notification
//! settings (in-app and email per kind, and the digest).

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use guild_core::feed::model::{Digest, NotificationKind};
use serde::Deserialize;

use super::cards::Card;
use super::form::{safe_next, PageForm};
use super::format::age;
use super::layout::{render, see_other, Layout};
use crate::error::{fail, PageResult};
use crate::extract::CurrentViewer;
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/notifications", get(notifications))
        .route("/notifications/read", post(mark_read))
        .route(
            "/notifications/settings",
            get(show_settings).post(save_settings),
        )
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct CursorQuery {
    cursor: Option<String>,
}

/// A notification as the centre lists it.
pub struct NotificationItem {
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
    items: Vec<NotificationItem>,
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
                .map(|n| NotificationItem {
                    id: n.n.id,
                    actor: Card::from(&n.actor),
                    text: n.text.clone(),
                    link: n.link.clone(),
                    when: age(n.n.created_at),
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
            let to = safe_next(Some(&f.to));
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

pub struct SettingItem {
    pub kind: &'static str,
    pub label: &'static str,
    pub in_app: bool,
    pub email: bool,
}

#[derive(Template)]
#[template(path = "notification_settings.html")]
struct SettingsPage {
    layout: Layout,
    rows: Vec<SettingItem>,
    digest: &'static str,
}

async fn show_settings(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
) -> PageResult<Response> {
    let back = |e| fail(e, &v, "/notifications/settings");
    let rows = state
        .notification_settings(&v)
        .await
        .map_err(back)?
        .into_iter()
        .map(|s| SettingItem {
            kind: s.kind.as_str(),
            label: s.kind.label(),
            in_app: s.in_app,
            email: s.email,
        })
        .collect();
    let digest = state.digest(&v).await.map_err(back)?;
    Ok(render(
        StatusCode::OK,
        &SettingsPage {
            layout: Layout::new("Notification settings", v.member()),
            rows,
            digest: digest.as_str(),
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
    Ok(super::flash::with_flash(
        see_other("/notifications/settings", None),
        super::flash::Flash::NotificationSettingsSaved,
    ))
}
