//! `/network/contacts`: upload a contacts file and see who is already here, with a Connect
//! button on each. The results are shown once and nothing of the file is kept.

use askama::Template;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use guild_core::auth::Viewer;
use guild_core::media::UploadKind;
use guild_core::network::contacts::{ContactHit, ContactsResult};
use guild_core::settings::Limits;

use super::cards::Card;
use super::form::{bad_form, refuse, Form};
use super::layout::{render, Layout};
use crate::error::fail;
use crate::error::PageResult;
use crate::extract::{read_upload, CurrentViewer};
use crate::AppState;

const HERE: &str = "/network/contacts";

pub fn router(limits: &Limits) -> Router<AppState> {
    let body = UploadKind::Contacts.body_limit(limits, 1);
    Router::new().route(
        HERE,
        get(show_contacts)
            .post(upload_contacts)
            .layer(DefaultBodyLimit::max(body)),
    )
}

pub struct ContactItem {
    pub contact_name: String,
    pub card: Card,
}

fn rows(list: &[ContactHit]) -> Vec<ContactItem> {
    list.iter()
        .map(|h| ContactItem {
            contact_name: h.contact_name.clone(),
            card: Card::from(&h.person),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "contacts.html")]
struct ContactsPage {
    layout: Layout,
    form: Form,
    /// After an upload: what was found.
    result: Option<Found>,
    /// "up to 5 MB".
    file_hint: String,
}

struct Found {
    matched: Vec<ContactItem>,
    maybe: Vec<ContactItem>,
    unmatched: usize,
    total: usize,
}

fn page(state: &AppState, v: &Viewer, form: Form, result: Option<ContactsResult>) -> ContactsPage {
    ContactsPage {
        layout: Layout::new("Find your contacts", v.member()),
        form,
        file_hint: UploadKind::Contacts.hint(&state.settings.limits),
        result: result.map(|r| Found {
            matched: rows(&r.matched),
            maybe: rows(&r.maybe),
            unmatched: r.unmatched_count,
            total: r.total,
        }),
    }
}

async fn show_contacts(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
) -> PageResult<Response> {
    v.require().map_err(|e| fail(e, &v, HERE))?;
    Ok(render(
        StatusCode::OK,
        &page(&state, &v, Form::default(), None),
    ))
}

async fn upload_contacts(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
    mp: Result<Multipart, MultipartRejection>,
) -> PageResult<Response> {
    v.require().map_err(|e| fail(e, &v, HERE))?;
    let Ok(mp) = mp else {
        return Ok(bad_form(v.member()));
    };
    let result = match read_upload(mp, UploadKind::Contacts, &state.settings.limits).await {
        Ok(file) => state.import_contacts(&v, &file.bytes).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(r) => Ok(render(
            StatusCode::OK,
            &page(&state, &v, Form::default(), Some(r)),
        )),
        Err(e) => {
            let (r, form) = refuse(Form::default(), e, &["file"]).map_err(|e| fail(e, &v, HERE))?;
            Ok(r.render(&page(&state, &v, form, None)))
        }
    }
}
