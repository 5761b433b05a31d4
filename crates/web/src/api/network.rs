//! The network routes besides invitations: connections, follows, blocks, mutual connections,
//! paths, network counts, People You May Know and finding contacts.

use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::Json;
use guild_core::media::UploadKind;
use guild_core::network::model::{ConnectionSort, FollowDirection, InvitePolicy};
use guild_core::network::RelatedPerson;
use guild_core::paging::Page;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::json::{rfc3339, ListJson, PageParams, PersonJson};
use crate::error::ApiResult;
use crate::extract::{read_api_upload, ApiJson, ApiQuery, CurrentViewer};
use crate::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct RelatedJson {
    pub member: PersonJson,
    /// When the connection, follow or block began.
    pub since: String,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ConnectionParams {
    /// The start of the name, or of any word of it.
    #[param(schema_with = super::schema::search)]
    pub q: Option<String>,
    /// `recent` (default) or `name`.
    #[param(schema_with = connection_sort)]
    pub sort: Option<String>,
    #[param(schema_with = super::schema::cursor)]
    pub cursor: Option<String>,
    #[param(schema_with = super::schema::limit)]
    pub limit: Option<u32>,
}

fn connection_sort() -> utoipa::openapi::schema::Object {
    super::schema::choice(ConnectionSort::ALL.map(ConnectionSort::as_str), false)
}

/// The asker's connections.
#[utoipa::path(get, path = "/api/v1/connections", tag = "network", params(ConnectionParams),
    responses((status = 200, body = ListJson<RelatedJson>)))]
pub async fn connections(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    ApiQuery(p): ApiQuery<ConnectionParams>,
) -> ApiResult<Json<ListJson<RelatedJson>>> {
    let sort = match p.sort.as_deref() {
        None => ConnectionSort::Recent,
        Some(raw) => ConnectionSort::parse(raw)
            .ok_or_else(|| guild_core::CoreError::invalid("sort", "Use recent or name."))?,
    };
    let page = state
        .connections(&v, p.q.as_deref(), sort, p.cursor.as_deref(), p.limit)
        .await?;
    Ok(Json(related_list(&page)))
}

fn related_list(page: &Page<RelatedPerson>) -> ListJson<RelatedJson> {
    ListJson::of(page, |r| RelatedJson {
        member: (&r.person).into(),
        since: rfc3339(r.since),
    })
}

/// Remove a connection (follows stay until unfollowed).
#[utoipa::path(delete, path = "/api/v1/connections/{handle}", tag = "network", params(("handle" = String, Path)),
    responses((status = 204), (status = 404)))]
pub async fn remove_connection(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Path(handle): Path<String>,
) -> ApiResult<StatusCode> {
    state.remove_connection(&v, &handle).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Follow a member.
#[utoipa::path(put, path = "/api/v1/follows/{handle}", tag = "network", params(("handle" = String, Path)),
    responses((status = 204), (status = 422, description = "The handle is the asker's own: one cannot follow oneself.")))]
pub async fn follow(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Path(handle): Path<String>,
) -> ApiResult<StatusCode> {
    state.set_follow(&v, &handle, true).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Unfollow a member (a connection stays).
#[utoipa::path(delete, path = "/api/v1/follows/{handle}", tag = "network", params(("handle" = String, Path)),
    responses((status = 204), (status = 422, description = "The handle is the asker's own: one cannot follow oneself.")))]
pub async fn unfollow(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Path(handle): Path<String>,
) -> ApiResult<StatusCode> {
    state.set_follow(&v, &handle, false).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Who follows the asker, newest first.
#[utoipa::path(get, path = "/api/v1/me/followers", tag = "network", params(PageParams),
    responses((status = 200, body = ListJson<RelatedJson>)))]
pub async fn followers(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    ApiQuery(p): ApiQuery<PageParams>,
) -> ApiResult<Json<ListJson<RelatedJson>>> {
    let page = state
        .follows(&v, FollowDirection::Followers, p.cursor.as_deref(), p.limit)
        .await?;
    Ok(Json(related_list(&page)))
}

/// Whom the asker follows, newest first.
#[utoipa::path(get, path = "/api/v1/me/following", tag = "network", params(PageParams),
    responses((status = 200, body = ListJson<RelatedJson>)))]
pub async fn following(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    ApiQuery(p): ApiQuery<PageParams>,
) -> ApiResult<Json<ListJson<RelatedJson>>> {
    let page = state
        .follows(&v, FollowDirection::Following, p.cursor.as_deref(), p.limit)
        .await?;
    Ok(Json(related_list(&page)))
}

/// Block a member: connection, follows and open invitations between you end; neither sees
/// the other anywhere after.
#[utoipa::path(put, path = "/api/v1/blocks/{handle}", tag = "network", params(("handle" = String, Path)),
    responses((status = 204), (status = 422, description = "The handle is the asker's own: one cannot block oneself.")))]
pub async fn block(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Path(handle): Path<String>,
) -> ApiResult<StatusCode> {
    state.block(&v, &handle).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Unblock a member. Nothing that the block ended comes back by itself.
#[utoipa::path(delete, path = "/api/v1/blocks/{handle}", tag = "network", params(("handle" = String, Path)),
    responses((status = 204), (status = 404)))]
pub async fn unblock(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Path(handle): Path<String>,
) -> ApiResult<StatusCode> {
    state.unblock(&v, &handle).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The members the asker blocked.
#[utoipa::path(get, path = "/api/v1/blocks", tag = "network",
    responses((status = 200, body = ListJson<RelatedJson>)))]
pub async fn blocks(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
) -> ApiResult<Json<ListJson<RelatedJson>>> {
    let items = state.blocked(&v).await?;
    Ok(Json(related_list(&Page {
        items,
        next_cursor: None,
    })))
}

/// The connections the asker shares with a member.
#[utoipa::path(get, path = "/api/v1/members/{handle}/mutuals", tag = "network",
    params(("handle" = String, Path), PageParams),
    responses((status = 200, body = ListJson<PersonJson>), (status = 404)))]
pub async fn mutuals(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Path(handle): Path<String>,
    ApiQuery(p): ApiQuery<PageParams>,
) -> ApiResult<Json<ListJson<PersonJson>>> {
    let page = state
        .mutuals(&v, &handle, p.cursor.as_deref(), p.limit)
        .await?;
    Ok(Json(ListJson::of(&page, PersonJson::from)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PathJson {
    /// From the asker to the member, both included: 2 to 4 members.
    pub path: Vec<PersonJson>,
}

/// "How you're connected": a shortest path up to 3 hops; 404 beyond the 3rd degree.
#[utoipa::path(get, path = "/api/v1/members/{handle}/path", tag = "network", params(("handle" = String, Path)),
    responses((status = 200, body = PathJson), (status = 404)))]
pub async fn path(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Path(handle): Path<String>,
) -> ApiResult<Json<PathJson>> {
    let p = state.path_to(&v, &handle).await?;
    Ok(Json(PathJson {
        path: p.path.iter().map(PersonJson::from).collect(),
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NetworkStatsJson {
    pub first: u64,
    pub second: u64,
    pub third: u64,
}

/// How many members are 1st, 2nd and 3rd degree to the asker.
#[utoipa::path(get, path = "/api/v1/network/stats", operation_id = "network_stats", tag = "network",
    responses((status = 200, body = NetworkStatsJson)))]
pub async fn stats(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
) -> ApiResult<Json<NetworkStatsJson>> {
    let s = state.network_stats(&v)?;
    Ok(Json(NetworkStatsJson {
        first: s.first,
        second: s.second,
        third: s.third,
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PymkParams {
    /// Default 20.
    #[param(schema_with = super::schema::limit)]
    pub limit: Option<u32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SuggestionJson {
    pub member: PersonJson,
    pub score: f32,
    /// Why: "22 mutual connections", "Both at Acme 2019–2021", "Also in Utrecht".
    pub reasons: Vec<String>,
}

/// People You May Know, best first.
#[utoipa::path(get, path = "/api/v1/pymk", tag = "network", params(PymkParams),
    responses((status = 200, body = ListJson<SuggestionJson>)))]
pub async fn pymk(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    ApiQuery(p): ApiQuery<PymkParams>,
) -> ApiResult<Json<ListJson<SuggestionJson>>> {
    let items = state.people_you_may_know(&v, p.limit).await?;
    Ok(Json(ListJson::all(
        items
            .iter()
            .map(|s| SuggestionJson {
                member: (&s.person).into(),
                score: s.score,
                reasons: s.reasons.clone(),
            })
            .collect(),
    )))
}

/// Dismiss a suggestion: that member is never suggested again.
#[utoipa::path(post, path = "/api/v1/pymk/{handle}/dismiss", tag = "network", params(("handle" = String, Path)),
    responses((status = 204), (status = 404)))]
pub async fn dismiss(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Path(handle): Path<String>,
) -> ApiResult<StatusCode> {
    state.dismiss_suggestion(&v, &handle).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InvitePolicyJson {
    /// `everyone`, or `email`: only people who know the asker's email address.
    #[schema(schema_with = invite_policy)]
    pub invite_policy: String,
}

fn invite_policy() -> utoipa::openapi::schema::Object {
    super::schema::choice(InvitePolicy::ALL.map(InvitePolicy::as_str), false)
}

/// Who may send the asker invitations.
#[utoipa::path(put, path = "/api/v1/me/invite-policy", tag = "network", request_body = InvitePolicyJson,
    responses((status = 200, body = InvitePolicyJson), (status = 422)))]
pub async fn set_invite_policy(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    ApiJson(r): ApiJson<InvitePolicyJson>,
) -> ApiResult<Json<InvitePolicyJson>> {
    let p = state.set_invite_policy(&v, &r.invite_policy).await?;
    Ok(Json(InvitePolicyJson {
        invite_policy: p.as_str().into(),
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ContactHitJson {
    /// The name as the uploaded file had it.
    pub contact_name: String,
    pub member: PersonJson,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ContactsJson {
    /// Members whose email address is in the file.
    pub matched: Vec<ContactHitJson>,
    /// Members with the same name and a company they list, but no email match.
    pub maybe: Vec<ContactHitJson>,
    /// Contacts that matched no one (they are not kept).
    pub unmatched_count: usize,
    /// `linkedin`, `csv` or `vcard`.
    pub format: String,
}

/// Find contacts among the members: upload LinkedIn's Connections.csv, a CSV or a vCard file
/// (multipart field `file`, ≤ 5 MB). Nothing of the file is kept.
#[utoipa::path(post, path = "/api/v1/contacts/import", tag = "network",
    request_body(content = super::schema::ContactsForm, content_type = "multipart/form-data"),
    responses((status = 200, body = ContactsJson), (status = 422, description = "unreadable file; the message names the line")))]
pub async fn import_contacts(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    mp: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> ApiResult<Json<ContactsJson>> {
    v.require()?;
    let file = read_api_upload(mp, UploadKind::Contacts, &state.settings.limits).await?;
    let r = state.import_contacts(&v, &file.bytes).await?;
    let hits = |list: &[guild_core::network::contacts::ContactHit]| {
        list.iter()
            .map(|h| ContactHitJson {
                contact_name: h.contact_name.clone(),
                member: (&h.person).into(),
            })
            .collect()
    };
    Ok(Json(ContactsJson {
        matched: hits(&r.matched),
        maybe: hits(&r.maybe),
        unmatched_count: r.unmatched_count,
        format: r.format.into(),
    }))
}
