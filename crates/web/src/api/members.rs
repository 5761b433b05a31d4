//! `/members`: the directory and one member's profile.

use axum::extract::{Path, State};
use axum::Json;
use guild_core::directory::DirectoryFilter;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::json::{ListJson, MemberJson, PersonJson};
use super::profile::{member_of, ProfileJson};
use crate::error::ApiResult;
use crate::extract::{ApiQuery, CurrentViewer};
use crate::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DirectoryParams {
    /// Name, or the start of any word of it.
    #[param(schema_with = super::schema::search)]
    pub q: Option<String>,
    #[param(schema_with = super::schema::search)]
    pub company: Option<String>,
    #[param(schema_with = super::schema::search)]
    pub location: Option<String>,
    #[param(schema_with = super::schema::search)]
    pub school: Option<String>,
    #[param(schema_with = super::schema::search)]
    pub skill: Option<String>,
    #[param(schema_with = super::schema::cursor)]
    pub cursor: Option<String>,
    /// Default 20.
    #[param(schema_with = super::schema::limit)]
    pub limit: Option<u32>,
}

/// The member directory, filtered, in name order, keyset-paginated.
#[utoipa::path(get, path = "/api/v1/members", tag = "members", params(DirectoryParams),
    responses((status = 200, body = ListJson<PersonJson>), (status = 422)))]
pub async fn list_members(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    ApiQuery(p): ApiQuery<DirectoryParams>,
) -> ApiResult<Json<ListJson<PersonJson>>> {
    let f = DirectoryFilter {
        q: p.q,
        company: p.company,
        location: p.location,
        school: p.school,
        skill: p.skill,
        cursor: p.cursor,
        limit: p.limit,
    };
    let page = state.directory(&v, &f).await?;
    Ok(Json(ListJson::of(&page, PersonJson::from)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MemberResponse {
    pub member: MemberJson,
    pub profile: ProfileJson,
    /// 1, 2 or 3 — or null (oneself, anonymous, or out of network).
    pub degree: Option<u8>,
    pub mutual_count: u32,
    /// `me`, `connected`, `invited_by_me`, `invited_me` or `none`.
    pub relation: String,
    /// Whether the asker follows this member.
    pub following: bool,
    pub connection_count: u64,
    pub follower_count: u64,
}

/// One member's profile, as the asker may see it.
#[utoipa::path(get, path = "/api/v1/members/{handle}", tag = "members", params(("handle" = String, Path)),
    responses((status = 200, body = MemberResponse), (status = 401, description = "members-only profile"), (status = 403, description = "connections-only profile"), (status = 404)))]
pub async fn get_member(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Path(handle): Path<String>,
) -> ApiResult<Json<MemberResponse>> {
    let view = state.view_profile(&v, &handle).await?;
    let person = view.network.person.as_ref().map(PersonJson::from);
    Ok(Json(MemberResponse {
        member: member_of(&view),
        profile: (&view).into(),
        degree: person.as_ref().and_then(|p| p.degree),
        mutual_count: person.as_ref().map_or(0, |p| p.mutual_count),
        relation: person
            .map(|p| serde_json::to_value(p.relation).ok())
            .and_then(|v| v.and_then(|v| v.as_str().map(str::to_string)))
            .unwrap_or_else(|| "none".into()),
        following: view.network.following,
        connection_count: view.network.connections as u64,
        follower_count: view.network.followers,
    }))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LookupParams {
    pub q: String,
}

/// By hand: utoipa drops `required` from a parameter whose schema is `schema_with`.
impl IntoParams for LookupParams {
    fn into_params(
        _: impl Fn() -> Option<utoipa::openapi::path::ParameterIn>,
    ) -> Vec<utoipa::openapi::path::Parameter> {
        vec![super::schema::query(
            "q",
            true,
            "Words of a name (the start of any word, case and accents ignored) or the start of \
             a handle (a leading `@` is dropped).",
            super::schema::search(),
        )]
    }
}

/// One member the picker offers.
#[derive(Debug, Serialize, ToSchema)]
pub struct LookupItem {
    pub handle: String,
    pub name: String,
    pub headline: Option<String>,
    /// The 100 px photo, if any.
    pub photo_url: Option<String>,
    /// 1, 2 or 3; null beyond the 3rd degree.
    pub degree: Option<u8>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LookupJson {
    pub items: Vec<LookupItem>,
}

/// The member picker: at most 8 members the asker may see whose name has a word starting
/// with each word of `q`, or whose handle starts with it; connections first, then by
/// degree. Blocked and hidden members never appear, nor the asker.
#[utoipa::path(get, path = "/api/v1/members/lookup", tag = "members", params(LookupParams),
    responses((status = 200, body = LookupJson), (status = 422)))]
pub async fn lookup_members(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    ApiQuery(p): ApiQuery<LookupParams>,
) -> ApiResult<Json<LookupJson>> {
    let people = state.lookup_members(&v, &p.q).await?;
    let items = people
        .iter()
        .map(|p| LookupItem {
            handle: p.card.handle.to_string(),
            name: p.card.name.clone(),
            headline: p.card.headline.clone(),
            photo_url: p
                .card
                .photo_key
                .as_deref()
                .map(|k| guild_core::profiles::photo_url(k, guild_core::photo::SMALL)),
            degree: p.degree,
        })
        .collect();
    Ok(Json(LookupJson { items }))
}
