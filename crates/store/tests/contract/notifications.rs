//! The notification store contract: aggregation, paging, network updates, settings, feed
//! preferences and digests (moved out of `feed.rs`, whose helpers they share).

use super::feed::{connect, members, new_post, note, DAY, T0};
use super::new_member;
use guild_core::accounts::store::AccountStore;
use guild_core::feed::model::*;
use guild_core::feed::store::{FeedStore, NotificationStore};
use guild_core::network::store::InvitationStore;
use guild_core::store::StoreError;
use guild_testkit::TestApp;

#[tokio::test]
async fn notifications_aggregate_reactions_and_ignore_repeated_keys() {
    let app = TestApp::new().await;
    let s = &app.store;
    let m = members(s, &["ann", "bob", "cyd"]).await;
    let (ann, bob, cyd) = (m[0], m[1], m[2]);
    let all = NotificationKind::ALL;
    let p = s.create_post(&new_post(ann, T0)).await.unwrap().id;
    let key = format!("reaction:{p}");
    let first = s
        .notify(&[note(
            ann,
            NotificationKind::Reaction,
            bob,
            Some(p),
            &key,
            T0 + 10,
        )])
        .await
        .unwrap();
    assert_eq!(first.len(), 1);
    let n = &first[0];
    assert_eq!(
        (
            n.member_id,
            n.kind,
            n.actor_id,
            n.count,
            n.post_id,
            n.read_at
        ),
        (ann, NotificationKind::Reaction, bob, 1, Some(p), None)
    );
    assert_eq!(s.unread_count(ann, &all).await.unwrap(), 1);
    assert_eq!(s.mark_read(ann, None, T0 + 15).await.unwrap(), 1);
    assert_eq!(s.unread_count(ann, &all).await.unwrap(), 0);
    // Another reaction: the same row, counted, by the latest actor, moved up, unread again.
    let second = s
        .notify(&[note(
            ann,
            NotificationKind::Reaction,
            cyd,
            Some(p),
            &key,
            T0 + 20,
        )])
        .await
        .unwrap();
    assert_eq!(second.len(), 1);
    let n2 = &second[0];
    assert_eq!(
        (n2.id, n2.count, n2.actor_id, n2.created_at, n2.read_at),
        (n.id, 2, cyd, T0 + 20, None)
    );
    assert_eq!(s.unread_count(ann, &all).await.unwrap(), 1);
    let listed = s.notifications(ann, &all, None, 10).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!((listed[0].count, listed[0].actor_id), (2, cyd));

    // The same mention twice stays one (and the repeat is not returned to push again).
    let mkey = format!("mention:{p}");
    let mention = note(cyd, NotificationKind::Mention, ann, Some(p), &mkey, T0 + 30);
    assert_eq!(
        s.notify(std::slice::from_ref(&mention))
            .await
            .unwrap()
            .len(),
        1
    );
    let mut again = mention.clone();
    again.created_at = T0 + 40;
    assert!(s.notify(&[again]).await.unwrap().is_empty());
    let cyds = s.notifications(cyd, &all, None, 10).await.unwrap();
    assert_eq!(
        (cyds.len(), cyds[0].created_at, cyds[0].count),
        (1, T0 + 30, 1)
    );
    // The same key for another member is another notification; several in one call.
    let both = s
        .notify(&[
            note(bob, NotificationKind::Mention, ann, Some(p), &mkey, T0 + 50),
            note(
                ann,
                NotificationKind::Comment,
                bob,
                Some(p),
                "comment:x",
                T0 + 51,
            ),
        ])
        .await
        .unwrap();
    assert_eq!(
        both.iter().map(|n| n.member_id).collect::<Vec<_>>(),
        vec![bob, ann]
    );
    assert!(s.notify(&[]).await.unwrap().is_empty());

    // Marking another member's ids read changes nothing.
    assert_eq!(s.mark_read(bob, Some(&[n.id]), T0 + 60).await.unwrap(), 0);
    assert_eq!(s.unread_count(ann, &all).await.unwrap(), 2);
    assert_eq!(s.mark_read(ann, Some(&[]), T0 + 60).await.unwrap(), 0);
    // Counting and listing by kind.
    assert_eq!(
        s.unread_count(ann, &[NotificationKind::Reaction])
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        s.unread_count(ann, &[NotificationKind::Mention])
            .await
            .unwrap(),
        0
    );
    assert_eq!(s.unread_count(ann, &[]).await.unwrap(), 0);
    assert!(s
        .notifications(ann, &[NotificationKind::Mention], None, 10)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        s.mark_read(ann, Some(&[n.id]), T0 + 61).await.unwrap(),
        1,
        "its own id"
    );
    assert_eq!(
        s.unread_count(ann, &[NotificationKind::Reaction])
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        s.mark_read(ann, Some(&[n.id]), T0 + 62).await.unwrap(),
        0,
        "already read"
    );
    let read = s
        .notifications(ann, &[NotificationKind::Reaction], None, 10)
        .await
        .unwrap();
    assert_eq!(read[0].read_at, Some(T0 + 61));
}

#[tokio::test]
async fn notifications_page_newest_first_and_catch_up_by_id() {
    let app = TestApp::new().await;
    let s = &app.store;
    let m = members(s, &["ann", "bob"]).await;
    let (ann, bob) = (m[0], m[1]);
    let all = NotificationKind::ALL;
    let p = s.create_post(&new_post(ann, T0)).await.unwrap().id;
    let inv = s.create_invitation(bob, ann, None, T0).await.unwrap();
    let mut written = Vec::new();
    // Ties on time are broken by id.
    for (i, at) in [T0 + 1, T0 + 3, T0 + 3, T0 + 2, T0 + 5, T0 + 5, T0 + 4]
        .into_iter()
        .enumerate()
    {
        let kind = if i == 0 {
            NotificationKind::InvitationReceived
        } else {
            NotificationKind::Comment
        };
        let mut n = note(ann, kind, bob, Some(p), &format!("comment:{i}"), at);
        if i == 0 {
            (n.post_id, n.invitation_id) = (None, Some(inv.id));
        }
        let row = s.notify(&[n]).await.unwrap().pop().unwrap();
        written.push((row.created_at, row.id));
    }
    // Bob's own notifications stay out of ann's lists.
    s.notify(&[note(
        bob,
        NotificationKind::Comment,
        ann,
        Some(p),
        "comment:0",
        T0 + 4,
    )])
    .await
    .unwrap();
    let first = s.notifications(ann, &all, None, 10).await.unwrap();
    let mut expected = written.clone();
    expected.sort_unstable_by(|a, b| b.cmp(a));
    assert_eq!(
        first
            .iter()
            .map(|n| (n.created_at, n.id))
            .collect::<Vec<_>>(),
        expected
    );
    let oldest = first.last().unwrap();
    assert_eq!(
        (oldest.kind, oldest.invitation_id, oldest.post_id),
        (NotificationKind::InvitationReceived, Some(inv.id), None)
    );
    let mut seen = Vec::new();
    let mut before = None;
    loop {
        let page = s.notifications(ann, &all, before, 3).await.unwrap();
        if page.is_empty() {
            break;
        }
        before = page.last().map(|n| (n.created_at, n.id));
        seen.extend(page.iter().map(|n| (n.created_at, n.id)));
    }
    assert_eq!(seen, expected);
    // Catch-up after an id: oldest first, of these kinds.
    let ids: Vec<i64> = written.iter().map(|w| w.1).collect();
    let after: Vec<i64> = s
        .notifications_after(ann, &all, ids[2], 3)
        .await
        .unwrap()
        .iter()
        .map(|n| n.id)
        .collect();
    assert_eq!(after, ids[3..6].to_vec());
    let comments_only = s
        .notifications_after(ann, &[NotificationKind::Comment], 0, 100)
        .await
        .unwrap();
    assert_eq!(comments_only.len(), 6);
    assert_eq!(comments_only[0].id, ids[1]);
    // Unread since a time, newest first; read ones are left out.
    s.mark_read(ann, Some(&[ids[4]]), T0 + 10).await.unwrap();
    let due: Vec<(i64, i64)> = s
        .unread_since(ann, &all, T0 + 3, 10)
        .await
        .unwrap()
        .iter()
        .map(|n| (n.created_at, n.id))
        .collect();
    assert_eq!(
        due,
        vec![
            (T0 + 5, ids[5]),
            (T0 + 4, ids[6]),
            (T0 + 3, ids[2]),
            (T0 + 3, ids[1])
        ]
    );
    assert_eq!(s.unread_since(ann, &all, T0, 2).await.unwrap().len(), 2);
    assert!(s
        .unread_since(ann, &[NotificationKind::Mention], T0, 10)
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn network_updates_go_to_every_connection_once() {
    let app = TestApp::new().await;
    let s = &app.store;
    let m = members(s, &["meg", "amy", "bea", "kim"]).await;
    let (me, amy, bea, kim) = (m[0], m[1], m[2], m[3]);
    connect(s, me, amy).await;
    connect(s, bea, me).await;
    connect(s, amy, kim).await;
    let mut np = new_post(me, T0 + 100);
    np.kind = PostKind::Update;
    let p = s.create_post(&np).await.unwrap().id;
    let template = NewNotification {
        member_id: 0,
        kind: NotificationKind::NewPosition,
        actor_id: me,
        post_id: Some(p),
        comment_id: None,
        invitation_id: None,
        group_key: format!("update:{p}"),
        created_at: T0 + 100,
    };
    assert_eq!(s.notify_connections(me, &template).await.unwrap(), 2);
    assert_eq!(
        s.notify_connections(me, &template).await.unwrap(),
        0,
        "once"
    );
    for who in [amy, bea] {
        let got = s
            .notifications(who, &NotificationKind::ALL, None, 10)
            .await
            .unwrap();
        assert_eq!(got.len(), 1);
        assert_eq!(
            (got[0].kind, got[0].actor_id, got[0].post_id, got[0].count),
            (NotificationKind::NewPosition, me, Some(p), 1)
        );
    }
    for who in [me, kim] {
        assert_eq!(
            s.unread_count(who, &NotificationKind::ALL).await.unwrap(),
            0
        );
    }
    // Deleting the update takes its notifications along.
    assert!(s.delete_post(p, me).await.unwrap());
    assert_eq!(
        s.unread_count(amy, &NotificationKind::ALL).await.unwrap(),
        0
    );
}

#[tokio::test]
async fn notification_settings_keep_only_what_changed() {
    let app = TestApp::new().await;
    let s = &app.store;
    let m = members(s, &["ann", "bob"]).await;
    assert!(s.notification_settings(m[0]).await.unwrap().is_empty());
    let set = |kind, in_app, email| NotificationSetting {
        kind,
        in_app,
        email,
    };
    s.set_notification_setting(m[0], set(NotificationKind::Mention, false, true))
        .await
        .unwrap();
    s.set_notification_setting(m[0], set(NotificationKind::Reaction, true, false))
        .await
        .unwrap();
    s.set_notification_setting(m[0], set(NotificationKind::Mention, true, false))
        .await
        .unwrap();
    let mut got = s.notification_settings(m[0]).await.unwrap();
    got.sort_by_key(|x| x.kind.as_str());
    assert_eq!(
        got,
        vec![
            set(NotificationKind::Mention, true, false),
            set(NotificationKind::Reaction, true, false)
        ]
    );
    assert!(s.notification_settings(m[1]).await.unwrap().is_empty());
}

#[tokio::test]
async fn feed_prefs_default_and_change() {
    let app = TestApp::new().await;
    let s = &app.store;
    let m = members(s, &["ann", "bob"]).await;
    assert_eq!(
        s.feed_prefs(m[0]).await.unwrap(),
        FeedPrefs {
            sort: FeedSort::Relevant,
            digest: Digest::Weekly,
            digest_sent_at: T0,
        },
        "never sent: the account's creation counts"
    );
    s.set_feed_sort(m[0], FeedSort::Recent).await.unwrap();
    s.set_digest(m[0], Digest::Off).await.unwrap();
    s.mark_digest_sent(m[0], T0 + 5).await.unwrap();
    assert_eq!(
        s.feed_prefs(m[0]).await.unwrap(),
        FeedPrefs {
            sort: FeedSort::Recent,
            digest: Digest::Off,
            digest_sent_at: T0 + 5,
        }
    );
    assert_eq!(
        s.feed_prefs(m[1]).await.unwrap().sort,
        FeedSort::Relevant,
        "only ann's"
    );
    assert!(matches!(
        s.feed_prefs(m[1] + 1_000).await,
        Err(StoreError::NotFound)
    ));
}

#[tokio::test]
async fn digests_fall_due_a_period_after_the_last_one() {
    let app = TestApp::new().await;
    let s = &app.store;
    let m = members(s, &["ann", "bob", "cyd", "eve"]).await;
    let (ann, bob, cyd, eve) = (m[0], m[1], m[2], m[3]);
    let mut inactive = new_member("dan");
    inactive.active = false;
    s.create_member(&inactive, None).await.unwrap();
    s.set_digest(bob, Digest::Daily).await.unwrap();
    s.set_digest(cyd, Digest::Off).await.unwrap();
    s.mark_digest_sent(eve, T0 + 6 * DAY).await.unwrap();
    let due = |now| async move {
        let mut d = s.digests_due(now, 100).await.unwrap();
        d.sort_unstable_by_key(|x| x.0);
        d
    };
    assert!(due(T0 + DAY - 1).await.is_empty());
    assert_eq!(due(T0 + DAY).await, vec![(bob, Digest::Daily)]);
    assert_eq!(
        due(T0 + 7 * DAY).await,
        vec![(ann, Digest::Weekly), (bob, Digest::Daily)]
    );
    s.mark_digest_sent(bob, T0 + 7 * DAY).await.unwrap();
    s.mark_digest_sent(ann, T0 + 7 * DAY).await.unwrap();
    assert!(due(T0 + 8 * DAY - 1).await.is_empty());
    assert_eq!(due(T0 + 8 * DAY).await, vec![(bob, Digest::Daily)]);
    assert_eq!(
        due(T0 + 13 * DAY).await,
        vec![(bob, Digest::Daily), (eve, Digest::Weekly)]
    );
    assert_eq!(s.digests_due(T0 + 14 * DAY, 1).await.unwrap().len(), 1);
}
