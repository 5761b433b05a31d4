//! The OpenAPI document (`/api/v1/openapi.json`) and Swagger UI (`/api/docs`), served from
//! files compiled into the binary, so the docs work with no network.

use axum::Router;
use utoipa::openapi::path::{HttpMethod, Operation, OperationBuilder, ParameterIn, PathItem};
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::schema::{ObjectBuilder, Ref, Type};
use utoipa::openapi::security::{
    ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme,
};
use utoipa::openapi::{ContentBuilder, RefOr};
use utoipa::{Modify, OpenApi, ToSchema};
use utoipa_swagger_ui::SwaggerUi;

use super::{
    accounts, admin, attachments, away, events, feed, invitations, members, messages, network,
    posts, profile, schema,
};
use crate::AppState;

#[derive(OpenApi)]
#[openapi(
    info(title = "Guild API", description = "Everything a member can do in Guild's pages. Errors are `{\"error\":{\"code\",\"message\",\"fields\"?,\"retry_after\"?}}`; lists are `{\"items\",\"next_cursor\"}`; ids are strings; times RFC 3339 UTC. An operation that needs a signed-in member says so in its `security` (a bearer token or the session cookie); the others work signed out, and a token sent to them must still be valid."),
    paths(
        accounts::signup, accounts::create_token, accounts::list_tokens, accounts::revoke_token,
        accounts::change_password, accounts::change_email,
        profile::get_me, profile::update_profile, profile::change_handle,
        profile::add_position, profile::update_position, profile::delete_position,
        profile::add_education, profile::delete_education, profile::set_skills,
        profile::add_link, profile::delete_link, profile::upload_photo, profile::remove_photo, profile::list_events,
        members::list_members, members::lookup_members, members::get_member,
        invitations::invite, invitations::list_invitations, invitations::invitation_summary,
        invitations::accept, invitations::ignore, invitations::dont_know, invitations::spam,
        invitations::withdraw,
        network::connections, network::remove_connection, network::follow, network::unfollow,
        network::followers, network::following, network::block, network::unblock, network::blocks,
        network::mutuals, network::path, network::stats, network::pymk, network::dismiss,
        network::set_invite_policy, network::import_contacts,
        posts::create, posts::get_post, posts::edit, posts::delete_post, posts::react,
        posts::unreact, posts::reactions, posts::add_comment, posts::comments,
        posts::edit_comment, posts::delete_comment, posts::react_comment, posts::unreact_comment,
        posts::repost, posts::stats, posts::upload, posts::by_member,
        feed::feed, feed::hashtag, feed::follow_hashtag, feed::unfollow_hashtag,
        feed::my_hashtags, feed::mentions, feed::notifications, feed::read, feed::settings,
        feed::set_settings, events::events,
        messages::start, messages::list, messages::get_one, messages::messages, messages::send,
        messages::accept, messages::ignore, messages::report, messages::archive,
        messages::unarchive, messages::mute, messages::unmute, messages::leave, messages::clear,
        messages::remove_member, messages::search, attachments::upload, attachments::download,
        away::settings, away::set_settings, away::get_away, away::set_away,
        away::end_away, away::member_away, admin::held, admin::release_held,
        admin::delete_held,
    ),
    components(schemas(ErrorBody, ErrorDetail)),
    modifiers(&Truths),
    tags((name = "accounts"), (name = "profile"), (name = "members"), (name = "network"), (name = "posts"), (name = "feed"), (name = "notifications"), (name = "messaging"))
)]
pub struct ApiDoc;

/// Operations that need no token and read none: sign-up, a token for email and password,
/// and this document.
pub const NO_AUTH: &[(&str, &str)] = &[
    ("post", "/api/v1/auth/signup"),
    ("post", "/api/v1/auth/tokens"),
    ("get", OPENAPI_PATH),
];

/// Reads that work signed out (what a visitor may see); signed in, they answer as that member
/// sees it, and a bearer token sent to them must be valid (401 otherwise). Every other
/// operation needs a signed-in member. `tests/it/openapi.rs` asks each operation anonymously
/// and checks it against these lists.
pub const SIGNED_OUT_READS: &[(&str, &str)] = &[
    ("get", "/api/v1/members"),
    ("get", "/api/v1/members/{handle}"),
    ("get", "/api/v1/members/{handle}/posts"),
    ("get", "/api/v1/posts/{id}"),
    ("get", "/api/v1/posts/{id}/comments"),
    ("get", "/api/v1/posts/{id}/reactions"),
];

pub const OPENAPI_PATH: &str = "/api/v1/openapi.json";

/// The error body every 4xx and 5xx answer carries (`crate::error::ApiError`).
#[derive(ToSchema)]
#[schema(as = Error)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(ToSchema)]
pub struct ErrorDetail {
    /// The stable code: one per way a request fails (`guild_core::Code`, and `bad_request`).
    #[schema(schema_with = error_code)]
    pub code: String,
    /// A sentence for a person.
    pub message: String,
    /// Field → why it is not valid (`invalid_input` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fields: Option<std::collections::BTreeMap<String, String>>,
    /// When a limit lifts (429 only; the `Retry-After` header says the same in seconds).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = DateTime)]
    pub retry_after: Option<String>,
}

fn error_code() -> utoipa::openapi::schema::Object {
    schema::choice(schema::error_codes(), false)
}

/// The response component every error refers to.
const ERROR_RESPONSE: &str = "#/components/responses/Error";

/// What the document says about every operation at once, from the code's own rules rather
/// than repeated on each handler: who may call it (security and 401), that a malformed
/// request is a 400, a path naming nothing a 404, a cross-site cookie request a 403, and that
/// every error has the one error body.
struct Truths;

impl Modify for Truths {
    fn modify(&self, api: &mut utoipa::openapi::OpenApi) {
        let components = api.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("A personal access token (`gld_…`)."))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                crate::extract::SESSION_COOKIE,
                "The pages' session cookie. A request that changes something must then come \
                 from Guild's own pages (`Sec-Fetch-Site` or `Origin`), else 403.",
            ))),
        );
        components.responses.insert(
            "Error".into(),
            RefOr::T(
                ResponseBuilder::new()
                    .description("An error: `{\"error\":{\"code\",\"message\",\"fields\"?,\"retry_after\"?}}`.")
                    .content(
                        "application/json",
                        ContentBuilder::new()
                            .schema(Some(Ref::from_schema_name("Error")))
                            .build(),
                    )
                    .build(),
            ),
        );
        api.paths.add_path_operation(
            OPENAPI_PATH,
            vec![HttpMethod::Get],
            OperationBuilder::new()
                .operation_id(Some("openapi"))
                .summary(Some("This document (OpenAPI 3.1)."))
                .response(
                    "200",
                    ResponseBuilder::new().description("The document").content(
                        "application/json",
                        ContentBuilder::new()
                            .schema(Some(ObjectBuilder::new().schema_type(Type::Object)))
                            .build(),
                    ),
                ),
        );
        for (path, item) in api.paths.paths.iter_mut() {
            for (method, op) in operations(item) {
                describe(method, path, op);
            }
        }
    }
}

/// Each operation of a path with its method, lower-case as in the lists above.
pub fn operations(item: &mut PathItem) -> Vec<(&'static str, &mut Operation)> {
    [
        ("get", &mut item.get),
        ("put", &mut item.put),
        ("post", &mut item.post),
        ("delete", &mut item.delete),
        ("patch", &mut item.patch),
        ("head", &mut item.head),
        ("options", &mut item.options),
        ("trace", &mut item.trace),
    ]
    .into_iter()
    .filter_map(|(m, op)| op.as_mut().map(|op| (m, op)))
    .collect()
}

/// What an error status means when an operation says no more.
fn usual_reason(status: &str) -> &'static str {
    match status {
        "400" => "The request is malformed.",
        "401" => "Not signed in, or the bearer token is not valid or was revoked.",
        "403" => "Not allowed.",
        "404" => "Nothing by that id or handle that the asker may see.",
        "409" => "It clashes with how things stand.",
        "422" => "Some fields are not valid: `fields` says which, and why.",
        "429" => "A limit was reached: `retry_after` (and `Retry-After`) says when it lifts.",
        "503" => {
            "The database cannot be reached just now (`database_unavailable`); nothing was \
                  changed. Try again after `Retry-After` seconds."
        }
        _ => "An error.",
    }
}

/// Path parameters that mean one thing wherever they appear: a `tag` is a hashtag, checked
/// (422 when it is not one).
fn path_schemas(op: &mut Operation) {
    let mut tagged = false;
    for p in op.parameters.iter_mut().flatten() {
        if p.parameter_in == ParameterIn::Path && p.name == "tag" {
            p.schema = Some(schema::hashtag().into());
            tagged = true;
        }
    }
    if tagged {
        op.responses
            .responses
            .entry("422".into())
            .or_insert_with(|| {
                RefOr::T(
                    ResponseBuilder::new()
                        .description("`tag` is not a hashtag.")
                        .build(),
                )
            });
    }
}

fn describe(method: &str, path: &str, op: &mut Operation) {
    path_schemas(op);
    let key = (method, path);
    let add = |op: &mut Operation, status: &str, why: &str| {
        op.responses
            .responses
            .entry(status.to_string())
            .or_insert_with(|| RefOr::T(ResponseBuilder::new().description(why).build()));
    };
    if NO_AUTH.contains(&key) {
        // No viewer is read: nothing to authenticate.
    } else if SIGNED_OUT_READS.contains(&key) {
        add(
            op,
            "401",
            "The bearer token given is not valid or was revoked.",
        );
    } else {
        op.security = Some(vec![
            SecurityRequirement::new("bearer", Vec::<String>::new()),
            SecurityRequirement::new("session", Vec::<String>::new()),
        ]);
        add(
            op,
            "401",
            "Not signed in, or the bearer token is not valid or was revoked.",
        );
    }
    let params = op.parameters.as_deref().unwrap_or_default();
    let has_in = |place: ParameterIn| params.iter().any(|p| p.parameter_in == place);
    let (has_query, has_path) = (has_in(ParameterIn::Query), has_in(ParameterIn::Path));
    if op.request_body.is_some() || has_query {
        add(
            op,
            "400",
            "The request is malformed: a body that is not JSON (or not the form asked for), a \
             wrong type, an unknown field or query parameter.",
        );
    }
    if op.request_body.is_some() || has_query {
        add(
            op,
            "422",
            "Some fields are not valid: `fields` says which, and why.",
        );
    }
    if has_path {
        add(
            op,
            "404",
            "Nothing by that id or handle that the asker may see.",
        );
    }
    if method != "get" && path != OPENAPI_PATH {
        add(
            op,
            "403",
            "Not allowed; or a session-cookie request from another site.",
        );
    }
    if path != OPENAPI_PATH {
        // Any operation may find the database away; none hangs waiting for it.
        add(op, "503", usual_reason("503"));
    }
    for (status, response) in op.responses.responses.iter_mut() {
        if status.starts_with('4') || status.starts_with('5') {
            let why = match response {
                RefOr::T(r) => r.description.clone(),
                RefOr::Ref(r) => r.description.clone(),
            };
            let why = if why.is_empty() {
                usual_reason(status).to_string()
            } else {
                why
            };
            let mut r = Ref::new(ERROR_RESPONSE);
            r.description = why;
            *response = RefOr::Ref(r);
        }
    }
}

pub fn router() -> Router<AppState> {
    Router::new().merge(SwaggerUi::new("/api/docs").url("/api/v1/openapi.json", ApiDoc::openapi()))
}
