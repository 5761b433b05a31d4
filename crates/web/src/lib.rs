//! Guild's web interface: the HTML pages for people and the JSON API for scripts, on one axum
//! router. Handlers extract, call one service of [`guild_core::Guild`], and map the result;
//! no rule lives here.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use guild_core::Guild;

pub mod api;
pub mod error;
pub mod extract;
pub mod html;
mod incident;
pub mod mail;
mod ops;
mod router;
pub mod security;

pub use router::router;

/// What every handler can reach: the services. Cheap to clone.
#[derive(Clone)]
pub struct AppState(pub Arc<Guild>);

impl std::ops::Deref for AppState {
    type Target = Guild;
    fn deref(&self) -> &Guild {
        &self.0
    }
}

/// Serves `guild` on `listener` until `shutdown` completes.
pub async fn serve(
    listener: tokio::net::TcpListener,
    guild: Arc<Guild>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router(AppState(guild.clone())).into_make_service_with_connect_info::<SocketAddr>();
    // Event streams never end by themselves: tell them to when the server stops, or the
    // graceful shutdown would wait for them forever.
    let shutdown = async move {
        shutdown.await;
        guild.close_streams();
    };
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}
