//! The messaging store contract for away periods and their summary, and messaging settings
//! (moved out of `messaging.rs`, whose helpers they share).

use super::messaging::{hold, members, msg, say, start, HOUR, T0};
use guild_core::feed::model::{NewNotification, NotificationKind};
use guild_core::feed::store::NotificationStore;
use guild_core::messaging::model::*;
use guild_core::messaging::store::MessageStore;
use guild_core::network::store::InvitationStore;
use guild_testkit::TestApp;

#[tokio::test]
async fn away_periods_replace_only_the_current_or_coming_one() {
    let app = TestApp::new().await;
    let s = &app.store;
    let [ann, bob, cyd] = members(s, &["ann", "bob", "cyd"]).await[..] else {
        panic!()
    };
    let period = |starts_at: i64, ends_at: i64, created_at: i64| NewAway {
        member_id: bob,
        starts_at,
        ends_at,
        message: "Out".into(),
        message_for_others: Some("Away".into()),
        contact_id: Some(cyd),
        created_at,
    };
    // Two past ones, one summarized already.
    let old = s
        .set_away(&period(T0 - 20 * HOUR, T0 - 15 * HOUR, T0 - 21 * HOUR))
        .await
        .unwrap();
    s.mark_away_summarized(old.id, T0 - 14 * HOUR)
        .await
        .unwrap();
    let past = s
        .set_away(&period(T0 - 10 * HOUR, T0 - 5 * HOUR, T0 - 11 * HOUR))
        .await
        .unwrap();
    let now = s
        .set_away(&period(T0 - HOUR, T0 + 5 * HOUR, T0 - HOUR))
        .await
        .unwrap();
    assert_eq!(
        now,
        Away {
            id: now.id,
            member_id: bob,
            starts_at: T0 - HOUR,
            ends_at: T0 + 5 * HOUR,
            message: "Out".into(),
            message_for_others: Some("Away".into()),
            contact_id: Some(cyd),
            summarized_at: None,
        }
    );
    assert!(s.claim_auto_reply(now.id, ann).await.unwrap());
    // Replaced while in force: the new one starts with no replies claimed.
    let next = s.set_away(&period(T0, T0 + 8 * HOUR, T0)).await.unwrap();
    assert!(s.away_by_id(now.id).await.unwrap().is_none());
    assert!(s.away_by_id(past.id).await.unwrap().is_some(), "past kept");
    assert_eq!(
        s.away_by_id(old.id).await.unwrap().unwrap().summarized_at,
        Some(T0 - 14 * HOUR)
    );
    assert!(s.claim_auto_reply(next.id, ann).await.unwrap());
    assert!(!s.claim_auto_reply(next.id, ann).await.unwrap());
    assert_eq!(s.away(bob, T0).await.unwrap().unwrap().id, next.id);
    assert!(s.away(ann, T0).await.unwrap().is_none());

    // In force: from its start, until (not at) its end.
    let at = |t: i64| async move {
        let a = s.aways_at(&[ann, bob, cyd], t).await.unwrap();
        a.into_iter().map(|a| a.id).collect::<Vec<_>>()
    };
    assert_eq!(at(T0).await, vec![next.id]);
    assert_eq!(at(T0 + 8 * HOUR - 1).await, vec![next.id]);
    assert!(at(T0 + 8 * HOUR).await.is_empty());
    assert!(at(T0 - 1).await.is_empty());
    assert!(s.aways_at(&[], T0).await.unwrap().is_empty());

    // Due for a summary: ended, not summarized; the earliest end first.
    let due = s.aways_to_summarize(T0, 10).await.unwrap();
    assert_eq!(due.iter().map(|a| a.id).collect::<Vec<_>>(), vec![past.id]);
    assert_eq!(
        s.aways_to_summarize(T0 + 8 * HOUR, 1).await.unwrap()[0].id,
        past.id
    );
    assert_eq!(
        s.aways_to_summarize(T0 + 8 * HOUR, 10).await.unwrap().len(),
        2
    );

    // Ending: a current one ends now, and is then due.
    assert!(s.end_away(bob, T0 + HOUR).await.unwrap());
    assert_eq!(
        s.away_by_id(next.id).await.unwrap().unwrap().ends_at,
        T0 + HOUR
    );
    assert!(s.away(bob, T0 + HOUR).await.unwrap().is_none());
    assert_eq!(s.aways_to_summarize(T0 + HOUR, 10).await.unwrap().len(), 2);
    assert!(!s.end_away(bob, T0 + HOUR).await.unwrap());
    assert!(!s.end_away(ann, T0).await.unwrap());
}

#[tokio::test]
async fn the_away_summary_counts_what_reached_the_member_in_the_window() {
    let app = TestApp::new().await;
    let s = &app.store;
    let [ann, bob, cyd, dee] = members(s, &["ann", "bob", "cyd", "dee"]).await[..] else {
        panic!()
    };
    let (from, to) = (T0 + HOUR, T0 + 3 * HOUR);
    let c = start(s, ann, &[(bob, ParticipantState::Active)], T0).await;
    say(s, c, ann, "before", from - 1).await;
    say(s, c, ann, "at the start", from).await;
    say(s, c, ann, "inside", from + 10).await;
    hold(s, c, ann, "held", from + 20).await;
    say(s, c, bob, "bob's own", from + 30).await;
    say(s, c, ann, "at the end", to).await;
    let mut auto = msg(c, ann, "ann is away", from + 40);
    auto.automatic = true;
    s.add_message(&auto).await.unwrap();
    let ignored = start(s, cyd, &[(bob, ParticipantState::Ignored)], T0).await;
    say(s, ignored, cyd, "ignored", from + 50).await;
    let request = start(s, dee, &[(bob, ParticipantState::Request)], T0).await;
    say(s, request, dee, "a request", from + 60).await;
    let elsewhere = start(s, ann, &[(cyd, ParticipantState::Active)], T0).await;
    say(s, elsewhere, ann, "not bob's", from + 70).await;

    s.create_invitation(cyd, bob, None, from - 1).await.unwrap();
    s.create_invitation(ann, bob, None, from + 1).await.unwrap();
    s.create_invitation(dee, ann, None, from + 1).await.unwrap();
    let note = |member: i64, kind: NotificationKind, key: &str, at: i64| NewNotification {
        member_id: member,
        kind,
        actor_id: ann,
        post_id: None,
        comment_id: None,
        invitation_id: None,
        group_key: key.into(),
        created_at: at,
    };
    s.notify(&[
        note(bob, NotificationKind::Mention, "mention:1", from + 1),
        note(bob, NotificationKind::Mention, "mention:2", to),
        note(bob, NotificationKind::Reaction, "reaction:1", from + 1),
        note(cyd, NotificationKind::Mention, "mention:3", from + 1),
    ])
    .await
    .unwrap();

    assert_eq!(
        s.away_summary(bob, from, to).await.unwrap(),
        AwaySummary {
            messages: 3,
            conversations: 2,
            invitations: 1,
            mentions: 1,
        }
    );
    assert_eq!(
        s.away_summary(dee, from, to).await.unwrap(),
        AwaySummary::default()
    );
}

#[tokio::test]
async fn settings_default_until_changed_and_are_read_for_many_at_once() {
    let app = TestApp::new().await;
    let s = &app.store;
    let [ann, bob] = members(s, &["ann", "bob"]).await[..] else {
        panic!()
    };
    assert!(s.message_settings_of(&[]).await.unwrap().is_empty());
    assert_eq!(
        s.message_settings(bob).await.unwrap(),
        MessageSettings::default()
    );
    let first = MessageSettings {
        who_can_message: WhoCanMessage::SecondDegree,
        read_receipts: false,
        email_after_minutes: 15,
    };
    s.set_message_settings(ann, &first).await.unwrap();
    assert_eq!(s.message_settings(ann).await.unwrap(), first);
    let second = MessageSettings {
        who_can_message: WhoCanMessage::Everyone,
        read_receipts: true,
        email_after_minutes: 0,
    };
    s.set_message_settings(ann, &second).await.unwrap();
    let mut both = s.message_settings_of(&[bob, ann]).await.unwrap();
    both.sort_by_key(|(m, _)| *m);
    assert_eq!(both, vec![(ann, second), (bob, MessageSettings::default())]);
}
