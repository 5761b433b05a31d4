//! The `notifications` figure of `guild bench feed`: the notification centre's first page
//! read through the product's own path (settings, the keyset query, the actors' cards
//! decorated for the reader) from a real SQLite store holding many notifications per member.
//! The feed index lives in memory; notifications live in the store, so this is measured
//! there.

use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result};
use async_trait::async_trait;
use guild_core::auth::Viewer;
use guild_core::feed::model::{NewNotification, NotificationKind};
use guild_core::feed::store::NotificationStore;
use guild_core::mail::{Mailer, OutgoingEmail};
use guild_core::network::store::NetworkStore;
use guild_core::profiles::store::DirectoryStore;
use guild_core::settings::Settings;
use guild_core::store::Store;
use guild_core::Guild;
use guild_graph::bench::percentile;
use guild_store::{DiskMedia, SqlStore};

use crate::bench_members::bench_member;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};

/// Nothing is mailed during a benchmark.
struct NoMail;

#[async_trait]
impl Mailer for NoMail {
    async fn send(&self, _: OutgoingEmail) -> Result<(), String> {
        Ok(())
    }
}

/// Members, notifications per member, and pages read.
pub struct NotifyOptions {
    pub members: usize,
    pub per_member: usize,
    pub queries: usize,
    pub seed: u64,
}

/// Seeds a temporary store and measures the first page (20) of random members'
/// notifications. Returns the op's figures and what was used.
pub async fn measure(o: NotifyOptions, progress: &mut dyn FnMut(&str)) -> Result<(Value, Value)> {
    let dir = tempfile::tempdir().context("a temporary directory")?;
    let store = SqlStore::connect(&format!("sqlite://{}/bench.db", dir.path().display()))
        .await
        .context("opening the bench store")?;
    store.migrate().await.context("migrating the bench store")?;
    let now = guild_core::now_ms();
    let seeds = (0..o.members)
        .map(|i| bench_member(i, true, now, Some("Benchmark")))
        .collect::<Result<Vec<_>>>()?;
    for chunk in seeds.chunks(1_000) {
        store.seed_members(chunk).await.context("seeding members")?;
    }
    let max = store.max_member_id().await.context("reading ids")?;
    let first = max - o.members as i64 + 1;
    let mut rng = StdRng::seed_from_u64(o.seed);
    let kinds = [
        NotificationKind::Reaction,
        NotificationKind::Comment,
        NotificationKind::Mention,
        NotificationKind::Reply,
        NotificationKind::Repost,
    ];
    progress(&format!(
        "notifications: writing {} per member for {} members",
        o.per_member, o.members
    ));
    let started = Instant::now();
    let mut batch = Vec::with_capacity(2_000);
    let mut written = 0usize;
    for m in 0..o.members as i64 {
        for k in 0..o.per_member {
            let kind = kinds[rng.gen_range(0..kinds.len())];
            batch.push(NewNotification {
                member_id: first + m,
                kind,
                actor_id: first + rng.gen_range(0..o.members as i64),
                post_id: None,
                comment_id: None,
                invitation_id: None,
                group_key: format!("{}:{m}:{k}", kind.as_str()),
                created_at: now - rng.gen_range(0..30 * 86_400_000),
            });
            if batch.len() == 2_000 {
                written += store
                    .notify(&batch)
                    .await
                    .context("writing notifications")?
                    .len();
                batch.clear();
            }
        }
    }
    if !batch.is_empty() {
        written += store
            .notify(&batch)
            .await
            .context("writing notifications")?
            .len();
    }
    let write_s = started.elapsed().as_secs_f64();
    let store: Arc<dyn Store> = Arc::new(store);
    let guild = Guild::open(
        store.clone(),
        Arc::new(NoMail),
        Arc::new(DiskMedia::new(dir.path().join("media"))),
        Settings::default(),
    )
    .await
    .context("opening Guild on the bench store")?;
    progress(&format!("notifications: reading {} first pages", o.queries));
    let mut samples = Vec::with_capacity(o.queries);
    for _ in 0..o.queries {
        let id = first + rng.gen_range(0..o.members as i64);
        let member = store
            .member_by_id(id)
            .await
            .context("reading a member")?
            .context("a seeded member is missing")?;
        let viewer = Viewer::Member(member);
        let t = Instant::now();
        let page = guild
            .notifications(&viewer, None, Some(20))
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        samples.push(t.elapsed().as_secs_f64() * 1e6);
        anyhow::ensure!(
            !page.items.is_empty(),
            "a member with notifications saw none"
        );
    }
    samples.sort_by(f64::total_cmp);
    let op = json!({
        "p50_us": percentile(&samples, 50.0),
        "p99_us": percentile(&samples, 99.0),
        "p999_us": percentile(&samples, 99.9),
        "count": samples.len(),
    });
    let used = json!({
        "store": "sqlite (temporary file)",
        "members": o.members,
        "notifications": written,
        "write_s": write_s,
        "page": 20,
    });
    Ok((op, used))
}
