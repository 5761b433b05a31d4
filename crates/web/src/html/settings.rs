//! `/settings`: password, email address, handle, and personal access tokens.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use guild_core::accounts::model::ApiToken;
use guild_core::auth::Viewer;
use guild_core::CoreError;
use serde::{Deserialize, Serialize};

use super::flash::{with_flash, Flash};
use super::form::{refuse, Form, PageForm};
use super::format::date;
use super::layout::{render, see_other, Layout};
use crate::error::fail;
use crate::error::PageResult;
use crate::extract::{session_cookie, CurrentViewer, Id};
use crate::AppState;

const SETTINGS: &str = "/settings";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/settings", get(show_settings))
        .route("/settings/password", post(change_password))
        .route("/settings/email", post(change_email))
        .route("/settings/handle", post(change_handle))
        .route("/settings/tokens", post(create_token))
        .route("/settings/tokens/{id}/revoke", post(revoke_token))
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
struct PasswordForm {
    #[serde(skip_serializing)]
    current_password: String,
    #[serde(skip_serializing)]
    new_password: String,
    /// Ticked (the default): the account's API tokens are revoked too.
    revoke_tokens: String,
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
struct EmailForm {
    #[serde(skip_serializing)]
    password: String,
    email: String,
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
struct HandleForm {
    handle: String,
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
struct TokenForm {
    label: String,
}

enum Failed {
    Nothing,
    Password(Form),
    Email(Form),
    Handle(Form),
    Token(Form),
}

#[derive(Template)]
#[template(path = "settings.html")]
struct SettingsPage {
    layout: Layout,
    email: String,
    handle: String,
    public_url: String,
    tokens: Vec<TokenItem>,
    /// A token just created: shown this once.
    new_token: Option<String>,
    password_form: Form,
    email_form: Form,
    handle_form: Form,
    token_form: Form,
    /// After a failure: the anchor and name of the section whose form failed.
    problem: Option<(&'static str, &'static str)>,
    /// After a change: its confirmation, and the id of the section it is shown in.
    flash: Option<Flash>,
    flash_in: &'static str,
}

struct TokenItem {
    id: i64,
    label: String,
    created: String,
    last_used: String,
}

fn settings_page(
    state: &AppState,
    v: &Viewer,
    tokens: Vec<ApiToken>,
    failed: Failed,
) -> SettingsPage {
    let me = v.member();
    let mut layout = Layout::new("Settings", me);
    // A change's confirmation is shown in its section, where the member is looking.
    let flash = layout.flash.filter(|f| f.settings_section().is_some());
    if flash.is_some() {
        layout.flash = None;
    }
    let mut page = SettingsPage {
        layout,
        flash,
        flash_in: flash.and_then(|f| f.settings_section()).unwrap_or(""),
        email: me.map(|m| m.email.to_string()).unwrap_or_default(),
        handle: me.map(|m| m.handle.to_string()).unwrap_or_default(),
        public_url: state.settings.public_url.clone(),
        tokens: tokens
            .into_iter()
            .map(|t| TokenItem {
                id: t.id,
                label: t.label,
                created: date(t.created_at),
                last_used: t.last_used_at.map(date).unwrap_or_else(|| "Never".into()),
            })
            .collect(),
        new_token: None,
        password_form: Form::default(),
        email_form: Form::default(),
        handle_form: Form::of(&HandleForm {
            handle: me.map(|m| m.handle.to_string()).unwrap_or_default(),
        }),
        token_form: Form::default(),
        problem: None,
    };
    page.problem = match failed {
        Failed::Nothing => None,
        Failed::Password(f) => {
            page.password_form = f;
            Some(("password-section", "Password"))
        }
        Failed::Email(f) => {
            page.email_form = f;
            Some(("email-section", "Email address"))
        }
        Failed::Handle(f) => {
            page.handle_form = f;
            Some(("handle-section", "Profile address"))
        }
        Failed::Token(f) => {
            page.token_form = f;
            Some(("tokens", "Personal access tokens"))
        }
    };
    page
}

async fn show_settings(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
) -> PageResult<Response> {
    let tokens = state
        .list_tokens(&v)
        .await
        .map_err(|e| fail(e, &v, SETTINGS))?;
    let page = settings_page(&state, &v, tokens, Failed::Nothing);
    Ok(render(StatusCode::OK, &page))
}

/// The settings page again with the failed form's messages (422 or 429), or an error page.
async fn refused(
    state: &AppState,
    v: &Viewer,
    form: Form,
    e: CoreError,
    shown: &[&str],
    failed: fn(Form) -> Failed,
) -> PageResult<Response> {
    let (r, form) = refuse(form, e, shown).map_err(|e| fail(e, v, SETTINGS))?;
    let tokens = state
        .list_tokens(v)
        .await
        .map_err(|e| fail(e, v, SETTINGS))?;
    Ok(r.render(&settings_page(state, v, tokens, failed(form))))
}

async fn change_password(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
    PageForm(f): PageForm<PasswordForm>,
) -> PageResult<Response> {
    match state
        .change_password(
            &v,
            &f.current_password,
            &f.new_password,
            f.revoke_tokens.is_empty(),
        )
        .await
    {
        // Every session ended, this one too: the browser gets the new one with the redirect.
        Ok(s) => {
            let cookie = session_cookie(
                &s.token,
                state.settings.secure_cookies(),
                state.settings.limits.session_days,
            );
            Ok(with_flash(
                see_other("/settings#password-section", Some(cookie)),
                Flash::PasswordChanged,
            ))
        }
        Err(e) => {
            refused(
                &state,
                &v,
                Form::of(&f),
                e,
                &["current_password", "new_password"],
                Failed::Password,
            )
            .await
        }
    }
}

async fn change_email(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
    PageForm(f): PageForm<EmailForm>,
) -> PageResult<Response> {
    match state.change_email(&v, &f.password, &f.email).await {
        Ok(_) => Ok(with_flash(
            see_other("/settings#email-section", None),
            Flash::EmailChanged,
        )),
        Err(e) => {
            refused(
                &state,
                &v,
                Form::of(&f),
                e,
                &["password", "email"],
                Failed::Email,
            )
            .await
        }
    }
}

async fn change_handle(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
    PageForm(f): PageForm<HandleForm>,
) -> PageResult<Response> {
    match state.change_handle(&v, &f.handle).await {
        Ok(_) => Ok(with_flash(
            see_other("/settings#handle-section", None),
            Flash::HandleChanged,
        )),
        Err(e) => refused(&state, &v, Form::of(&f), e, &["handle"], Failed::Handle).await,
    }
}

/// Creates a token and shows it right away: a redirect would need to carry the secret.
async fn create_token(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
    PageForm(f): PageForm<TokenForm>,
) -> PageResult<Response> {
    match state.create_token(&v, &f.label).await {
        Ok((_, token)) => {
            let tokens = state
                .list_tokens(&v)
                .await
                .map_err(|e| fail(e, &v, SETTINGS))?;
            let mut page = settings_page(&state, &v, tokens, Failed::Nothing);
            page.new_token = Some(token);
            Ok(render(StatusCode::OK, &page))
        }
        Err(e) => refused(&state, &v, Form::of(&f), e, &["label"], Failed::Token).await,
    }
}

async fn revoke_token(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Id(id): Id,
) -> PageResult<Response> {
    state
        .revoke_token(&v, id)
        .await
        .map_err(|e| fail(e, &v, SETTINGS))?;
    Ok(with_flash(
        see_other("/settings#tokens", None),
        Flash::TokenRevoked,
    ))
}
