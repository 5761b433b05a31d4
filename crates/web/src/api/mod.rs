//! The JSON API under `/api/v1`: the same services as the pages, for scripts and clients.
//! Every route is listed in the OpenAPI document ([`docs`]).

use axum::extract::DefaultBodyLimit;
use axum::routing::{delete, get, patch, post, put};
use axum::Router;
use guild_core::media::UploadKind;
use guild_core::settings::Limits;

use crate::AppState;

pub mod accounts;
pub mod admin;
pub mod attachments;
pub mod away;
pub mod docs;
pub mod events;
pub mod feed;
pub mod invitations;
pub mod json;
pub mod members;
pub mod messages;
pub mod network;
pub mod posts;
pub mod profile;
pub mod schema;

/// The routes under `/api/v1`. Upload routes take bodies as large as the settings allow
/// (`photo_max_bytes`, `attachment_max_bytes`); every other body is small (the router's
/// default).
pub fn router(limits: &Limits) -> Router<AppState> {
    let upload = |kind: UploadKind| DefaultBodyLimit::max(kind.body_limit(limits, 1));
    Router::new()
        .route("/auth/signup", post(accounts::signup))
        .route(
            "/auth/tokens",
            post(accounts::create_token).get(accounts::list_tokens),
        )
        .route("/auth/tokens/{id}", delete(accounts::revoke_token))
        .route("/me", get(profile::get_me))
        .route("/me/profile", patch(profile::update_profile))
        .route("/me/handle", put(profile::change_handle))
        .route("/me/password", post(accounts::change_password))
        .route("/me/email", put(accounts::change_email))
        .route("/me/positions", post(profile::add_position))
        .route(
            "/me/positions/{id}",
            put(profile::update_position).delete(profile::delete_position),
        )
        .route("/me/education", post(profile::add_education))
        .route("/me/education/{id}", delete(profile::delete_education))
        .route("/me/skills", put(profile::set_skills))
        .route("/me/links", post(profile::add_link))
        .route("/me/links/{id}", delete(profile::delete_link))
        .route(
            "/me/photo",
            post(profile::upload_photo)
                .delete(profile::remove_photo)
                .layer(upload(UploadKind::Photo)),
        )
        .route("/me/events", get(profile::list_events))
        .route("/members", get(members::list_members))
        .route("/members/lookup", get(members::lookup_members))
        .route("/members/{handle}", get(members::get_member))
        .route("/members/{handle}/mutuals", get(network::mutuals))
        .route("/members/{handle}/path", get(network::path))
        .route(
            "/invitations",
            post(invitations::invite).get(invitations::list_invitations),
        )
        .route("/invitations/summary", get(invitations::invitation_summary))
        .route("/invitations/{id}/accept", post(invitations::accept))
        .route("/invitations/{id}/ignore", post(invitations::ignore))
        .route("/invitations/{id}/dont-know", post(invitations::dont_know))
        .route("/invitations/{id}/spam", post(invitations::spam))
        .route("/invitations/{id}/withdraw", post(invitations::withdraw))
        .route("/connections", get(network::connections))
        .route("/connections/{handle}", delete(network::remove_connection))
        .route(
            "/follows/{handle}",
            put(network::follow).delete(network::unfollow),
        )
        .route("/me/followers", get(network::followers))
        .route("/me/following", get(network::following))
        .route("/me/invite-policy", put(network::set_invite_policy))
        .route("/blocks", get(network::blocks))
        .route(
            "/blocks/{handle}",
            put(network::block).delete(network::unblock),
        )
        .route("/network/stats", get(network::stats))
        .route("/pymk", get(network::pymk))
        .route("/pymk/{handle}/dismiss", post(network::dismiss))
        .route("/posts", post(posts::create))
        .route(
            "/posts/{id}",
            get(posts::get_post)
                .patch(posts::edit)
                .delete(posts::delete_post),
        )
        .route(
            "/posts/{id}/reaction",
            put(posts::react).delete(posts::unreact),
        )
        .route("/posts/{id}/reactions", get(posts::reactions))
        .route(
            "/posts/{id}/comments",
            post(posts::add_comment).get(posts::comments),
        )
        .route("/posts/{id}/reposts", post(posts::repost))
        .route("/posts/{id}/stats", get(posts::stats))
        .route(
            "/comments/{id}",
            patch(posts::edit_comment).delete(posts::delete_comment),
        )
        .route(
            "/comments/{id}/reaction",
            put(posts::react_comment).delete(posts::unreact_comment),
        )
        .route(
            "/media",
            post(posts::upload).layer(upload(UploadKind::PostImage)),
        )
        .route("/members/{handle}/posts", get(posts::by_member))
        .route("/feed", get(feed::feed))
        .route("/hashtags/{tag}", get(feed::hashtag))
        .route(
            "/hashtags/{tag}/follow",
            put(feed::follow_hashtag).delete(feed::unfollow_hashtag),
        )
        .route("/me/hashtags", get(feed::my_hashtags))
        .route("/mentions", get(feed::mentions))
        .route("/notifications", get(feed::notifications))
        .route("/notifications/read", post(feed::read))
        .route(
            "/me/notification-settings",
            get(feed::settings).put(feed::set_settings),
        )
        .route("/events", get(events::events))
        .route("/conversations", post(messages::start).get(messages::list))
        .route("/conversations/{id}", get(messages::get_one))
        .route(
            "/conversations/{id}/messages",
            get(messages::messages).post(messages::send),
        )
        .route("/conversations/{id}/accept", post(messages::accept))
        .route("/conversations/{id}/ignore", post(messages::ignore))
        .route("/conversations/{id}/report", post(messages::report))
        .route("/conversations/{id}/archive", post(messages::archive))
        .route("/conversations/{id}/unarchive", post(messages::unarchive))
        .route("/conversations/{id}/mute", post(messages::mute))
        .route("/conversations/{id}/unmute", post(messages::unmute))
        .route("/conversations/{id}/leave", post(messages::leave))
        .route("/conversations/{id}/clear", post(messages::clear))
        .route(
            "/conversations/{id}/members/{handle}",
            delete(messages::remove_member),
        )
        .route("/messages/search", get(messages::search))
        .route(
            "/attachments",
            post(attachments::upload).layer(upload(UploadKind::Attachment)),
        )
        .route("/attachments/{id}", get(attachments::download))
        .route(
            "/me/messaging-settings",
            get(away::settings).put(away::set_settings),
        )
        .route(
            "/me/away",
            get(away::get_away)
                .put(away::set_away)
                .delete(away::end_away),
        )
        .route("/members/{handle}/away", get(away::member_away))
        .route("/admin/held-messages", get(admin::held))
        .route(
            "/admin/held-messages/{id}/release",
            post(admin::release_held),
        )
        .route("/admin/held-messages/{id}", delete(admin::delete_held))
        .route(
            "/contacts/import",
            post(network::import_contacts).layer(upload(UploadKind::Contacts)),
        )
}
