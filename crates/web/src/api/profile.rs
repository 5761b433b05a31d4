//! `/me/*`: my profile, positions, education, skills, links, photo and handle.

use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use guild_core::media::UploadKind;
use guild_core::profiles::model::{Education, FeaturedLink, Position, ProfileEvent};
use guild_core::profiles::{photo_url, EducationInput, PositionInput, ProfileInput, ProfileView};
use guild_core::strength::Strength;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use super::json::{rfc3339, MemberJson};
use crate::error::{ApiError, ApiResult};
use crate::extract::{read_upload, ApiJson, CurrentViewer, Id};
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
    #[schema(value_type = Vec<Object>)]
    pub positions: Vec<Position>,
    #[schema(value_type = Vec<Object>)]
    pub education: Vec<Education>,
    pub skills: Vec<String>,
    #[schema(value_type = Vec<Object>)]
    pub links: Vec<FeaturedLink>,
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
            positions: v.positions.clone(),
            education: v.education.clone(),
            skills: v.skills.clone(),
            links: v.links.clone(),
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
    pub name: Option<String>,
    /// An empty string clears a field; an absent one is left alone.
    pub headline: Option<String>,
    pub about: Option<String>,
    pub location: Option<String>,
    pub visibility: Option<String>,
    pub contact_visibility: Option<String>,
    pub contact_email: Option<String>,
    pub phone: Option<String>,
    pub website: Option<String>,
}

/// Update my profile.
#[utoipa::path(patch, path = "/api/v1/me/profile", request_body = ProfileRequest, tag = "profile",
    responses((status = 200, description = "`{profile}`"), (status = 401), (status = 422)))]
pub async fn update_profile(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    ApiJson(r): ApiJson<ProfileRequest>,
) -> ApiResult<Json<serde_json::Value>> {
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
    Ok(Json(json!({ "profile": ProfileJson::from(&view) })))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HandleRequest {
    pub handle: String,
}

/// Change my handle (my address `/in/<handle>`).
#[utoipa::path(put, path = "/api/v1/me/handle", request_body = HandleRequest, tag = "profile",
    responses((status = 200), (status = 401), (status = 422)))]
pub async fn change_handle(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    ApiJson(r): ApiJson<HandleRequest>,
) -> ApiResult<Json<serde_json::Value>> {
    let m = state.change_handle(&v, &r.handle).await?;
    Ok(Json(json!({ "handle": m.handle })))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PositionRequest {
    pub company: String,
    pub title: String,
    /// `YYYY-MM`
    pub start: String,
    /// `YYYY-MM`; absent or null for a current position.
    pub end: Option<String>,
    pub description: Option<String>,
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
    responses((status = 201, description = "`{position}`"), (status = 401), (status = 422)))]
pub async fn add_position(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    ApiJson(r): ApiJson<PositionRequest>,
) -> ApiResult<Response> {
    let p = state.add_position(&v, r.into()).await?;
    Ok((StatusCode::CREATED, Json(json!({ "position": p }))).into_response())
}

/// Replace one of my positions. Another member's position id is 404.
#[utoipa::path(put, path = "/api/v1/me/positions/{id}", request_body = PositionRequest, tag = "profile", params(("id" = String, Path)),
    responses((status = 200), (status = 404), (status = 422)))]
pub async fn update_position(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Id(id): Id,
    ApiJson(r): ApiJson<PositionRequest>,
) -> ApiResult<Json<serde_json::Value>> {
    let p = state.update_position(&v, id, r.into()).await?;
    Ok(Json(json!({ "position": p })))
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
    pub school: String,
    pub degree: Option<String>,
    pub field: Option<String>,
    pub start_year: Option<i32>,
    pub end_year: Option<i32>,
}

/// Add education.
#[utoipa::path(post, path = "/api/v1/me/education", request_body = EducationRequest, tag = "profile",
    responses((status = 201, description = "`{education}`"), (status = 401), (status = 422)))]
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
    Ok((StatusCode::CREATED, Json(json!({ "education": e }))).into_response())
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
    pub skills: Vec<String>,
}

/// Replace my skills (at most 50, unique ignoring case).
#[utoipa::path(put, path = "/api/v1/me/skills", request_body = SkillsRequest, tag = "profile",
    responses((status = 200, description = "`{skills}`"), (status = 401), (status = 422)))]
pub async fn set_skills(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    ApiJson(r): ApiJson<SkillsRequest>,
) -> ApiResult<Json<serde_json::Value>> {
    let skills = state.set_skills(&v, &r.skills).await?;
    Ok(Json(json!({ "skills": skills })))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkRequest {
    pub title: String,
    pub url: String,
}

/// Feature a link on my profile (http or https only).
#[utoipa::path(post, path = "/api/v1/me/links", request_body = LinkRequest, tag = "profile",
    responses((status = 201, description = "`{link}`"), (status = 422)))]
pub async fn add_link(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    ApiJson(r): ApiJson<LinkRequest>,
) -> ApiResult<Response> {
    let l = state.add_link(&v, &r.title, &r.url).await?;
    Ok((StatusCode::CREATED, Json(json!({ "link": l }))).into_response())
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
#[utoipa::path(post, path = "/api/v1/me/photo", tag = "profile", request_body(content_type = "multipart/form-data", description = "field `photo`"),
    responses((status = 200, description = "`{photo_url, photo_small_url}`"), (status = 422, description = "not an accepted image")))]
pub async fn upload_photo(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    mp: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> ApiResult<Json<serde_json::Value>> {
    v.require()?;
    let mp = mp.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let file = read_upload(mp, UploadKind::Photo, &state.settings.limits).await?;
    let key = state.set_photo(&v, file.bytes).await?;
    Ok(Json(json!({
        "photo_url": photo_url(&key, guild_core::photo::LARGE),
        "photo_small_url": photo_url(&key, guild_core::photo::SMALL),
    })))
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
#[utoipa::path(get, path = "/api/v1/me/events", tag = "profile", responses((status = 200), (status = 401)))]
pub async fn list_events(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
) -> ApiResult<Json<serde_json::Value>> {
    let events: Vec<ProfileEvent> = state.my_profile_events(&v, 50).await?;
    let items: Vec<_> = events
        .iter()
        .map(|e| json!({"id": e.id.to_string(), "kind": e.kind, "detail": e.detail, "created_at": rfc3339(e.created_at)}))
        .collect();
    Ok(Json(json!({ "items": items, "next_cursor": null })))
}
