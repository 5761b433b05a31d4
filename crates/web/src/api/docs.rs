//! The OpenAPI document (`/api/v1/openapi.json`) and Swagger UI (`/api/docs`), served from
//! files compiled into the binary, so the docs work with no network.

use axum::Router;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_swagger_ui::SwaggerUi;

use super::{
    accounts, admin, attachments, away, events, feed, invitations, members, messages, network,
    posts, profile,
};
use crate::AppState;

#[derive(OpenApi)]
#[openapi(
    info(title = "Guild API", description = "Everything a member can do in Guild's pages. Errors are `{\"error\":{\"code\",\"message\",\"fields\"?,\"retry_after\"?}}`; lists are `{\"items\",\"next_cursor\"}`; ids are strings; times RFC 3339 UTC."),
    paths(
        accounts::signup, accounts::create_token, accounts::list_tokens, accounts::revoke_token,
        accounts::change_password, accounts::change_email,
        profile::get_me, profile::update_profile, profile::change_handle,
        profile::add_position, profile::update_position, profile::delete_position,
        profile::add_education, profile::delete_education, profile::set_skills,
        profile::add_link, profile::delete_link, profile::upload_photo, profile::remove_photo, profile::list_events,
        members::list_members, members::get_member,
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
    modifiers(&BearerAuth),
    security(("bearer" = [])),
    tags((name = "accounts"), (name = "profile"), (name = "members"), (name = "network"), (name = "posts"), (name = "feed"), (name = "notifications"), (name = "messaging"))
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
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
    }
}

pub fn router() -> Router<AppState> {
    Router::new().merge(SwaggerUi::new("/api/docs").url("/api/v1/openapi.json", ApiDoc::openapi()))
}
