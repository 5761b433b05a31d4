//! `/me/*`: my profile, positions, education, skills, links, photo and handle.

use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use guild_core::domain::Visibility;
use guild_core::media::UploadKind;
use guild_core::profiles::model::{Education, FeaturedLink, Position, ProfileEvent};
use guild_core::profiles::{photo_url, EducationInput, PositionInput, ProfileInput, ProfileView};
use guild_core::strength::Strength;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::json::{rfc3339, ListJson, MemberJson};
use crate::error::ApiResult;
use crate::extract::{read_api_upload, ApiJson, CurrentViewer, Id};
use crate::AppState;

/// A profile as the API shows it (contact fields only when the viewer may see them).
#[derive(Debug, Serialize, ToSchema)]
pub struct ProfileJson {
    pub headline: Option<String>,
    pub about: Option<String>,
    pub location: Option<String>,
    /// `public`, `members` or `connections`.
    pub visibility: String,
    pub contact_visibility: String,
    pub contact_email: Option<String>,
    pub phone: Option<String>,
    pub website: Option<String>,
    pub photo_url: Option<String>,
    pub photo_small_url: Option<String>,
    pub positions: Vec<PositionJson>,
    pub education: Vec<EducationJson>,
    pub skills: Vec<String>,
    pub links: Vec<LinkJson>,
}

/// A position; months are `YYYY-MM`, `end` null while current.
#[derive(Debug, Serialize, ToSchema)]
pub struct PositionJson {
    pub id: String,
    pub company: String,
    pub title: String,
    pub description: Option<String>,
    pub location: Option<String>,
    pub start: String,
    pub end: Option<String>,
}

impl From<&Position> for PositionJson {
    fn from(p: &Position) -> Self {
        PositionJson {
            id: p.id.to_string(),
            company: p.company.clone(),
            title: p.title.clone(),
            description: p.description.clone(),
            location: p.location.clone(),
            start: p.start.to_string(),
            end: p.end.map(|e| e.to_string()),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EducationJson {
    pub id: String,
    pub school: String,
    pub degree: Option<String>,
    pub field: Option<String>,
    pub start_year: Option<i32>,
    pub end_year: Option<i32>,
}

impl From<&Education> for EducationJson {
    fn from(e: &Education) -> Self {
        EducationJson {
            id: e.id.to_string(),
            school: e.school.clone(),
            degree: e.degree.clone(),
            field: e.field.clone(),
            start_year: e.start_year,
            end_year: e.end_year,
        }
    }
}

/// A featured link.
#[derive(Debug, Serialize, ToSchema)]
pub struct LinkJson {
    pub id: String,
    pub title: String,
    pub url: String,
}

impl From<&FeaturedLink> for LinkJson {
    fn from(l: &FeaturedLink) -> Self {
        LinkJson {
            id: l.id.to_string(),
            title: l.title.clone(),
            url: l.url.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProfileEnvelope {
    pub profile: ProfileJson,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HandleJson {
    pub handle: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PositionEnvelope {
    pub position: PositionJson,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EducationEnvelope {
    pub education: EducationJson,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LinkEnvelope {
    pub link: LinkJson,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SkillsJson {
    pub skills: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PhotoJson {
    pub photo_url: String,
    pub photo_small_url: String,
}

/// A profile event: something others would care about, shown in the feed as an update.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProfileEventJson {
    pub id: String,
    /// `new_position`, `new_school` or `new_headline`.
    pub kind: String,
    /// What changed (the position, the school, the headline).
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
    pub created_at: String,
}

impl From<&ProfileView> for ProfileJson {
    fn from(v: &ProfileView) -> Self {
        let p = &v.profile;
        ProfileJson {
            headline: p.headline.clone(),
            about: p.about.clone(),
            location: p.location.clone(),
            visibility: p.visibility.as_str().into(),
            contact_visibility: p.contact_visibility.as_str().into(),
            contact_email: p.contact_email.clone(),
            phone: p.phone.clone(),
            website: p.website.clone(),
            photo_url: p
                .photo_key
                .as_deref()
                .map(|k| photo_url(k, guild_core::photo::LARGE)),
            photo_small_url: p
                .photo_key
                .as_deref()
                .map(|k| photo_url(k, guild_core::photo::SMALL)),
            positions: v.positions.iter().map(PositionJson::from).collect(),
            education: v.education.iter().map(EducationJson::from).collect(),
            skills: v.skills.clone(),
            links: v.links.iter().map(LinkJson::from).collect(),
        }
    }
}

pub fn member_of(v: &ProfileView) -> MemberJson {
    MemberJson::new(
        &v.member,
        v.profile.headline.clone(),
        v.profile.photo_key.as_deref(),
    )
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MeResponse {
    pub member: MemberJson,
    pub email: String,
    pub profile: ProfileJson,
    #[schema(value_type = Object)]
    pub strength: Option<Strength>,
}

/// Me: my member card, my whole profile and its strength meter.
#[utoipa::path(get, path = "/api/v1/me", tag = "profile", responses((status = 200, body = MeResponse), (status = 401)))]
pub async fn get_me(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
) -> ApiResult<Json<MeResponse>> {
    let view = state.my_profile(&v).await?;
    Ok(Json(MeResponse {
        member: member_of(&view),
        email: view.member.email.to_string(),
        profile: (&view).into(),
        strength: view.strength.clone(),
    }))
}

#[derive(Debug, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct ProfileRequest {
    #[schema(schema_with = super::schema::line_or_null::<{ guild_core::lengths::NAME }>)]
    pub name: Option<String>,
    /// An empty string clears a field; an absent one is left alone.
    #[schema(schema_with = super::schema::optional_line::<{ guild_core::lengths::HEADLINE }>)]
    pub headline: Option<String>,
    #[schema(schema_with = super::schema::optional_text::<{ guild_core::lengths::ABOUT }>)]
    pub about: Option<String>,
    #[schema(schema_with = super::schema::optional_line::<{ guild_core::lengths::LOCATION }>)]
    pub location: Option<String>,
    #[schema(schema_with = profile_visibility)]
    pub visibility: Option<String>,
    #[schema(schema_with = profile_visibility)]
    pub contact_visibility: Option<String>,
    #[schema(schema_with = super::schema::optional_email)]
    pub contact_email: Option<String>,
    #[schema(schema_with = super::schema::optional_phone)]
    pub phone: Option<String>,
    #[schema(schema_with = super::schema::optional_web_url)]
    pub website: Option<String>,
}

fn profile_visibility() -> utoipa::openapi::schema::Object {
    super::schema::choice(Visibility::ALL.map(Visibility::as_str), true)
}

/// Update my profile.
#[utoipa::path(patch, path = "/api/v1/me/profile", request_body = ProfileRequest, tag = "profile",
    responses((status = 200, body = ProfileEnvelope), (status = 422)))]
pub async fn update_profile(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    ApiJson(r): ApiJson<ProfileRequest>,
) -> ApiResult<Json<ProfileEnvelope>> {
    let input = ProfileInput {
        name: r.name,
        headline: r.headline,
        about: r.about,
        location: r.location,
        visibility: r.visibility,
        contact_visibility: r.contact_visibility,
        contact_email: r.contact_email,
        phone: r.phone,
        website: r.website,
    };
    let view = state.update_profile(&v, input).await?;
    Ok(Json(ProfileEnvelope {
        profile: ProfileJson::from(&view),
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HandleRequest {
    #[schema(schema_with = super::schema::handle)]
    pub handle: String,
}

/// Change my handle (my address `/in/<handle>`).
#[utoipa::path(put, path = "/api/v1/me/handle", request_body = HandleRequest, tag = "profile",
    responses((status = 200, body = HandleJson), (status = 422)))]
pub async fn change_handle(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    ApiJson(r): ApiJson<HandleRequest>,
) -> ApiResult<Json<HandleJson>> {
    let m = state.change_handle(&v, &r.handle).await?;
    Ok(Json(HandleJson {
        handle: m.handle.to_string(),
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PositionRequest {
    #[schema(schema_with = super::schema::line::<{ guild_core::lengths::COMPANY }>)]
    pub company: String,
    #[schema(schema_with = super::schema::line::<{ guild_core::lengths::JOB_TITLE }>)]
    pub title: String,
    /// `YYYY-MM`
    #[schema(schema_with = super::schema::year_month)]
    pub start: String,
    /// `YYYY-MM`; absent or null for a current position.
    #[schema(schema_with = super::schema::optional_year_month)]
    pub end: Option<String>,
    #[schema(schema_with = super::schema::optional_text::<{ guild_core::lengths::DESCRIPTION }>)]
    pub description: Option<String>,
    #[schema(schema_with = super::schema::optional_line::<{ guild_core::lengths::LOCATION }>)]
    pub location: Option<String>,
}

impl From<PositionRequest> for PositionInput {
    fn from(r: PositionRequest) -> Self {
        PositionInput {
            company: r.company,
            title: r.title,
            start: r.start,
            end: r.end,
            description: r.description,
            location: r.location,
        }
    }
}

/// Add a position.
#[utoipa::path(post, path = "/api/v1/me/positions", request_body = PositionRequest, tag = "profile",
    responses((status = 201, body = PositionEnvelope), (status = 422)))]
pub async fn add_position(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    ApiJson(r): ApiJson<PositionRequest>,
) -> ApiResult<Response> {
    let p = state.add_position(&v, r.into()).await?;
    let position = PositionJson::from(&p);
    Ok((StatusCode::CREATED, Json(PositionEnvelope { position })).into_response())
}

/// Replace one of my positions. Another member's position id is 404.
#[utoipa::path(put, path = "/api/v1/me/positions/{id}", request_body = PositionRequest, tag = "profile", params(("id" = String, Path)),
    responses((status = 200, body = PositionEnvelope), (status = 422)))]
pub async fn update_position(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Id(id): Id,
    ApiJson(r): ApiJson<PositionRequest>,
) -> ApiResult<Json<PositionEnvelope>> {
    let p = state.update_position(&v, id, r.into()).await?;
    Ok(Json(PositionEnvelope {
        position: (&p).into(),
    }))
}

/// Delete one of my positions.
#[utoipa::path(delete, path = "/api/v1/me/positions/{id}", tag = "profile", params(("id" = String, Path)), responses((status = 204), (status = 404)))]
pub async fn delete_position(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Id(id): Id,
) -> ApiResult<StatusCode> {
    state.delete_position(&v, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EducationRequest {
    #[schema(schema_with = super::schema::line::<{ guild_core::lengths::SCHOOL }>)]
    pub school: String,
    #[schema(schema_with = super::schema::optional_line::<{ guild_core::lengths::DEGREE }>)]
    pub degree: Option<String>,
    #[schema(schema_with = super::schema::optional_line::<{ guild_core::lengths::FIELD_OF_STUDY }>)]
    pub field: Option<String>,
    #[serde(default, deserialize_with = "super::json::whole_number")]
    #[schema(schema_with = super::schema::optional_year)]
    pub start_year: Option<i32>,
    #[serde(default, deserialize_with = "super::json::whole_number")]
    #[schema(schema_with = super::schema::optional_year)]
    pub end_year: Option<i32>,
}

/// Add education.
#[utoipa::path(post, path = "/api/v1/me/education", request_body = EducationRequest, tag = "profile",
    responses((status = 201, body = EducationEnvelope), (status = 422)))]
pub async fn add_education(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    ApiJson(r): ApiJson<EducationRequest>,
) -> ApiResult<Response> {
    let input = EducationInput {
        school: r.school,
        degree: r.degree,
        field: r.field,
        start_year: r.start_year.map(|y| y.to_string()),
        end_year: r.end_year.map(|y| y.to_string()),
    };
    let e = state.add_education(&v, input).await?;
    let education = EducationJson::from(&e);
    Ok((StatusCode::CREATED, Json(EducationEnvelope { education })).into_response())
}

/// Delete one of my education entries.
#[utoipa::path(delete, path = "/api/v1/me/education/{id}", tag = "profile", params(("id" = String, Path)), responses((status = 204), (status = 404)))]
pub async fn delete_education(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Id(id): Id,
) -> ApiResult<StatusCode> {
    state.delete_education(&v, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SkillsRequest {
    #[schema(schema_with = skill_list)]
    pub skills: Vec<String>,
}

/// Single lines; blank ones are skipped. At most `MAX_SKILLS` that are not blank (and twice
/// that in all), unique ignoring case: said in words, as JSON Schema cannot count only some
/// items or compare them ignoring case.
fn skill_list() -> utoipa::openapi::schema::Array {
    utoipa::openapi::schema::ArrayBuilder::new()
        .items(super::schema::blank_or_line::<{ guild_core::lengths::SKILL }>())
        .max_items(Some(2 * guild_core::profiles::MAX_SKILLS))
        .description(Some(format!(
            "At most {} skills besides blank ones, unique ignoring case.",
            guild_core::profiles::MAX_SKILLS
        )))
        .build()
}

/// Replace my skills (at most 50, unique ignoring case).
#[utoipa::path(put, path = "/api/v1/me/skills", request_body = SkillsRequest, tag = "profile",
    responses((status = 200, body = SkillsJson), (status = 422)))]
pub async fn set_skills(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    ApiJson(r): ApiJson<SkillsRequest>,
) -> ApiResult<Json<SkillsJson>> {
    let skills = state.set_skills(&v, &r.skills).await?;
    Ok(Json(SkillsJson { skills }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkRequest {
    #[schema(schema_with = super::schema::line::<{ guild_core::lengths::LINK_TITLE }>)]
    pub title: String,
    #[schema(schema_with = super::schema::web_url)]
    pub url: String,
}

/// Feature a link on my profile (http or https only).
#[utoipa::path(post, path = "/api/v1/me/links", request_body = LinkRequest, tag = "profile",
    responses((status = 201, body = LinkEnvelope), (status = 422)))]
pub async fn add_link(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    ApiJson(r): ApiJson<LinkRequest>,
) -> ApiResult<Response> {
    let l = state.add_link(&v, &r.title, &r.url).await?;
    let link = LinkJson::from(&l);
    Ok((StatusCode::CREATED, Json(LinkEnvelope { link })).into_response())
}

/// Remove one of my featured links.
#[utoipa::path(delete, path = "/api/v1/me/links/{id}", tag = "profile", params(("id" = String, Path)), responses((status = 204), (status = 404)))]
pub async fn delete_link(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Id(id): Id,
) -> ApiResult<StatusCode> {
    state.delete_link(&v, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Upload my photo (multipart field `photo`: JPEG, PNG or WebP, ≤ 5 MB, ≤ 40 megapixels).
#[utoipa::path(post, path = "/api/v1/me/photo", tag = "profile", request_body(content = super::schema::PhotoForm, content_type = "multipart/form-data"),
    responses((status = 200, body = PhotoJson), (status = 422, description = "not an accepted image"), (status = 429, description = "the member's uploads per hour (`uploads_per_hour`) are used up")))]
pub async fn upload_photo(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    mp: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> ApiResult<Json<PhotoJson>> {
    v.require()?;
    let file = read_api_upload(mp, UploadKind::Photo, &state.settings.limits).await?;
    let key = state.set_photo(&v, file.bytes).await?;
    Ok(Json(PhotoJson {
        photo_url: photo_url(&key, guild_core::photo::LARGE),
        photo_small_url: photo_url(&key, guild_core::photo::SMALL),
    }))
}

/// Remove my photo.
#[utoipa::path(delete, path = "/api/v1/me/photo", tag = "profile", responses((status = 204), (status = 401)))]
pub async fn remove_photo(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
) -> ApiResult<StatusCode> {
    state.remove_photo(&v).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// My profile events (new position, new school, new headline), newest first.
#[utoipa::path(get, path = "/api/v1/me/events", tag = "profile", responses((status = 200, body = ListJson<ProfileEventJson>)))]
pub async fn list_events(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
) -> ApiResult<Json<ListJson<ProfileEventJson>>> {
    let events: Vec<ProfileEvent> = state.my_profile_events(&v, 50).await?;
    let items = events
        .iter()
        .map(|e| ProfileEventJson {
            id: e.id.to_string(),
            kind: serde_json::to_value(e.kind)
                .ok()
                .and_then(|k| k.as_str().map(str::to_string))
                .unwrap_or_default(),
            detail: e.detail.clone(),
            created_at: rfc3339(e.created_at),
        })
        .collect();
    Ok(Json(ListJson::all(items)))
}
