//! The messaging settings page, and the away period (out of office): set, end, and the
//! "while you were away" summary.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use guild_core::auth::Viewer;
use guild_core::messaging::model::{MessageSettings, WhoCanMessage};
use guild_core::CoreError;
use serde::{Deserialize, Serialize};

use super::flash::{with_flash, Flash};
use super::form::{refuse, Form, PageForm};
use super::format::date;
use super::layout::{render, see_other, Layout};
use crate::error::{fail, PageResult};
use crate::extract::{CurrentViewer, Id};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/settings/messaging",
            get(show_settings).post(save_settings),
        )
        .route("/me/away", get(show_away).post(save_away))
        .route("/me/away/end", post(end_away))
        .route("/me/away/{id}", get(away_summary))
}

#[derive(Template)]
#[template(path = "messaging_settings.html")]
struct SettingsPage {
    layout: Layout,
    who: &'static str,
    read_receipts: bool,
    email: bool,
}

async fn show_settings(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
) -> PageResult<Response> {
    let s = state
        .message_settings(&v)
        .await
        .map_err(|e| fail(e, &v, "/settings/messaging"))?;
    Ok(render(
        StatusCode::OK,
        &SettingsPage {
            layout: Layout::new("Messaging settings", v.member()),
            who: s.who_can_message.as_str(),
            read_receipts: s.read_receipts,
            email: s.email_after_minutes > 0,
        },
    ))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct SettingsForm {
    who_can_message: String,
    read_receipts: String,
    email: String,
}

async fn save_settings(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
    PageForm(f): PageForm<SettingsForm>,
) -> PageResult<Response> {
    let back = |e| fail(e, &v, "/settings/messaging");
    let who = WhoCanMessage::parse(&f.who_can_message).ok_or_else(|| {
        back(CoreError::invalid(
            "who_can_message",
            "Choose who can message you.",
        ))
    })?;
    state
        .set_message_settings(
            &v,
            &MessageSettings {
                who_can_message: who,
                read_receipts: !f.read_receipts.is_empty(),
                email_after_minutes: if f.email.is_empty() { 0 } else { 60 },
            },
        )
        .await
        .map_err(back)?;
    Ok(with_flash(
        see_other("/settings/messaging", None),
        Flash::MessagingSettingsSaved,
    ))
}

#[derive(Template)]
#[template(path = "away.html")]
struct AwayPage {
    layout: Layout,
    form: Form,
    current: Option<String>,
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
struct AwayForm {
    start: String,
    end: String,
    message: String,
    message_for_others: String,
    contact_handle: String,
}

async fn show_away(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
) -> PageResult<Response> {
    let back = |e| fail(e, &v, "/me/away");
    let a = state.my_away(&v).await.map_err(back)?;
    let mut f = AwayForm::default();
    let mut current = None;
    if let Some(a) = &a {
        let day = |ms: i64| {
            chrono::DateTime::from_timestamp_millis(ms)
                .map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_default()
        };
        f.start = day(a.starts_at);
        f.end = day(a.ends_at - 1);
        f.message = a.message.clone();
        f.message_for_others = a.message_for_others.clone().unwrap_or_default();
        f.contact_handle = state
            .away_contact_handle(&v, a)
            .await
            .map_err(back)?
            .unwrap_or_default();
        let name = v.member().map(|m| m.name.clone()).unwrap_or_default();
        current = Some(guild_core::messaging::away_notice(&name, a, None));
    }
    Ok(away_page(&v, Form::of(&f), current, StatusCode::OK))
}

fn away_page(v: &Viewer, form: Form, current: Option<String>, status: StatusCode) -> Response {
    render(
        status,
        &AwayPage {
            layout: Layout::new("Away", v.member()),
            form,
            current,
        },
    )
}

async fn save_away(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
    PageForm(f): PageForm<AwayForm>,
) -> PageResult<Response> {
    let input = guild_core::messaging::AwayInput {
        start: f.start.clone(),
        end: f.end.clone(),
        message: f.message.clone(),
        message_for_others: Some(f.message_for_others.clone()),
        contact_handle: Some(f.contact_handle.clone()),
    };
    match state.set_away(&v, &input).await {
        Ok(_) => Ok(with_flash(see_other("/me/away", None), Flash::AwaySaved)),
        Err(e) => {
            let (r, form) = refuse(
                Form::of(&f),
                e,
                &[
                    "start",
                    "end",
                    "message",
                    "message_for_others",
                    "contact_handle",
                ],
            )
            .map_err(|e| fail(e, &v, "/me/away"))?;
            Ok(away_page(&v, form, None, r.status))
        }
    }
}

async fn end_away(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
) -> PageResult<Response> {
    state
        .end_away(&v)
        .await
        .map_err(|e| fail(e, &v, "/me/away"))?;
    Ok(see_other("/messages?done=away-ended", None))
}

#[derive(Template)]
#[template(path = "away_summary.html")]
struct SummaryPage {
    layout: Layout,
    text: String,
    period: String,
}

async fn away_summary(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Id(id): Id,
) -> PageResult<Response> {
    let (a, text) = state
        .away_summary(&v, id)
        .await
        .map_err(|e| fail(e, &v, "/notifications"))?;
    Ok(render(
        StatusCode::OK,
        &SummaryPage {
            layout: Layout::new("While you were away", v.member()),
            text,
            period: format!("{} – {}", date(a.starts_at), date(a.ends_at - 1)),
        },
    ))
}
