//! [`Guild`]: the services, holding what they share. The web layer keeps one in an `Arc`.

use std::sync::Arc;

use crate::error::CoreResult;
use crate::feed::sources::SourcesCache;
use crate::feed::state::FeedState;
use crate::mail::Mailer;
use crate::media::store::MediaStorage;
use crate::network::affinity::AffinityIndex;
use crate::network::state::NetworkState;
use crate::ops::OpsState;
use crate::seen::SeenLog;
use crate::settings::Settings;
use crate::store::Store;
use crate::stream::model::Position;
use crate::stream::StreamState;

/// The services. Everything outside core reaches the store, the mailer and the files only
/// through them, so every read and write is checked here, once.
pub struct Guild {
    pub(crate) store: Arc<dyn Store>,
    pub(crate) mailer: Arc<dyn Mailer>,
    pub settings: Settings,
    /// Where uploaded files are kept (see [`crate::media`]).
    pub(crate) media: Arc<dyn MediaStorage>,
    /// The connection graph and blocks in memory (see [`crate::network::state`]).
    pub(crate) network: NetworkState,
    /// Members' employers, schools and places in memory: People You May Know's profile
    /// signals (see [`crate::network::affinity`]).
    pub(crate) affinity: AffinityIndex,
    /// The post index that ranks feeds, and the live-push hub (see [`crate::feed::state`]).
    pub(crate) feed: FeedState,
    /// Woken when a job is queued (see [`crate::outbox`]).
    pub(crate) outbox_wake: tokio::sync::Notify,
    /// Permits to decode an image (`image_decodes_at_once`): the memory budget of uploads.
    pub(crate) decodes: Arc<tokio::sync::Semaphore>,
    /// This node's place in the change stream (see [`crate::stream`]).
    pub(crate) stream: StreamState,
    /// Held while the background round runs ([`crate::round`]).
    pub(crate) round_running: tokio::sync::Mutex<()>,
    /// Readiness and the counters metrics show (see [`crate::ops`]).
    pub(crate) ops: OpsState,
    /// Impressions and profile views on their way to the store, in batches (see
    /// [`crate::seen`]).
    pub(crate) seen: SeenLog,
    /// Whom and which hashtags each member follows, for their feed (see
    /// [`crate::feed::sources`]).
    pub(crate) feed_sources: SourcesCache,
}

impl Guild {
    pub fn new(
        store: Arc<dyn Store>,
        mailer: Arc<dyn Mailer>,
        media: Arc<dyn MediaStorage>,
        settings: Settings,
    ) -> Self {
        let decodes = Arc::new(tokio::sync::Semaphore::new(
            settings.limits.image_decodes_at_once.max(1) as usize,
        ));
        Guild {
            store,
            mailer,
            settings,
            media,
            network: NetworkState::default(),
            affinity: AffinityIndex::default(),
            feed: FeedState::default(),
            outbox_wake: tokio::sync::Notify::new(),
            decodes,
            stream: StreamState::new(Position::default()),
            round_running: tokio::sync::Mutex::new(()),
            ops: OpsState::default(),
            seen: SeenLog::default(),
            feed_sources: SourcesCache::default(),
        }
    }

    /// [`Guild::new`], with the network loaded from the store: what a server starts with.
    pub async fn open(
        store: Arc<dyn Store>,
        mailer: Arc<dyn Mailer>,
        media: Arc<dyn MediaStorage>,
        settings: Settings,
    ) -> CoreResult<Self> {
        let mut guild = Guild::new(store, mailer, media, settings);
        // The stream's head is read before the indexes: whatever commits while they load is
        // read from the stream afterwards (applied twice at worst, which changes nothing).
        let head = guild.store.stream_head().await?;
        guild.stream = StreamState::new(head);
        guild.hold_stream_from(head).await?;
        guild.load_network().await?;
        guild.affinity = guild.read_affinities().await?;
        guild.load_feed().await?;
        Ok(guild)
    }

    /// (Re)loads connections and blocks from the store into memory.
    pub async fn load_network(&mut self) -> CoreResult<()> {
        self.network = self.read_network().await?;
        self.ops.network_loaded();
        Ok(())
    }

    pub(crate) async fn read_network(&self) -> CoreResult<NetworkState> {
        let max = self.store.max_member_id().await?;
        let connections = self.store.all_connections().await?;
        let blocks = self.store.all_blocks().await?;
        NetworkState::load(max, &connections, &blocks)
    }

    /// (Re)loads the feed index from the store: every post, and the last 14 days of
    /// activity and impressions (what ranking reads).
    pub async fn load_feed(&mut self) -> CoreResult<()> {
        self.feed = self.read_feed_index().await?;
        self.ops.feed_loaded();
        Ok(())
    }

    pub(crate) async fn read_feed_index(&self) -> CoreResult<FeedState> {
        const WINDOW_MS: i64 = 14 * crate::DAY_MS;
        let since = crate::now_ms() - WINDOW_MS;
        let posts = self.store.all_indexed_posts().await?;
        let activity = self.store.activity_since(since).await?;
        let seen = self.store.impressions_since(since / 86_400_000).await?;
        FeedState::load(&posts, &activity, &seen)
    }
}
