//! The HTML pages: server-rendered askama templates (auto-escaped), plain forms, a little
//! plain JavaScript. Each page handler calls the same core service as its API twin.
//!
//! Every page works without JavaScript and without inline scripts or styles (the CSP forbids
//! them). A form that fails validation is rendered again with status 422, each message beside
//! its field and what was typed kept ([`form::Form`]); only errors that are not about the input
//! become error pages ([`crate::error::PageError`]). The frame and the error page are
//! [`layout`]; the top bar's counts come from [`topbar`].

use axum::Router;
use guild_core::settings::Limits;

use crate::AppState;

mod admin;
mod auth;
mod away;
pub mod cards;
mod contacts;
mod conversation;
mod directory;
mod edit;
mod feed;
pub mod flash;
pub mod form;
pub mod format;
mod home;
mod invite;
pub mod layout;
mod messages;
mod network;
mod network_actions;
mod notifications;
mod post_items;
mod posts;
mod profile;
mod settings;
mod shortcuts;
mod strength;
mod theme;
pub mod topbar;
mod unsubscribe;

/// Every page route. Upload forms take bodies as large as the settings allow.
pub fn router(limits: &Limits) -> Router<AppState> {
    Router::new()
        .merge(home::router())
        .merge(auth::router())
        .merge(profile::router())
        .merge(edit::router(limits))
        .merge(directory::router())
        .merge(settings::router())
        .merge(theme::router())
        .merge(admin::router())
        .merge(network::router())
        .merge(network_actions::router())
        .merge(invite::router())
        .merge(contacts::router(limits))
        .merge(feed::router())
        .merge(notifications::router())
        .merge(posts::router(limits))
        .merge(messages::router(limits))
        .merge(conversation::router(limits))
        .merge(away::router())
        .merge(unsubscribe::router())
        .merge(shortcuts::router())
}
