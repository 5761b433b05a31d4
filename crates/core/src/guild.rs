//! [`Guild`]: the services, holding what they share. The web layer keeps one in an `Arc`.

use std::path::PathBuf;
use std::sync::Arc;

use crate::mail::Mailer;
use crate::ratelimit::RateLimiter;
use crate::settings::Settings;
use crate::store::Store;

pub struct Guild {
    pub store: Arc<dyn Store>,
    pub mailer: Arc<dyn Mailer>,
    pub settings: Settings,
    /// Where uploaded media (re-encoded photos) are written: `<data-dir>/media`.
    pub media_dir: PathBuf,
    pub(crate) limiter: RateLimiter,
}

impl Guild {
    pub fn new(
        store: Arc<dyn Store>,
        mailer: Arc<dyn Mailer>,
        settings: Settings,
        media_dir: PathBuf,
    ) -> Self {
        Guild {
            store,
            mailer,
            settings,
            media_dir,
            limiter: RateLimiter::new(),
        }
    }
}
