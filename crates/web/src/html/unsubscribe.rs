//! `/unsubscribe?t=…`: the link at the foot of every email a member can turn off. It works
//! without signing in: GET says what will be turned off and offers a button; POST (the
//! button, or a mail client's one-click `List-Unsubscribe-Post`) turns it off. Core checks
//! the link's signature, so a tampered link changes nothing and says so.

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use guild_core::accounts::unsubscribe::Unsubscribe;
use guild_core::CoreError;
use serde::Deserialize;

use super::format::url_encode;
use super::layout::{render, Layout};
use crate::error::{fail, PageResult};
use crate::extract::CurrentViewer;
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/unsubscribe", get(show_unsubscribe).post(unsubscribe))
}

#[derive(Debug, Default, Deserialize)]
struct Link {
    #[serde(default)]
    t: String,
}

#[derive(Template)]
#[template(path = "unsubscribe.html")]
struct UnsubscribePage {
    layout: Layout,
    /// The form's action (GET, not yet done), or none once done or refused.
    action: Option<String>,
    heading: String,
    message: String,
    done: bool,
}

fn page(
    me: Option<&guild_core::accounts::model::Member>,
    t: &str,
    u: &Unsubscribe,
    done: bool,
) -> UnsubscribePage {
    let what = u.kind.describe();
    let (heading, message) = match (done, u.off) {
        (true, _) => (
            "You are unsubscribed".to_string(),
            format!("Done: {} will no longer get {what}.", u.name),
        ),
        (false, true) => (
            "Already unsubscribed".to_string(),
            format!("{} does not get {what}: it is already off.", u.name),
        ),
        (false, false) => (
            "Unsubscribe".to_string(),
            format!("Stop {what} for {}?", u.name),
        ),
    };
    UnsubscribePage {
        layout: Layout::new("Unsubscribe", me),
        action: (!done && !u.off).then(|| format!("/unsubscribe?t={}", url_encode(t))),
        heading,
        message,
        done,
    }
}

/// A refused link: a page that says so (400); anything else is the usual error page.
fn answer(
    me: Option<&guild_core::accounts::model::Member>,
    t: &str,
    result: Result<Unsubscribe, CoreError>,
    done: bool,
) -> Result<Response, CoreError> {
    match result {
        Ok(u) => Ok(render(StatusCode::OK, &page(me, t, &u, done))),
        Err(CoreError::Invalid(e)) => Ok(render(
            StatusCode::BAD_REQUEST,
            &UnsubscribePage {
                layout: Layout::new("Link not valid", me),
                action: None,
                heading: "This link does not work".into(),
                message: e.get("t").unwrap_or("This link is not valid.").to_string(),
                done: false,
            },
        )),
        Err(e) => Err(e),
    }
}

fn token(q: Result<Query<Link>, QueryRejection>) -> String {
    q.map(|Query(l)| l.t).unwrap_or_default()
}

async fn show_unsubscribe(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
    q: Result<Query<Link>, QueryRejection>,
) -> PageResult<Response> {
    let t = token(q);
    let result = state.check_unsubscribe(&t).await;
    answer(v.member(), &t, result, false).map_err(|e| fail(e, &v, "/settings"))
}

async fn unsubscribe(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
    q: Result<Query<Link>, QueryRejection>,
) -> PageResult<Response> {
    let t = token(q);
    let result = state.unsubscribe(&t).await;
    answer(v.member(), &t, result, true).map_err(|e| fail(e, &v, "/settings"))
}
