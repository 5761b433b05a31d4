//! The feed tables on both backends: posts with their hashtags and mentions, edits and
//! deletes only by their authors, reposts, comments (the post's author may delete any),
//! reactions, impressions once per viewer per day, followed hashtags, notifications
//! (aggregated reactions, repeated keys ignored, read state, fan-out to connections), their
//! settings, and the feed and digest preferences.

use guild_core::accounts::store::AccountStore;
use guild_core::feed::model::*;
use guild_core::feed::store::{FeedStore, NotificationStore};
use guild_core::network::store::InvitationStore;
use guild_core::store::StoreError;
use guild_store::{Pool, SqlStore};
use guild_testkit::TestApp;

use super::new_member;

pub(super) const T0: i64 = 1_700_000_000_000;
pub(super) const DAY: i64 = 86_400_000;

pub(super) async fn members(s: &SqlStore, handles: &[&str]) -> Vec<i64> {
    let mut out = Vec::new();
    for h in handles {
        out.push(s.create_member(&new_member(h), None).await.unwrap().id);
    }
    out
}

pub(super) async fn connect(s: &SqlStore, a: i64, b: i64) {
    let inv = s.create_invitation(a, b, None, T0).await.unwrap();
    s.accept_invitation(inv.id, b, T0 + 1)
        .await
        .unwrap()
        .unwrap();
}

/// One viewer's impressions of `posts` on `day` (the store takes batches of many viewers):
/// the posts counted.
pub(super) async fn seen_by(
    s: &SqlStore,
    viewer: i64,
    posts: &[PostId],
    day: i64,
    at: i64,
) -> Result<Vec<PostId>, StoreError> {
    let seen: Vec<Impression> = posts
        .iter()
        .map(|&post| Impression {
            post,
            viewer,
            day,
            at,
        })
        .collect();
    Ok(s.record_impressions(&seen)
        .await?
        .into_iter()
        .map(|i| i.post)
        .collect())
}

/// One number from a statement run directly against the tables.
pub(super) async fn count(s: &SqlStore, sql: &str) -> i64 {
    match &s.pool {
        Pool::Sqlite(p) => sqlx::query_scalar(sql).fetch_one(p).await.unwrap(),
        Pool::Pg(p) => sqlx::query_scalar(sql).fetch_one(p).await.unwrap(),
    }
}

pub(super) fn new_post(author: i64, at: i64) -> NewPost {
    NewPost {
        author_id: author,
        kind: PostKind::Post,
        title: None,
        body: format!("Post at {at}"),
        body_html: format!("<p>Post at {at}</p>"),
        visibility: PostVisibility::Anyone,
        repost_of: None,
        images: vec![],
        cover: None,
        hashtags: vec![],
        mentions: vec![],
        created_at: at,
    }
}

pub(super) fn new_comment(post: i64, parent: Option<i64>, author: i64, at: i64) -> NewComment {
    NewComment {
        post_id: post,
        parent_id: parent,
        author_id: author,
        body: format!("Comment at {at}"),
        body_html: format!("<p>Comment at {at}</p>"),
        mentions: vec![],
        created_at: at,
    }
}

pub(super) fn note(
    to: i64,
    kind: NotificationKind,
    actor: i64,
    post: Option<i64>,
    key: &str,
    at: i64,
) -> NewNotification {
    NewNotification {
        member_id: to,
        kind,
        actor_id: actor,
        post_id: post,
        comment_id: None,
        invitation_id: None,
        group_key: key.into(),
        created_at: at,
    }
}

#[tokio::test]
async fn posts_are_written_edited_and_deleted_only_by_their_author() {
    let app = TestApp::new().await;
    let s = &app.store;
    let m = members(s, &["ann", "bob", "cyd"]).await;
    let (ann, bob, cyd) = (m[0], m[1], m[2]);
    let mut np = new_post(ann, T0);
    np.hashtags = vec!["rust".into(), "sql".into()];
    np.mentions = vec![bob, cyd];
    np.images = vec!["k1".into(), "k2".into()];
    let p = s.create_post(&np).await.unwrap();
    let read = s.post(p.id).await.unwrap().unwrap();
    assert_eq!(
        (&read.hashtags, &read.images, read.edited_at, read.repost_of),
        (&p.hashtags, &p.images, None, None)
    );
    assert_eq!(read.hashtags, vec!["rust", "sql"]);
    assert_eq!(read.images, vec!["k1", "k2"]);
    assert_eq!(
        (read.body.as_str(), read.counts),
        (np.body.as_str(), PostCounts::default())
    );
    assert!(!read.repost_deleted);
    let tags = format!(
        "SELECT COUNT(*) FROM post_hashtags WHERE post_id = {}",
        p.id
    );
    let mentions = format!(
        "SELECT COUNT(*) FROM post_mentions WHERE post_id = {}",
        p.id
    );
    assert_eq!((count(s, &tags).await, count(s, &mentions).await), (2, 2));
    assert_eq!(
        s.posts_by_ids(&[p.id, p.id + 1_000]).await.unwrap().len(),
        1,
        "missing ids are left out"
    );
    assert!(s.posts_by_ids(&[]).await.unwrap().is_empty());
    // Ids are one bound array, however many (and repeated ones change nothing).
    let many: Vec<i64> = (p.id..p.id + 5_000).chain([p.id, p.id]).collect();
    let found = s.posts_by_ids(&many).await.unwrap();
    assert_eq!(found.iter().map(|f| f.id).collect::<Vec<_>>(), vec![p.id]);

    let edit = PostEdit {
        title: None,
        body: "Edited".into(),
        body_html: "<p>Edited</p>".into(),
        visibility: PostVisibility::Connections,
        images: vec![],
        cover: None,
        hashtags: vec!["go".into()],
        mentions: vec![cyd],
        edited_at: T0 + 10,
    };
    // Someone else's id finds nothing and changes nothing.
    assert!(s.update_post(p.id, bob, &edit).await.unwrap().is_none());
    assert!(!s.delete_post(p.id, bob).await.unwrap());
    let same = s.post(p.id).await.unwrap().unwrap();
    assert_eq!(
        (same.body.as_str(), same.edited_at, same.hashtags.len()),
        (np.body.as_str(), None, 2)
    );
    // The author's edit replaces hashtags and mentions.
    let e = s.update_post(p.id, ann, &edit).await.unwrap().unwrap();
    assert_eq!(
        (e.body.as_str(), e.visibility, e.edited_at, e.created_at),
        ("Edited", PostVisibility::Connections, Some(T0 + 10), T0)
    );
    assert_eq!((e.hashtags, e.images), (vec!["go".to_string()], vec![]));
    let go = format!(
        "SELECT COUNT(*) FROM post_hashtags WHERE post_id = {} AND tag = 'go'",
        p.id
    );
    assert_eq!(
        (
            count(s, &tags).await,
            count(s, &go).await,
            count(s, &mentions).await
        ),
        (1, 1, 1)
    );
    let rows = s.all_indexed_posts().await.unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(
        (
            rows[0].id,
            rows[0].visibility,
            rows[0].is_repost,
            &rows[0].hashtags
        ),
        (
            p.id,
            PostVisibility::Connections,
            false,
            &vec!["go".to_string()]
        )
    );

    // An article keeps its title and cover.
    let mut na = new_post(bob, T0 + 20);
    na.kind = PostKind::Article;
    na.title = Some("On keysets".into());
    na.cover = Some("cover1".into());
    let a = s.create_post(&na).await.unwrap();
    let a = s.post(a.id).await.unwrap().unwrap();
    assert_eq!(
        (a.kind, a.title.as_deref(), a.cover.as_deref()),
        (PostKind::Article, Some("On keysets"), Some("cover1"))
    );

    // Deleting takes its comments, reactions, impressions, tags and notifications along.
    let c = s
        .create_comment(&new_comment(p.id, None, bob, T0 + 30))
        .await
        .unwrap();
    s.set_comment_reaction(c.id, ann, ReactionKind::Like, T0 + 31)
        .await
        .unwrap();
    s.set_reaction(p.id, bob, ReactionKind::Like, T0 + 32)
        .await
        .unwrap();
    seen_by(s, bob, &[p.id], 1, T0 + 33).await.unwrap();
    let key = format!("reaction:{}", p.id);
    s.notify(&[note(
        ann,
        NotificationKind::Reaction,
        bob,
        Some(p.id),
        &key,
        T0 + 32,
    )])
    .await
    .unwrap();
    assert!(s.delete_post(p.id, ann).await.unwrap());
    assert!(s.post(p.id).await.unwrap().is_none());
    assert!(!s.delete_post(p.id, ann).await.unwrap(), "already gone");
    assert!(s.comment(c.id).await.unwrap().is_none());
    for table in [
        "post_hashtags",
        "post_mentions",
        "reactions",
        "comments",
        "comment_reactions",
        "post_impressions",
        "notifications",
    ] {
        assert_eq!(
            count(s, &format!("SELECT COUNT(*) FROM {table}")).await,
            0,
            "{table}"
        );
    }
    assert_eq!(
        s.all_indexed_posts().await.unwrap().len(),
        1,
        "the article stays"
    );
}

#[tokio::test]
async fn reposts_count_on_the_original_and_outlive_it() {
    let app = TestApp::new().await;
    let s = &app.store;
    let m = members(s, &["ann", "bob", "cyd"]).await;
    let (ann, bob, cyd) = (m[0], m[1], m[2]);
    let orig = s.create_post(&new_post(ann, T0)).await.unwrap();
    let mut r = new_post(bob, T0 + 10);
    r.repost_of = Some(orig.id);
    let by_bob = s.create_post(&r).await.unwrap();
    assert_eq!(by_bob.repost_of, Some(orig.id));
    r.author_id = cyd;
    r.created_at = T0 + 20;
    let by_cyd = s.create_post(&r).await.unwrap();
    assert_eq!(s.post(orig.id).await.unwrap().unwrap().counts.reposts, 2);
    let reposted: Vec<(i64, i64)> = s
        .activity_since(T0)
        .await
        .unwrap()
        .into_iter()
        .filter(|a| a.kind == ActivityKind::Reposted)
        .map(|a| (a.post_id, a.actor_id))
        .collect();
    assert_eq!(reposted, vec![(orig.id, bob), (orig.id, cyd)]);
    // Deleting a repost takes one from its original.
    assert!(s.delete_post(by_cyd.id, cyd).await.unwrap());
    assert_eq!(s.post(orig.id).await.unwrap().unwrap().counts.reposts, 1);
    // Deleting the original leaves the repost, marked.
    assert!(s.delete_post(orig.id, ann).await.unwrap());
    let left = s.post(by_bob.id).await.unwrap().unwrap();
    assert_eq!((left.repost_of, left.repost_deleted), (None, true));
    let rows = s.all_indexed_posts().await.unwrap();
    assert_eq!(rows.len(), 1);
    assert!(rows[0].is_repost);
    assert!(s
        .activity_since(0)
        .await
        .unwrap()
        .iter()
        .all(|a| a.kind != ActivityKind::Reposted));
    // A repost of a post that does not exist is "not found".
    r.repost_of = Some(orig.id);
    assert!(matches!(s.create_post(&r).await, Err(StoreError::NotFound)));
}

#[tokio::test]
async fn posts_by_author_page_newest_first_and_hide_connections_only_posts() {
    let app = TestApp::new().await;
    let s = &app.store;
    let m = members(s, &["ann", "bob"]).await;
    let (ann, bob) = (m[0], m[1]);
    let mut ids = Vec::new();
    // Two pairs share a time: the id breaks the tie.
    for (i, at) in [T0, T0 + 5, T0 + 5, T0 + 9, T0 + 9, T0 + 12]
        .into_iter()
        .enumerate()
    {
        let mut p = new_post(ann, at);
        if i == 2 {
            p.visibility = PostVisibility::Connections;
        }
        ids.push((at, s.create_post(&p).await.unwrap().id));
    }
    s.create_post(&new_post(bob, T0 + 7)).await.unwrap();
    let mut expected = ids.clone();
    expected.sort_unstable_by(|a, b| b.cmp(a));
    let mut seen = Vec::new();
    let mut before = None;
    loop {
        let page = s.posts_by_author(ann, true, before, 2).await.unwrap();
        if page.is_empty() {
            break;
        }
        assert!(page.len() <= 2);
        before = page.last().map(|p| (p.created_at, p.id));
        seen.extend(page.iter().map(|p| (p.created_at, p.id)));
    }
    assert_eq!(seen, expected);
    let public = s.posts_by_author(ann, false, None, 10).await.unwrap();
    assert_eq!(public.len(), 5);
    assert!(public
        .iter()
        .all(|p| p.visibility == PostVisibility::Anyone && p.author_id == ann));
    let after_first = s
        .posts_by_author(ann, false, Some(expected[0]), 10)
        .await
        .unwrap();
    assert_eq!(after_first.len(), 4);
}

#[tokio::test]
async fn reactions_count_new_ones_and_return_the_previous_kind() {
    let app = TestApp::new().await;
    let s = &app.store;
    let m = members(s, &["ann", "bob", "cyd"]).await;
    let (ann, bob, cyd) = (m[0], m[1], m[2]);
    let p = s.create_post(&new_post(ann, T0)).await.unwrap();
    let other = s.create_post(&new_post(ann, T0 + 1)).await.unwrap();
    let reactions = |id| async move { s.post(id).await.unwrap().unwrap().counts.reactions };
    assert_eq!(
        s.set_reaction(p.id, bob, ReactionKind::Like, T0 + 10)
            .await
            .unwrap(),
        None
    );
    assert_eq!(reactions(p.id).await, 1);
    assert_eq!(
        s.set_reaction(p.id, bob, ReactionKind::Celebrate, T0 + 11)
            .await
            .unwrap(),
        Some(ReactionKind::Like),
        "a change of kind"
    );
    assert_eq!(reactions(p.id).await, 1, "a change counts nothing");
    assert_eq!(
        s.set_reaction(p.id, bob, ReactionKind::Celebrate, T0 + 12)
            .await
            .unwrap(),
        Some(ReactionKind::Celebrate)
    );
    assert_eq!(
        s.set_reaction(p.id, cyd, ReactionKind::Like, T0 + 20)
            .await
            .unwrap(),
        None
    );
    assert_eq!(reactions(p.id).await, 2);
    let mut by_kind = s.reaction_counts(p.id).await.unwrap();
    by_kind.sort();
    assert_eq!(
        by_kind,
        vec![(ReactionKind::Like, 1), (ReactionKind::Celebrate, 1)]
    );
    let mut tallies = s
        .reaction_counts_for(&[p.id, other.id], Some(bob))
        .await
        .unwrap();
    tallies.sort_by_key(|t| t.kind.as_str());
    let tally = |kind, count, mine| ReactionTally {
        post: p.id,
        kind,
        count,
        mine,
    };
    assert_eq!(
        tallies,
        vec![
            tally(ReactionKind::Celebrate, 1, true),
            tally(ReactionKind::Like, 1, false)
        ],
        "bob's own is the celebration"
    );
    assert!(s
        .reaction_counts_for(&[p.id], None)
        .await
        .unwrap()
        .iter()
        .all(|t| !t.mine));
    assert!(s
        .reaction_counts_for(&[], Some(bob))
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        s.reactors(p.id, 10).await.unwrap(),
        vec![(cyd, ReactionKind::Like), (bob, ReactionKind::Celebrate)],
        "newest first"
    );
    assert_eq!(s.reactors(p.id, 1).await.unwrap().len(), 1);
    let reacted: Vec<i64> = s
        .activity_since(T0 + 15)
        .await
        .unwrap()
        .into_iter()
        .filter(|a| a.kind == ActivityKind::Reacted)
        .map(|a| a.actor_id)
        .collect();
    assert_eq!(reacted, vec![cyd]);
    assert!(s.remove_reaction(p.id, bob).await.unwrap());
    assert_eq!(reactions(p.id).await, 1);
    assert!(!s.remove_reaction(p.id, bob).await.unwrap());
    assert_eq!(reactions(p.id).await, 1);
    assert_eq!(
        s.reaction_counts(p.id).await.unwrap(),
        vec![(ReactionKind::Like, 1)]
    );
    // Reacting to a post that does not exist is "not found".
    assert!(matches!(
        s.set_reaction(p.id + 1_000, bob, ReactionKind::Like, T0)
            .await,
        Err(StoreError::NotFound)
    ));
}

/// Ann's two posts, and bob and cyd to see them: (bob, cyd, post 1, post 2).
async fn two_posts_three_members(s: &SqlStore) -> (i64, i64, PostId, PostId) {
    let m = members(s, &["ann", "bob", "cyd"]).await;
    let p1 = s.create_post(&new_post(m[0], T0)).await.unwrap().id;
    let p2 = s.create_post(&new_post(m[0], T0 + 1)).await.unwrap().id;
    (m[1], m[2], p1, p2)
}

#[tokio::test]
async fn impressions_count_once_per_viewer_per_post_per_day() {
    let app = TestApp::new().await;
    let s = &app.store;
    let (bob, cyd, p1, p2) = two_posts_three_members(s).await;
    let impressions = |id| async move { s.post(id).await.unwrap().unwrap().counts.impressions };
    let mut first = seen_by(s, bob, &[p1, p2], 100, T0 + 10).await.unwrap();
    first.sort_unstable();
    assert_eq!(first, vec![p1, p2]);
    assert!(seen_by(s, bob, &[p1], 100, T0 + 11)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(impressions(p1).await, 1);
    assert_eq!(
        seen_by(s, bob, &[p1], 101, T0 + DAY).await.unwrap(),
        vec![p1],
        "the next day counts again"
    );
    assert_eq!(
        seen_by(s, cyd, &[p1, p1 + 1_000], 101, T0 + DAY + 1)
            .await
            .unwrap(),
        vec![p1],
        "a missing post is skipped"
    );
    assert!(seen_by(s, cyd, &[], 101, T0).await.unwrap().is_empty());
    assert_eq!((impressions(p1).await, impressions(p2).await), (3, 1));
    assert_eq!(s.unique_viewers(p1).await.unwrap(), 2);
    assert_eq!(s.unique_viewers(p2).await.unwrap(), 1);
    let mut recent = s.impressions_since(101).await.unwrap();
    recent.sort_unstable();
    let mut want = vec![(bob, p1, T0 + DAY), (cyd, p1, T0 + DAY + 1)];
    want.sort_unstable();
    assert_eq!(recent, want);
    assert_eq!(s.impressions_since(100).await.unwrap().len(), 4);
}

/// Two nodes write batches that share posts, each listing them in its own order: every
/// batch lands (none deadlocks with another) and each post counts each viewer once.
#[tokio::test]
async fn batches_of_impressions_from_two_nodes_at_once_all_land() {
    let app = TestApp::new().await;
    let s = &app.store;
    let other = SqlStore::connect(&app.database_url).await.unwrap();
    let viewers = members(s, &["ann", "bob", "cyd", "dan", "eve", "fay"]).await;
    let mut posts = Vec::new();
    for k in 0..40 {
        posts.push(
            s.create_post(&new_post(viewers[0], T0 + k))
                .await
                .unwrap()
                .id,
        );
    }
    // Each batch lists the posts in an order of its own, and posts differ in how many new
    // viewers they get (so each post's count rises by its own step).
    let mut batches = Vec::new();
    for round in 0..64usize {
        let mut order = posts.clone();
        order.rotate_left(round % posts.len());
        if round % 3 == 0 {
            order.reverse();
        }
        let mut batch = Vec::new();
        for (j, &post) in order.iter().enumerate() {
            for k in 0..1 + (j + round) % 4 {
                batch.push(Impression {
                    post,
                    viewer: viewers[(round * 7 + j + k) % viewers.len()],
                    day: 9,
                    at: T0,
                });
            }
        }
        batches.push(batch);
    }
    let mut want: std::collections::HashMap<i64, std::collections::HashSet<i64>> =
        Default::default();
    for i in batches.iter().flatten() {
        want.entry(i.post).or_default().insert(i.viewer);
    }
    let mut tasks = Vec::new();
    for (round, batch) in batches.into_iter().enumerate() {
        let store = if round % 2 == 0 {
            s.clone()
        } else {
            other.clone()
        };
        tasks.push(tokio::spawn(async move {
            store.record_impressions(&batch).await
        }));
    }
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    for p in posts {
        let n = s.post(p).await.unwrap().unwrap().counts.impressions;
        assert_eq!(n, want[&p].len() as i64, "post {p}: each viewer once");
    }
}

#[tokio::test]
async fn a_batch_of_impressions_counts_each_viewer_once_and_skips_what_is_gone() {
    let app = TestApp::new().await;
    let s = &app.store;
    let (bob, cyd, p1, p2) = two_posts_three_members(s).await;
    let saw = |post, viewer, at| Impression {
        post,
        viewer,
        day: 5,
        at,
    };
    let batch = [
        saw(p1, bob, T0 + 10),
        saw(p1, cyd, T0 + 11),
        saw(p1, bob, T0 + 12),
        saw(p2, cyd, T0 + 13),
        saw(p1 + 1_000, bob, T0 + 14),
        saw(p2, cyd + 1_000, T0 + 15),
    ];
    let mut counted = s.record_impressions(&batch).await.unwrap();
    counted.sort_by_key(|i| (i.post, i.viewer));
    assert_eq!(
        counted,
        vec![
            saw(p1, bob, T0 + 10),
            saw(p1, cyd, T0 + 11),
            saw(p2, cyd, T0 + 13)
        ],
        "once per viewer, post and day; missing posts and viewers skipped"
    );
    let counts = |id| async move { s.post(id).await.unwrap().unwrap().counts.impressions };
    assert_eq!((counts(p1).await, counts(p2).await), (2, 1));
    assert!(s.record_impressions(&batch).await.unwrap().is_empty());
    assert_eq!((counts(p1).await, counts(p2).await), (2, 1));
}

#[tokio::test]
async fn hashtags_are_followed_and_unfollowed_once() {
    let app = TestApp::new().await;
    let s = &app.store;
    let m = members(s, &["ann", "bob"]).await;
    assert!(s.follow_hashtag(m[0], "rust", true, T0).await.unwrap());
    assert!(!s.follow_hashtag(m[0], "rust", true, T0).await.unwrap());
    assert!(s.follow_hashtag(m[0], "go", true, T0).await.unwrap());
    assert_eq!(s.followed_hashtags(m[0]).await.unwrap(), vec!["go", "rust"]);
    assert!(s.followed_hashtags(m[1]).await.unwrap().is_empty());
    assert!(s.follow_hashtag(m[0], "rust", false, T0).await.unwrap());
    assert!(!s.follow_hashtag(m[0], "rust", false, T0).await.unwrap());
    assert_eq!(s.followed_hashtags(m[0]).await.unwrap(), vec!["go"]);
}

#[tokio::test]
async fn counters_stay_exact_under_concurrent_writes() {
    let app = TestApp::new().await;
    let s = &app.store;
    let handles: Vec<String> = (0..8).map(|i| format!("member-{i}")).collect();
    let refs: Vec<&str> = handles.iter().map(String::as_str).collect();
    let m = members(s, &refs).await;
    let p = s.create_post(&new_post(m[0], T0)).await.unwrap().id;
    let mut tasks = Vec::new();
    for &who in &m {
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            s.set_reaction(p, who, ReactionKind::Like, T0 + 1)
                .await
                .unwrap();
            s.set_reaction(p, who, ReactionKind::Support, T0 + 2)
                .await
                .unwrap();
            seen_by(&s, who, &[p], 7, T0 + 3).await.unwrap();
            s.create_comment(&new_comment(p, None, who, T0 + 4))
                .await
                .unwrap();
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let c = s.post(p).await.unwrap().unwrap().counts;
    assert_eq!((c.reactions, c.impressions, c.comments), (8, 8, 8));
    assert_eq!(
        s.reaction_counts(p).await.unwrap(),
        vec![(ReactionKind::Support, 8)]
    );
}
