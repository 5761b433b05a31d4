//! The comment store contract (moved out of `feed.rs`, whose helpers it shares).

use super::feed::{count, members, new_comment, new_post, note, T0};
use guild_core::feed::model::*;
use guild_core::feed::store::{FeedStore, NotificationStore};
use guild_core::store::StoreError;
use guild_testkit::TestApp;

#[tokio::test]
async fn comments_are_changed_by_their_author_and_deleted_by_the_post_author_too() {
    let app = TestApp::new().await;
    let s = &app.store;
    let m = members(s, &["ann", "bob", "cyd"]).await;
    let (ann, bob, cyd) = (m[0], m[1], m[2]);
    let p = s.create_post(&new_post(ann, T0)).await.unwrap();
    let comments = |id| async move { s.post(id).await.unwrap().unwrap().counts.comments };
    let mut nc = new_comment(p.id, None, bob, T0 + 1);
    nc.mentions = vec![cyd];
    let c1 = s.create_comment(&nc).await.unwrap();
    let r1 = s
        .create_comment(&new_comment(p.id, Some(c1.id), cyd, T0 + 2))
        .await
        .unwrap();
    let r2 = s
        .create_comment(&new_comment(p.id, Some(c1.id), ann, T0 + 3))
        .await
        .unwrap();
    let c2 = s
        .create_comment(&new_comment(p.id, None, cyd, T0 + 4))
        .await
        .unwrap();
    assert_eq!(comments(p.id).await, 4);
    assert_eq!(
        count(
            s,
            &format!(
                "SELECT COUNT(*) FROM comment_mentions WHERE comment_id = {}",
                c1.id
            )
        )
        .await,
        1
    );
    let read = s.comment(r1.id).await.unwrap().unwrap();
    assert_eq!(
        (read.post_id, read.parent_id, read.author_id, read.reactions),
        (p.id, Some(c1.id), cyd, 0)
    );
    // Oldest first, keyset by id.
    let all: Vec<i64> = s
        .comments(p.id, None, 10)
        .await
        .unwrap()
        .iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(all, vec![c1.id, r1.id, r2.id, c2.id]);
    let page: Vec<i64> = s
        .comments(p.id, Some(r1.id), 2)
        .await
        .unwrap()
        .iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(page, vec![r2.id, c2.id]);

    // Only the comment's author edits it.
    assert!(s
        .update_comment(c1.id, ann, "Hijack", "<p>Hijack</p>", T0 + 5)
        .await
        .unwrap()
        .is_none());
    let e = s
        .update_comment(c1.id, bob, "Better", "<p>Better</p>", T0 + 6)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (e.body.as_str(), e.edited_at, e.created_at),
        ("Better", Some(T0 + 6), T0 + 1)
    );

    // Comment reactions: same rules as on posts.
    assert_eq!(
        s.set_comment_reaction(c1.id, cyd, ReactionKind::Like, T0 + 7)
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        s.set_comment_reaction(c1.id, cyd, ReactionKind::Insightful, T0 + 8)
            .await
            .unwrap(),
        Some(ReactionKind::Like)
    );
    assert_eq!(s.comment(c1.id).await.unwrap().unwrap().reactions, 1);
    assert_eq!(
        s.my_comment_reactions(cyd, &[c1.id, c2.id]).await.unwrap(),
        vec![(c1.id, ReactionKind::Insightful)]
    );
    assert!(s.remove_comment_reaction(c1.id, cyd).await.unwrap());
    assert!(!s.remove_comment_reaction(c1.id, cyd).await.unwrap());
    assert_eq!(s.comment(c1.id).await.unwrap().unwrap().reactions, 0);

    // Bob wrote neither c2 nor the post.
    assert!(!s.delete_comment(c2.id, bob).await.unwrap());
    assert!(s.comment(c2.id).await.unwrap().is_some());
    assert_eq!(comments(p.id).await, 4);
    // A notification about a comment goes with it.
    let mut n = note(
        cyd,
        NotificationKind::Reply,
        bob,
        Some(p.id),
        &format!("comment:{}", c1.id),
        T0 + 1,
    );
    n.comment_id = Some(c1.id);
    assert_eq!(s.notify(&[n]).await.unwrap().len(), 1);
    // The post's author deletes bob's comment: its two replies go with it.
    assert!(s.delete_comment(c1.id, ann).await.unwrap());
    for id in [c1.id, r1.id, r2.id] {
        assert!(s.comment(id).await.unwrap().is_none());
    }
    assert_eq!(comments(p.id).await, 1);
    assert_eq!(
        s.unread_count(cyd, &NotificationKind::ALL).await.unwrap(),
        0
    );
    assert!(!s.delete_comment(c1.id, ann).await.unwrap(), "already gone");
    // Its author deletes their own.
    assert!(s.delete_comment(c2.id, cyd).await.unwrap());
    assert_eq!(comments(p.id).await, 0);
    let commented = s
        .activity_since(T0)
        .await
        .unwrap()
        .iter()
        .filter(|a| a.kind == ActivityKind::Commented)
        .count();
    assert_eq!(commented, 0);
    // A comment on a post that does not exist is "not found".
    assert!(matches!(
        s.create_comment(&new_comment(p.id + 1_000, None, bob, T0))
            .await,
        Err(StoreError::NotFound)
    ));
}
