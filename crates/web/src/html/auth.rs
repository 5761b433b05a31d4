//! Joining and signing in: sign-up, the emailed confirmation link, sign-in (which rotates the
//! session), sign-out, and password reset by email.

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use guild_core::accounts::SignupInput;
use guild_core::auth::Viewer;
use guild_core::settings::RegistrationMode;
use guild_core::{Code, CoreError};
use serde::{Deserialize, Serialize};

use super::flash::{with_flash, Flash};
use super::form::{refuse, safe_next, Form, PageForm};
use super::format::url_encode;
use super::layout::{render, see_other, Layout};
use crate::error::fail;
use crate::error::PageResult;
use crate::extract::{clear_session_cookie, session_cookie, ClientIp, CurrentViewer, SessionToken};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/signup", get(signup_form).post(signup))
        .route("/confirm/{token}", get(confirm_email))
        .route("/signin", get(signin_form).post(sign_in))
        .route("/signout", post(sign_out))
        .route("/password/forgot", get(forgot_form).post(request_reset))
        .route(
            "/password/reset/{token}",
            get(reset_form).post(reset_password),
        )
}

/// A page with a heading, a message and one way on: "check your email", "this link expired".
#[derive(Template)]
#[template(path = "notice.html")]
struct NoticePage {
    layout: Layout,
    heading: &'static str,
    message: String,
    detail: &'static str,
    action_href: &'static str,
    action_label: &'static str,
}

#[derive(Debug, Default, Deserialize)]
struct LinkQuery {
    invite: Option<String>,
    next: Option<String>,
}

fn query(q: Result<Query<LinkQuery>, QueryRejection>) -> LinkQuery {
    q.map(|Query(q)| q).unwrap_or_default()
}

// ---- sign-up ----

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
struct SignupForm {
    name: String,
    email: String,
    #[serde(skip_serializing)]
    password: String,
    handle: String,
    invite: String,
}

const SIGNUP_FIELDS: &[&str] = &["name", "email", "password", "handle"];

#[derive(Template)]
#[template(path = "signup.html")]
struct SignupPage {
    layout: Layout,
    form: Form,
    /// Invite-only, and no invitation in hand: say so instead of showing a form that must fail.
    invite_needed: bool,
    /// In `domains` mode, the domains that may join ("" otherwise).
    domains: String,
}

fn signup_page(state: &AppState, v: &Viewer, form: Form) -> SignupPage {
    let reg = &state.settings.registration;
    SignupPage {
        layout: Layout::new("Join", v.member()),
        invite_needed: reg.mode == RegistrationMode::InviteOnly
            && form.v("invite").trim().is_empty(),
        domains: if reg.mode == RegistrationMode::Domains {
            reg.allowed_domains.join(", ")
        } else {
            String::new()
        },
        form,
    }
}

async fn signup_form(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
    q: Result<Query<LinkQuery>, QueryRejection>,
) -> Response {
    let form = Form::of(&SignupForm {
        invite: query(q).invite.unwrap_or_default(),
        ..SignupForm::default()
    });
    render(StatusCode::OK, &signup_page(&state, &v, form))
}

async fn signup(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
    ClientIp(ip): ClientIp,
    PageForm(f): PageForm<SignupForm>,
) -> PageResult<Response> {
    let input = SignupInput {
        name: f.name.clone(),
        email: f.email.clone(),
        password: f.password.clone(),
        handle: Some(f.handle.clone()),
        invite: Some(f.invite.clone()).filter(|i| !i.trim().is_empty()),
    };
    match state.signup(input, &ip).await {
        Ok(out) => Ok(render(
            StatusCode::OK,
            &NoticePage {
                layout: Layout::new("Check your email", v.member()),
                heading: "Check your email",
                message: format!("We have sent a link to {}. Open it to confirm your address and sign in.", out.email),
                detail: "The link works once, for 7 days. Nothing arrived? Look in your spam folder, or sign in with your email and password to get a new link.",
                action_href: "/signin",
                action_label: "Go to sign in",
            },
        )),
        Err(e) => {
            let (r, form) = refuse(Form::of(&f), e, SIGNUP_FIELDS).map_err(|e| fail(e, &v, "/signup"))?;
            Ok(r.render(&signup_page(&state, &v, form)))
        }
    }
}

async fn confirm_email(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
    SessionToken(old): SessionToken,
    Path(token): Path<String>,
) -> PageResult<Response> {
    match state.confirm_email(&token).await {
        Ok(s) => {
            if let Some(old) = old {
                state.sign_out(&old).await?;
            }
            let cookie = session_cookie(&s.token, state.settings.secure_cookies(), state.settings.limits.session_days);
            Ok(with_flash(
                see_other("/me/edit", Some(cookie)),
                Flash::EmailConfirmed,
            ))
        }
        Err(CoreError::Invalid(f)) => Ok(render(
            StatusCode::BAD_REQUEST,
            &NoticePage {
                layout: Layout::new("Link expired", v.member()),
                heading: "This link has expired",
                message: f
                    .0
                    .into_values()
                    .next()
                    .unwrap_or_else(|| "This confirmation link has expired or was already used.".into()),
                detail: "To get a new one, sign in with your email and password: we will send you a fresh link.",
                action_href: "/signin",
                action_label: "Sign in to get a new link",
            },
        )),
        Err(e) => Err(fail(e, &v, "/")),
    }
}

// ---- sign-in and sign-out ----

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
struct SigninForm {
    email: String,
    #[serde(skip_serializing)]
    password: String,
    /// The emailed sign-in code of a guarded account (the second step), instead of the
    /// password.
    #[serde(skip_serializing)]
    code: String,
    next: String,
}

#[derive(Template)]
#[template(path = "signin.html")]
struct SigninPage {
    layout: Layout,
    form: Form,
    /// Asking for the emailed code rather than the password.
    code_step: bool,
}

fn signin_page(v: &Viewer, form: Form) -> SigninPage {
    SigninPage {
        layout: Layout::new("Sign in", v.member()),
        form,
        code_step: false,
    }
}

async fn signin_form(
    CurrentViewer(v): CurrentViewer,
    q: Result<Query<LinkQuery>, QueryRejection>,
) -> Response {
    let next = safe_next(query(q).next.as_deref());
    render(
        StatusCode::OK,
        &signin_page(
            &v,
            Form::of(&SigninForm {
                next,
                ..SigninForm::default()
            }),
        ),
    )
}

async fn sign_in(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
    SessionToken(old): SessionToken,
    ClientIp(ip): ClientIp,
    PageForm(f): PageForm<SigninForm>,
) -> PageResult<Response> {
    let form = Form::of(&SigninForm {
        email: f.email.clone(),
        next: safe_next(Some(&f.next)),
        ..SigninForm::default()
    });
    let with_code = !f.code.trim().is_empty();
    let signed_in = if with_code {
        state.sign_in_with_code(&f.email, &f.code, &ip).await
    } else {
        state.sign_in(&f.email, &f.password, &ip).await
    };
    match signed_in {
        Ok(s) => {
            // Rotation: the session the browser had before signing in ends here, so a cookie
            // planted before sign-in is worth nothing after it.
            if let Some(old) = old {
                state.sign_out(&old).await?;
            }
            let cookie = session_cookie(
                &s.token,
                state.settings.secure_cookies(),
                state.settings.limits.session_days,
            );
            Ok(see_other(form.v("next"), Some(cookie)))
        }
        Err(CoreError::Unauthenticated(m)) => Ok(render(
            StatusCode::UNAUTHORIZED,
            &signin_page(&v, form.with_alert(m)),
        )),
        // The password was right, the account is being guessed: ask for the emailed code.
        Err(CoreError::Refused {
            code: Code::SignInCodeRequired,
            message,
        }) => Ok(render(
            StatusCode::UNAUTHORIZED,
            &SigninPage {
                code_step: true,
                ..signin_page(&v, form.with_alert(message))
            },
        )),
        Err(e) => {
            let (r, form) = refuse(form, e, &["email", "password", "code"])
                .map_err(|e| fail(e, &v, "/signin"))?;
            Ok(r.render(&SigninPage {
                code_step: with_code,
                ..signin_page(&v, form)
            }))
        }
    }
}

async fn sign_out(
    State(state): State<AppState>,
    SessionToken(token): SessionToken,
) -> PageResult<Response> {
    if let Some(t) = token {
        state.sign_out(&t).await?;
    }
    Ok(see_other(
        "/",
        Some(clear_session_cookie(state.settings.secure_cookies())),
    ))
}

// ---- password reset ----

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
struct ForgotForm {
    email: String,
}

#[derive(Template)]
#[template(path = "forgot.html")]
struct ForgotPage {
    layout: Layout,
    form: Form,
}

async fn forgot_form(CurrentViewer(v): CurrentViewer) -> Response {
    render(
        StatusCode::OK,
        &ForgotPage {
            layout: Layout::new("Forgot your password", v.member()),
            form: Form::default(),
        },
    )
}

async fn request_reset(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
    ClientIp(ip): ClientIp,
    PageForm(f): PageForm<ForgotForm>,
) -> PageResult<Response> {
    match state.request_password_reset(&f.email, &ip).await {
        Ok(()) => Ok(render(
            StatusCode::OK,
            &NoticePage {
                layout: Layout::new("Check your email", v.member()),
                heading: "Check your email",
                message: "If an account uses this address, we have sent a link to choose a new password.".into(),
                detail: "The link works once, for one hour. Nothing arrived? Look in your spam folder, or check the address and ask again.",
                action_href: "/signin",
                action_label: "Back to sign in",
            },
        )),
        Err(e) => {
            let (r, form) = refuse(Form::of(&f), e, &["email"]).map_err(|e| fail(e, &v, "/password/forgot"))?;
            Ok(r.render(&ForgotPage { layout: Layout::new("Forgot your password", v.member()), form }))
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ResetForm {
    password: String,
}

#[derive(Template)]
#[template(path = "reset.html")]
struct ResetPage {
    layout: Layout,
    action: String,
    form: Form,
}

fn reset_page(v: &Viewer, token: &str, form: Form) -> ResetPage {
    ResetPage {
        layout: Layout::new("Choose a new password", v.member()),
        action: format!("/password/reset/{}", url_encode(token)),
        form,
    }
}

/// The link is checked (not used up) first: an expired or used one says so at once,
/// before the member types a new password.
async fn reset_form(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Path(token): Path<String>,
) -> PageResult<Response> {
    let valid = state
        .reset_link_valid(&token)
        .await
        .map_err(|e| fail(e, &v, "/password/forgot"))?;
    if !valid {
        return Ok(expired_link(&v, StatusCode::GONE));
    }
    Ok(render(
        StatusCode::OK,
        &reset_page(&v, &token, Form::default()),
    ))
}

/// "This link has expired or was already used", and a way to ask for a new one.
fn expired_link(v: &Viewer, status: StatusCode) -> Response {
    render(
        status,
        &NoticePage {
            layout: Layout::new("Link expired", v.member()),
            heading: "This link has expired",
            message: "This link has expired or was already used.".into(),
            detail: "Password reset links work once, for one hour. Ask for a new one and use the newest email.",
            action_href: "/password/forgot",
            action_label: "Ask for a new link",
        },
    )
}

async fn reset_password(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
    SessionToken(old): SessionToken,
    Path(token): Path<String>,
    PageForm(f): PageForm<ResetForm>,
) -> PageResult<Response> {
    match state.reset_password(&token, &f.password).await {
        Ok(s) => {
            if let Some(old) = old {
                state.sign_out(&old).await?;
            }
            let cookie = session_cookie(
                &s.token,
                state.settings.secure_cookies(),
                state.settings.limits.session_days,
            );
            Ok(with_flash(
                see_other("/", Some(cookie)),
                Flash::PasswordReset,
            ))
        }
        Err(CoreError::Invalid(e)) if e.get("token").is_some() => {
            Ok(expired_link(&v, StatusCode::BAD_REQUEST))
        }
        Err(e) => {
            let (r, form) = refuse(Form::default(), e, &["password"])
                .map_err(|e| fail(e, &v, "/password/forgot"))?;
            Ok(r.render(&reset_page(&v, &token, form)))
        }
    }
}
