//! The network tables on both backends: invitations and their states, the open-pair rule,
//! accepting (connection and follows both ways in one transaction), blocks severing
//! everything, lists in keyset order, and the lookups the importer and suggestions use.

use guild_core::accounts::store::AccountStore;
use guild_core::network::model::*;
use guild_core::network::store::{InvitationStore, NetworkStore};
use guild_core::profiles::store::ProfileStore;
use guild_core::store::{Store, StoreError};
use guild_testkit::TestApp;

use super::{new_member, pos};

async fn three(s: &dyn Store) -> (i64, i64, i64) {
    let a = s.create_member(&new_member("ann"), None).await.unwrap().id;
    let b = s.create_member(&new_member("bob"), None).await.unwrap().id;
    let c = s.create_member(&new_member("cyd"), None).await.unwrap().id;
    (a, b, c)
}

#[tokio::test]
async fn one_open_invitation_per_pair_and_only_the_recipient_answers() {
    let app = TestApp::new().await;
    let s = &app.store;
    let (a, b, c) = three(s).await;
    let inv = s.create_invitation(a, b, Some("hi"), 1_000).await.unwrap();
    assert_eq!(inv.state, InvitationState::Pending);
    assert!(matches!(
        s.create_invitation(a, b, None, 2_000).await,
        Err(StoreError::Conflict("invitation"))
    ));
    // The reverse direction is another pair.
    s.create_invitation(b, a, None, 2_000).await.unwrap();
    // Someone else cannot answer, accept or withdraw it.
    assert!(s
        .answer_invitation(inv.id, c, InvitationState::Ignored, 3_000)
        .await
        .unwrap()
        .is_none());
    assert!(s
        .accept_invitation(inv.id, c, 3_000)
        .await
        .unwrap()
        .is_none());
    assert!(s
        .withdraw_invitation(inv.id, b, 3_000)
        .await
        .unwrap()
        .is_none());
    // Ignored stays open for its sender (listed in sent, not in received).
    let ig = s
        .answer_invitation(inv.id, b, InvitationState::Ignored, 3_000)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (ig.state, ig.ignored_at),
        (InvitationState::Ignored, Some(3_000))
    );
    let q = |member, box_| InvitationQuery {
        member,
        box_,
        expired_before: 0,
        before: None,
        limit: 10,
    };
    assert_eq!(
        s.list_invitations(&q(a, InvitationBox::Sent))
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(s
        .list_invitations(&q(b, InvitationBox::Received))
        .await
        .unwrap()
        .iter()
        .all(|i| i.from != a));
    let w = s
        .withdraw_invitation(inv.id, a, 4_000)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (w.state, w.ignored_at, w.withdrawn_at),
        (InvitationState::Withdrawn, Some(3_000), Some(4_000))
    );
    assert_eq!(s.invitation_history(a, b).await.unwrap().len(), 1);
    assert_eq!(s.invitations_sent_since(a, 0).await.unwrap(), 1);
    assert_eq!(s.invitations_sent_since(a, 1_001).await.unwrap(), 0);
}

#[tokio::test]
async fn accepting_connects_and_follows_both_ways_and_closes_the_reverse() {
    let app = TestApp::new().await;
    let s = &app.store;
    let (a, b, _) = three(s).await;
    let inv = s.create_invitation(a, b, None, 1_000).await.unwrap();
    let rev = s.create_invitation(b, a, None, 1_500).await.unwrap();
    assert_eq!(s.count_pending_received(b, 0).await.unwrap(), 1);
    assert_eq!(s.open_invitation_peers(a, 0).await.unwrap().len(), 2);
    let acc = s
        .accept_invitation(inv.id, b, 2_000)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(acc.state, InvitationState::Accepted);
    assert_eq!(
        s.invitation(rev.id).await.unwrap().unwrap().state,
        InvitationState::Closed
    );
    assert_eq!(
        s.all_connections().await.unwrap(),
        vec![(a.min(b), a.max(b))]
    );
    assert!(s.is_following(a, b).await.unwrap() && s.is_following(b, a).await.unwrap());
    assert_eq!(s.follow_counts(a).await.unwrap(), (1, 1));
    // A second accept does nothing.
    assert!(s
        .accept_invitation(inv.id, b, 3_000)
        .await
        .unwrap()
        .is_none());
    let list = s
        .list_connections(&ConnectionQuery {
            member: a,
            name: None,
            sort: ConnectionSort::Recent,
            after: None,
            limit: 10,
        })
        .await
        .unwrap();
    assert_eq!((list.len(), list[0].card.id, list[0].since), (1, b, 2_000));
    // Removing the connection keeps the follows.
    assert!(s.remove_connection(b, a).await.unwrap());
    assert!(!s.remove_connection(b, a).await.unwrap());
    assert!(s.all_connections().await.unwrap().is_empty());
    assert!(s.is_following(a, b).await.unwrap());
}

#[tokio::test]
async fn blocking_severs_connection_follows_and_open_invitations() {
    let app = TestApp::new().await;
    let s = &app.store;
    let (a, b, c) = three(s).await;
    let inv = s.create_invitation(a, b, None, 1_000).await.unwrap();
    s.accept_invitation(inv.id, b, 1_100).await.unwrap();
    let open = s.create_invitation(c, a, None, 1_200).await.unwrap();
    s.set_follow(c, a, true, 1_300).await.unwrap();
    assert!(s.block(a, b, 2_000).await.unwrap());
    assert!(s.all_connections().await.unwrap().is_empty());
    assert!(!s.is_following(a, b).await.unwrap() && !s.is_following(b, a).await.unwrap());
    assert!(!s.block(a, c, 2_100).await.unwrap());
    assert_eq!(
        s.invitation(open.id).await.unwrap().unwrap().state,
        InvitationState::Closed
    );
    assert!(!s.is_following(c, a).await.unwrap());
    assert_eq!(s.all_blocks().await.unwrap().len(), 2);
    let listed: Vec<i64> = s
        .list_blocks(a)
        .await
        .unwrap()
        .iter()
        .map(|r| r.card.id)
        .collect();
    assert_eq!(listed, vec![c, b]);
    assert!(s.unblock(a, b).await.unwrap());
    assert!(!s.unblock(a, b).await.unwrap());
    // Unblocking restores nothing.
    assert!(s.all_connections().await.unwrap().is_empty());
}

#[tokio::test]
async fn connections_page_by_time_and_by_name() {
    let app = TestApp::new().await;
    let s = &app.store;
    let me = s.create_member(&new_member("meg"), None).await.unwrap().id;
    let mut others = Vec::new();
    for (i, h) in ["zed", "amy", "kim", "bea", "lou"].iter().enumerate() {
        let id = s.create_member(&new_member(h), None).await.unwrap().id;
        let inv = s.create_invitation(me, id, None, 1_000).await.unwrap();
        s.accept_invitation(inv.id, id, 2_000 + i as i64)
            .await
            .unwrap();
        others.push(id);
    }
    let page = |sort, after| ConnectionQuery {
        member: me,
        name: None,
        sort,
        after,
        limit: 2,
    };
    let first = s
        .list_connections(&page(ConnectionSort::Recent, None))
        .await
        .unwrap();
    assert_eq!(
        first.iter().map(|r| r.card.id).collect::<Vec<_>>(),
        vec![others[4], others[3]]
    );
    let last = first.last().unwrap();
    let second = s
        .list_connections(&page(
            ConnectionSort::Recent,
            Some(ListAfter::Time(last.since, last.card.id)),
        ))
        .await
        .unwrap();
    assert_eq!(
        second.iter().map(|r| r.card.id).collect::<Vec<_>>(),
        vec![others[2], others[1]]
    );
    let by_name = s
        .list_connections(&page(ConnectionSort::Name, None))
        .await
        .unwrap();
    let names: Vec<&str> = by_name.iter().map(|r| r.card.handle.as_str()).collect();
    assert_eq!(names, vec!["amy", "bea"]);
    let l = by_name.last().unwrap();
    let next = s
        .list_connections(&page(
            ConnectionSort::Name,
            Some(ListAfter::Name(l.card.sort_key.clone(), l.card.id)),
        ))
        .await
        .unwrap();
    assert_eq!(
        next.iter()
            .map(|r| r.card.handle.as_str())
            .collect::<Vec<_>>(),
        vec!["kim", "lou"]
    );
    let mut q = page(ConnectionSort::Name, None);
    q.name = Some("ki".into());
    assert_eq!(s.list_connections(&q).await.unwrap().len(), 1);
}

#[tokio::test]
async fn lookups_for_contacts_and_suggestions() {
    let app = TestApp::new().await;
    let s = &app.store;
    let (a, b, c) = three(s).await;
    s.add_position(b, &pos("Acme", "2019-01", Some("2021-06")), None, 1)
        .await
        .unwrap();
    s.add_position(c, &pos("Acme", "2020-01", None), None, 1)
        .await
        .unwrap();
    let by_email = s
        .members_by_emails(&["bob@example.com".into(), "nobody@example.com".into()])
        .await
        .unwrap();
    assert_eq!(by_email.len(), 1);
    assert_eq!(
        (by_email[0].id, by_email[0].company_keys.clone()),
        (b, vec!["acme".to_string()])
    );
    let by_name = s
        .members_by_name_keys(&["cyd tester".into()])
        .await
        .unwrap();
    assert_eq!(by_name.iter().map(|m| m.id).collect::<Vec<_>>(), vec![c]);
    let mut mates = s.colleagues(&["acme".into()], &[], 10).await.unwrap();
    mates.sort();
    assert_eq!(mates, vec![b, c]);
    let aff = s.affinities(&[b]).await.unwrap();
    assert_eq!(aff[0].jobs[0].0, "Acme");
    assert_eq!(s.cards(&[a, c]).await.unwrap().len(), 2);
    s.dismiss_suggestion(a, b, 5).await.unwrap();
    s.dismiss_suggestion(a, b, 6).await.unwrap();
    assert_eq!(s.dismissed(a).await.unwrap(), vec![b]);
    assert_eq!(s.invite_policy(a).await.unwrap(), InvitePolicy::Everyone);
    s.set_invite_policy(a, InvitePolicy::EmailRequired)
        .await
        .unwrap();
    assert_eq!(
        s.invite_policy(a).await.unwrap(),
        InvitePolicy::EmailRequired
    );
    assert!(s.max_member_id().await.unwrap() >= c);
}

#[tokio::test]
async fn an_invitation_under_a_quota_is_written_only_while_the_quota_lasts() {
    let app = TestApp::new().await;
    let s = &app.store;
    let (a, b, c) = three(s).await;
    let d = s.create_member(&new_member("dan"), None).await.unwrap().id;
    // One sent before the week began does not count.
    s.create_invitation(a, d, None, 500).await.unwrap();
    let first = s
        .create_invitation_within(a, b, None, 2_000, 1_000, 1)
        .await
        .unwrap();
    assert_eq!(first.map(|i| i.to), Some(b));
    assert!(s
        .create_invitation_within(a, c, None, 3_000, 1_000, 1)
        .await
        .unwrap()
        .is_none());
    assert_eq!(
        s.invitations_sent_since(a, 1_000).await.unwrap(),
        1,
        "nothing written"
    );
    // The open-pair rule still holds under a quota.
    assert!(matches!(
        s.create_invitation_within(a, b, None, 4_000, 1_000, 5)
            .await,
        Err(StoreError::Conflict("invitation"))
    ));
}
