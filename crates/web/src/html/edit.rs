//! `/me/edit` and the forms on it: profile details, photo, positions, education, skills and
//! featured links. The page is a list of sections (`<details>`), one open at a time: the one
//! named by `?open=`, or the one just saved, or the one whose form failed. Each form posts to
//! its own URL; success goes back to its section (303) with a flash shown in that section
//! ("Position added"), failure shows the page again with the messages beside that form's
//! fields.

use askama::Template;
use axum::extract::multipart::MultipartRejection;
use axum::extract::rejection::QueryRejection;
use axum::extract::{DefaultBodyLimit, Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use guild_core::auth::Viewer;
use guild_core::media::UploadKind;
use guild_core::profiles::model::{Education, FeaturedLink, Position};
use guild_core::profiles::{photo_url, EducationInput, PositionInput, ProfileInput, ProfileView};
use guild_core::settings::Limits;
use guild_core::CoreError;
use serde::{Deserialize, Serialize};

use super::flash::{with_flash, Flash};
use super::form::{bad_form, refuse, Form, PageForm};
use super::format::initials;
use super::layout::{render, see_other, Layout};
use super::strength::Meter;
use crate::error::fail;
use crate::error::PageResult;
use crate::extract::{read_upload, CurrentViewer, Id};
use crate::AppState;

const EDIT: &str = "/me/edit";

pub fn router(limits: &Limits) -> Router<AppState> {
    let photo = DefaultBodyLimit::max(UploadKind::Photo.body_limit(limits, 1));
    Router::new()
        .route("/me/edit", get(show_edit))
        .route("/me/profile", post(update_profile))
        .route("/me/photo", post(upload_photo).layer(photo))
        .route("/me/photo/delete", post(remove_photo))
        .route("/me/positions", post(add_position))
        .route("/me/positions/{id}", post(update_position))
        .route("/me/positions/{id}/delete", post(delete_position))
        .route("/me/education", post(add_education))
        .route("/me/education/{id}/delete", post(delete_education))
        .route("/me/skills", post(set_skills))
        .route("/me/links", post(add_link))
        .route("/me/links/{id}/delete", post(delete_link))
}

// ---- the forms, as posted ----

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
struct ProfileForm {
    name: String,
    headline: String,
    about: String,
    location: String,
    visibility: String,
    contact_visibility: String,
    contact_email: String,
    phone: String,
    website: String,
}

const PROFILE_FIELDS: &[&str] = &[
    "name",
    "headline",
    "about",
    "location",
    "visibility",
    "contact_visibility",
    "contact_email",
    "phone",
    "website",
];

impl ProfileForm {
    /// Every field is sent, so an emptied field is cleared.
    fn input(&self) -> ProfileInput {
        ProfileInput {
            name: Some(self.name.clone()),
            headline: Some(self.headline.clone()),
            about: Some(self.about.clone()),
            location: Some(self.location.clone()),
            visibility: Some(self.visibility.clone()),
            contact_visibility: Some(self.contact_visibility.clone()),
            contact_email: Some(self.contact_email.clone()),
            phone: Some(self.phone.clone()),
            website: Some(self.website.clone()),
        }
    }
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
struct PositionForm {
    company: String,
    title: String,
    start: String,
    end: String,
    description: String,
    location: String,
    /// The "I work here now" box: ticked means no end month, whatever `end` says.
    current: String,
}

const POSITION_FIELDS: &[&str] = &[
    "company",
    "title",
    "start",
    "end",
    "description",
    "location",
];

impl PositionForm {
    fn of(p: &Position) -> PositionForm {
        PositionForm {
            company: p.company.clone(),
            title: p.title.clone(),
            start: p.start.to_string(),
            end: p.end.map(|e| e.to_string()).unwrap_or_default(),
            description: p.description.clone().unwrap_or_default(),
            location: p.location.clone().unwrap_or_default(),
            current: if p.is_current() {
                "on".into()
            } else {
                String::new()
            },
        }
    }
    fn input(&self) -> PositionInput {
        PositionInput {
            company: self.company.clone(),
            title: self.title.clone(),
            start: self.start.clone(),
            end: Some(self.end.clone()).filter(|_| self.current.is_empty()),
            description: Some(self.description.clone()),
            location: Some(self.location.clone()),
        }
    }
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
struct EducationForm {
    school: String,
    degree: String,
    field: String,
    start_year: String,
    end_year: String,
}

const EDUCATION_FIELDS: &[&str] = &["school", "degree", "field", "start_year", "end_year"];

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
struct SkillsForm {
    skills: String,
}

impl SkillsForm {
    /// One skill per line; commas separate too.
    fn list(&self) -> Vec<String> {
        self.skills
            .split(['\n', ','])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    }
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
struct LinkForm {
    link_title: String,
    link_url: String,
}

// ---- the page ----

/// Which form failed, holding what was typed and the messages.
enum Failed {
    Nothing,
    Profile(Form),
    Photo(Form),
    Position(Form),
    EditPosition(i64, Form),
    Education(Form),
    Skills(Form),
    Link(Form),
}

#[derive(Template)]
#[template(path = "edit.html")]
struct EditPage {
    layout: Layout,
    handle: String,
    photo: Option<String>,
    initials: String,
    meter: Option<Meter>,
    profile_form: Form,
    photo_form: Form,
    position_form: Form,
    positions: Vec<PositionItem>,
    education_form: Form,
    education: Vec<Education>,
    skills_form: Form,
    link_form: Form,
    links: Vec<FeaturedLink>,
    /// "up to 5 MB": the photo limit in effect.
    photo_hint: String,
    /// After a failure: the anchor and name of the section whose form failed, for the
    /// summary at the top (the form itself may be far down the page).
    problem: Option<(String, &'static str)>,
    /// The open section (one of [`SECTIONS`]), or "" for none.
    open: &'static str,
    /// The confirmation shown inside the open section.
    flash: Option<Flash>,
    /// A line under each closed section's title: what it holds now.
    intro_sum: String,
    photo_sum: &'static str,
    experience_sum: String,
    education_sum: String,
    skills_sum: String,
    links_sum: String,
}

/// The editor's sections, as `?open=` names them (their ids are `edit-<name>`).
const SECTIONS: [&str; 6] = [
    "intro",
    "photo",
    "experience",
    "education",
    "skills",
    "links",
];

fn count(n: usize, one: &str, many: &str) -> String {
    match n {
        0 => format!("No {many} yet"),
        1 => format!("1 {one}"),
        n => format!("{n} {many}"),
    }
}

/// A listed position with its own edit form (open when that form failed).
struct PositionItem {
    id: i64,
    title: String,
    company: String,
    period: String,
    /// Prefix of the edit form's element ids, unique per row.
    prefix: String,
    form: Form,
    open: bool,
}

fn edit_page(limits: &Limits, view: ProfileView, failed: Failed, open: Option<&str>) -> EditPage {
    let p = &view.profile;
    let mut layout = Layout::new("Edit your profile", Some(&view.member));
    // The flash of a section is shown in it, so the frame does not repeat it at the top.
    let flash = layout.flash.filter(|f| f.edit_section().is_some());
    if flash.is_some() {
        layout.flash = None;
    }
    let open = open
        .or(flash.and_then(|f| f.edit_section()))
        .and_then(|o| SECTIONS.into_iter().find(|s| *s == o))
        .unwrap_or("");
    let profile = ProfileForm {
        name: view.member.name.clone(),
        headline: p.headline.clone().unwrap_or_default(),
        about: p.about.clone().unwrap_or_default(),
        location: p.location.clone().unwrap_or_default(),
        visibility: p.visibility.as_str().into(),
        contact_visibility: p.contact_visibility.as_str().into(),
        contact_email: p.contact_email.clone().unwrap_or_default(),
        phone: p.phone.clone().unwrap_or_default(),
        website: p.website.clone().unwrap_or_default(),
    };
    let positions = view
        .positions
        .iter()
        .map(|pos| PositionItem {
            id: pos.id,
            title: pos.title.clone(),
            company: pos.company.clone(),
            period: pos.period(),
            prefix: format!("pos-{}-", pos.id),
            form: Form::of(&PositionForm::of(pos)),
            open: false,
        })
        .collect();
    let mut page = EditPage {
        layout,
        open,
        flash,
        intro_sum: p
            .headline
            .clone()
            .filter(|h| !h.is_empty())
            .unwrap_or_else(|| "Name, headline, about, location and contact details".into()),
        photo_sum: if p.photo_key.is_some() {
            "Your photo is set"
        } else {
            "No photo yet"
        },
        experience_sum: count(view.positions.len(), "position", "positions"),
        education_sum: count(view.education.len(), "school", "schools"),
        skills_sum: count(view.skills.len(), "skill", "skills"),
        links_sum: count(view.links.len(), "link", "links"),
        handle: view.member.handle.to_string(),
        photo: p
            .photo_key
            .as_deref()
            .map(|k| photo_url(k, guild_core::photo::LARGE)),
        initials: initials(&view.member.name),
        meter: view.strength.as_ref().map(Meter::from),
        profile_form: Form::of(&profile),
        photo_form: Form::default(),
        position_form: Form::default(),
        positions,
        education_form: Form::default(),
        education: view.education.clone(),
        skills_form: Form::of(&SkillsForm {
            skills: view.skills.join("\n"),
        }),
        link_form: Form::default(),
        links: view.links.clone(),
        photo_hint: UploadKind::Photo.hint(limits),
        problem: None,
    };
    let (anchor, section) = match failed {
        Failed::Nothing => return page,
        Failed::Profile(f) => {
            page.profile_form = f;
            ("edit-intro".to_string(), "Intro and contact")
        }
        Failed::Photo(f) => {
            page.photo_form = f;
            ("edit-photo".into(), "Photo")
        }
        Failed::Position(f) => {
            page.position_form = f;
            ("position-form".into(), "Experience")
        }
        Failed::EditPosition(id, f) => {
            if let Some(row) = page.positions.iter_mut().find(|r| r.id == id) {
                row.form = f;
                row.open = true;
            }
            (format!("position-{id}"), "Experience")
        }
        Failed::Education(f) => {
            page.education_form = f;
            ("education-form".into(), "Education")
        }
        Failed::Skills(f) => {
            page.skills_form = f;
            ("edit-skills".into(), "Skills")
        }
        Failed::Link(f) => {
            page.link_form = f;
            ("link-form".into(), "Featured links")
        }
    };
    page.open = match section {
        "Intro and contact" => "intro",
        "Photo" => "photo",
        "Experience" => "experience",
        "Education" => "education",
        "Skills" => "skills",
        _ => "links",
    };
    page.problem = Some((anchor, section));
    page
}

/// `?open=experience`: the section to show open.
#[derive(Debug, Default, Deserialize)]
struct Open {
    open: Option<String>,
}

async fn show_edit(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
    q: Result<Query<Open>, QueryRejection>,
) -> PageResult<Response> {
    let view = state.my_profile(&v).await.map_err(|e| fail(e, &v, EDIT))?;
    let open = q.ok().and_then(|Query(o)| o.open);
    Ok(render(
        StatusCode::OK,
        &edit_page(
            &state.settings.limits,
            view,
            Failed::Nothing,
            open.as_deref(),
        ),
    ))
}

/// Answers a failed form: the edit page again with the messages in place (422 or 429), or an
/// error page for anything that is not about the input (signed out, not yours, …).
async fn refused(
    state: &AppState,
    v: &Viewer,
    form: Form,
    e: CoreError,
    shown: &[&str],
    failed: impl FnOnce(Form) -> Failed,
) -> PageResult<Response> {
    let (r, form) = refuse(form, e, shown).map_err(|e| fail(e, v, EDIT))?;
    let view = state.my_profile(v).await.map_err(|e| fail(e, v, EDIT))?;
    Ok(r.render(&edit_page(&state.settings.limits, view, failed(form), None)))
}

/// After a change: back to the section it was made in, open, with `flash` in it.
fn done(section: &str, flash: Flash) -> Response {
    with_flash(see_other(&format!("{EDIT}#{section}"), None), flash)
}

// ---- handlers ----

async fn update_profile(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
    PageForm(f): PageForm<ProfileForm>,
) -> PageResult<Response> {
    match state.update_profile(&v, f.input()).await {
        Ok(_) => Ok(done("edit-intro", Flash::ProfileSaved)),
        Err(e) => refused(&state, &v, Form::of(&f), e, PROFILE_FIELDS, Failed::Profile).await,
    }
}

async fn upload_photo(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
    mp: Result<Multipart, MultipartRejection>,
) -> PageResult<Response> {
    v.require().map_err(|e| fail(e, &v, EDIT))?;
    let Ok(mp) = mp else {
        return Ok(bad_form(v.member()));
    };
    let result = match read_upload(mp, UploadKind::Photo, &state.settings.limits).await {
        Ok(file) => state.set_photo(&v, file.bytes).await.map(|_| ()),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(done("edit-photo", Flash::PhotoSaved)),
        Err(e) => refused(&state, &v, Form::default(), e, &["photo"], Failed::Photo).await,
    }
}

async fn remove_photo(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
) -> PageResult<Response> {
    state
        .remove_photo(&v)
        .await
        .map_err(|e| fail(e, &v, EDIT))?;
    Ok(done("edit-photo", Flash::PhotoRemoved))
}

async fn add_position(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
    PageForm(f): PageForm<PositionForm>,
) -> PageResult<Response> {
    match state.add_position(&v, f.input()).await {
        Ok(_) => Ok(done("edit-experience", Flash::PositionAdded)),
        Err(e) => {
            refused(
                &state,
                &v,
                Form::of(&f),
                e,
                POSITION_FIELDS,
                Failed::Position,
            )
            .await
        }
    }
}

async fn update_position(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Id(id): Id,
    PageForm(f): PageForm<PositionForm>,
) -> PageResult<Response> {
    match state.update_position(&v, id, f.input()).await {
        Ok(_) => Ok(done("edit-experience", Flash::PositionSaved)),
        Err(e) => {
            refused(&state, &v, Form::of(&f), e, POSITION_FIELDS, |f| {
                Failed::EditPosition(id, f)
            })
            .await
        }
    }
}

async fn delete_position(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Id(id): Id,
) -> PageResult<Response> {
    state
        .delete_position(&v, id)
        .await
        .map_err(|e| fail(e, &v, EDIT))?;
    Ok(done("edit-experience", Flash::PositionDeleted))
}

async fn add_education(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
    PageForm(f): PageForm<EducationForm>,
) -> PageResult<Response> {
    let input = EducationInput {
        school: f.school.clone(),
        degree: Some(f.degree.clone()),
        field: Some(f.field.clone()),
        start_year: Some(f.start_year.clone()),
        end_year: Some(f.end_year.clone()),
    };
    match state.add_education(&v, input).await {
        Ok(_) => Ok(done("edit-education", Flash::EducationAdded)),
        Err(e) => {
            refused(
                &state,
                &v,
                Form::of(&f),
                e,
                EDUCATION_FIELDS,
                Failed::Education,
            )
            .await
        }
    }
}

async fn delete_education(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Id(id): Id,
) -> PageResult<Response> {
    state
        .delete_education(&v, id)
        .await
        .map_err(|e| fail(e, &v, EDIT))?;
    Ok(done("edit-education", Flash::EducationDeleted))
}

async fn set_skills(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
    PageForm(f): PageForm<SkillsForm>,
) -> PageResult<Response> {
    match state.set_skills(&v, &f.list()).await {
        Ok(_) => Ok(done("edit-skills", Flash::SkillsSaved)),
        Err(e) => refused(&state, &v, Form::of(&f), e, &["skills"], Failed::Skills).await,
    }
}

async fn add_link(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
    PageForm(f): PageForm<LinkForm>,
) -> PageResult<Response> {
    let added = state.add_link(&v, &f.link_title, &f.link_url).await;
    match added.map_err(|e| e.with_field_names(&[("title", "link_title"), ("url", "link_url")])) {
        Ok(_) => Ok(done("edit-links", Flash::LinkAdded)),
        Err(e) => {
            refused(
                &state,
                &v,
                Form::of(&f),
                e,
                &["link_title", "link_url"],
                Failed::Link,
            )
            .await
        }
    }
}

async fn delete_link(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Id(id): Id,
) -> PageResult<Response> {
    state
        .delete_link(&v, id)
        .await
        .map_err(|e| fail(e, &v, EDIT))?;
    Ok(done("edit-links", Flash::LinkDeleted))
}
