//! The messaging tables on both backends: conversations and the direct one between two
//! members, messages in each participant's visible range (joined, cleared, left; held ones
//! for their sender only), unread counts and lists per box, read marks that never go back,
//! another member's id changing nothing, search, settings, away periods, the email batches,
//! and attachments.

use guild_core::accounts::store::AccountStore;
use guild_core::messaging::model::*;
use guild_core::messaging::store::MessageStore;
use guild_store::SqlStore;
use guild_testkit::TestApp;

use super::new_member;

const T0: i64 = 1_700_000_000_000;
const HOUR: i64 = 3_600_000;

async fn members(s: &SqlStore, handles: &[&str]) -> Vec<i64> {
    let mut out = Vec::new();
    for h in handles {
        out.push(s.create_member(&new_member(h), None).await.unwrap().id);
    }
    out
}

async fn conversation(s: &SqlStore, by: i64, others: &[(i64, ParticipantState)]) -> i64 {
    s.create_conversation(&NewConversation {
        group: others.len() > 1,
        title: None,
        created_by: by,
        others: others.to_vec(),
        created_at: T0,
    })
    .await
    .unwrap()
    .id
}

async fn say(s: &SqlStore, c: i64, from: i64, body: &str, at: i64, held: bool) -> Message {
    s.add_message(&NewMessage {
        conversation_id: c,
        sender_id: from,
        body: body.into(),
        body_html: format!("<p>{body}</p>"),
        automatic: false,
        held,
        to_stranger: held,
        attachment_id: None,
        created_at: at,
    })
    .await
    .unwrap()
}

fn bodies(ms: &[Message]) -> Vec<&str> {
    ms.iter().map(|m| m.body.as_str()).collect()
}

async fn seen_by(s: &SqlStore, c: i64, who: i64) -> Vec<String> {
    let p = s.participant(c, who).await.unwrap().unwrap();
    let mut ms = s.messages(c, Visible::from(&p), None, 50).await.unwrap();
    ms.reverse();
    ms.into_iter().map(|m| m.body).collect()
}

#[tokio::test]
async fn messages_follow_each_participants_range_and_held_ones_only_their_sender() {
    let app = TestApp::new().await;
    let s = &app.store;
    let [ann, bob, cyd] = members(s, &["ann", "bob", "cyd"]).await[..] else {
        panic!()
    };
    let c = conversation(
        s,
        ann,
        &[
            (bob, ParticipantState::Active),
            (cyd, ParticipantState::Active),
        ],
    )
    .await;
    assert_eq!(
        s.direct_conversation(ann, bob).await.unwrap(),
        None,
        "a group is not direct"
    );
    let d = conversation(s, ann, &[(bob, ParticipantState::Request)]).await;
    assert_eq!(
        s.direct_conversation(bob, ann).await.unwrap().unwrap().id,
        d
    );

    let one = say(s, c, ann, "one", T0 + 1, false).await;
    say(s, c, bob, "two", T0 + 2, false).await;
    say(s, c, ann, "held", T0 + 3, true).await;
    let conv = s.conversation(c).await.unwrap().unwrap();
    assert_eq!(
        conv.last_message_at,
        T0 + 2,
        "a held message does not move the conversation"
    );
    assert_eq!(seen_by(s, c, ann).await, vec!["one", "two", "held"]);
    assert_eq!(seen_by(s, c, bob).await, vec!["one", "two"]);
    // Cyd leaves after "two"; Bob deletes up to "one" for himself.
    s.leave_conversation(c, cyd, conv.last_message_id)
        .await
        .unwrap();
    s.clear_conversation(c, bob, one.id).await.unwrap();
    say(s, c, ann, "three", T0 + 4, false).await;
    assert_eq!(seen_by(s, c, cyd).await, vec!["one", "two"]);
    assert_eq!(seen_by(s, c, bob).await, vec!["two", "three"]);
    // Keyset: older than a message, newest first.
    let p = s.participant(c, ann).await.unwrap().unwrap();
    let page = s
        .messages(c, Visible::from(&p), Some(one.id + 1), 10)
        .await
        .unwrap();
    assert_eq!(bodies(&page), vec!["one"]);
    // The stream's catch-up sees the same ranges, in id order.
    let after = s.messages_after(bob, 0, 10).await.unwrap();
    assert_eq!(bodies(&after), vec!["two", "three"]);
    assert_eq!(s.latest_message_id(bob).await.unwrap(), after[1].id);
    assert_eq!(
        bodies(&s.messages_after(cyd, 0, 10).await.unwrap()),
        vec!["one", "two"]
    );
}

#[tokio::test]
async fn lists_unread_and_read_marks_and_another_members_id_changes_nothing() {
    let app = TestApp::new().await;
    let s = &app.store;
    let [ann, bob, zed] = members(s, &["ann", "bob", "zed"]).await[..] else {
        panic!()
    };
    let c = conversation(s, ann, &[(bob, ParticipantState::Active)]).await;
    let r = conversation(s, zed, &[(bob, ParticipantState::Request)]).await;
    say(s, c, ann, "hi", T0 + 1, false).await;
    let m2 = say(s, c, ann, "there", T0 + 2, false).await;
    say(s, r, zed, "may I?", T0 + 3, false).await;
    assert_eq!(s.unread_totals(bob).await.unwrap(), (1, 1));
    assert_eq!(s.unread_counts(bob, &[c, r]).await.unwrap().len(), 2);
    assert_eq!(
        s.unread_totals(ann).await.unwrap(),
        (0, 0),
        "one's own messages are read"
    );
    let inbox = s
        .conversations(bob, MessageBox::Inbox, None, 10)
        .await
        .unwrap();
    assert_eq!(
        inbox.iter().map(|r| r.conversation.id).collect::<Vec<_>>(),
        vec![c]
    );
    let req = s
        .conversations(bob, MessageBox::Requests, None, 10)
        .await
        .unwrap();
    assert_eq!(req[0].conversation.id, r);
    // Zed acts on Bob's conversation with Ann: nothing changes.
    assert!(!s.mark_conversation_read(c, zed, m2.id).await.unwrap());
    s.set_conversation_archived(c, zed, true).await.unwrap();
    assert_eq!(s.unread_totals(bob).await.unwrap(), (1, 1));
    // Reading moves forward only.
    assert!(s.mark_conversation_read(c, bob, m2.id).await.unwrap());
    assert!(!s.mark_conversation_read(c, bob, m2.id - 1).await.unwrap());
    assert_eq!(s.unread_totals(bob).await.unwrap(), (0, 1));
    // Archived, then back with a new message; cleared, then back with a new one.
    s.set_conversation_archived(c, bob, true).await.unwrap();
    assert!(s
        .conversations(bob, MessageBox::Inbox, None, 10)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        s.conversations(bob, MessageBox::Archived, None, 10)
            .await
            .unwrap()
            .len(),
        1
    );
    let m3 = say(s, c, ann, "back", T0 + 4, false).await;
    assert_eq!(
        s.conversations(bob, MessageBox::Inbox, None, 10)
            .await
            .unwrap()
            .len(),
        1
    );
    s.clear_conversation(c, bob, m3.id).await.unwrap();
    assert!(s
        .conversations(bob, MessageBox::Inbox, None, 10)
        .await
        .unwrap()
        .is_empty());
    let last = s.last_messages(ann, &[c]).await.unwrap();
    assert_eq!(bodies(&last), vec!["back"]);
    assert!(s.last_messages(bob, &[c]).await.unwrap().is_empty());
    // Keyset by (last message time, id).
    let first = s
        .conversations(ann, MessageBox::Inbox, None, 1)
        .await
        .unwrap();
    let t = &first[0].conversation;
    let rest = s
        .conversations(ann, MessageBox::Inbox, Some((t.last_message_at, t.id)), 10)
        .await
        .unwrap();
    assert!(rest.iter().all(|r| r.conversation.id != t.id));
}

#[tokio::test]
async fn search_settings_spam_counts_and_attachments() {
    let app = TestApp::new().await;
    let s = &app.store;
    let [ann, bob, eve] = members(s, &["ann", "bob", "eve"]).await[..] else {
        panic!()
    };
    let c = conversation(s, ann, &[(bob, ParticipantState::Active)]).await;
    say(s, c, ann, "The 50% Discount ends", T0 + 1, false).await;
    say(s, c, bob, "50 percent, really", T0 + 2, false).await;
    let found = s.search_messages(bob, "50%", None, 10).await.unwrap();
    assert_eq!(
        bodies(&found),
        vec!["The 50% Discount ends"],
        "% is literal"
    );
    assert_eq!(
        s.search_messages(bob, "discount", None, 10)
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(s
        .search_messages(eve, "discount", None, 10)
        .await
        .unwrap()
        .is_empty());

    assert_eq!(
        s.message_settings(ann).await.unwrap(),
        MessageSettings::default()
    );
    let mine = MessageSettings {
        who_can_message: WhoCanMessage::Connections,
        read_receipts: false,
        email_after_minutes: 0,
    };
    s.set_message_settings(ann, &mine).await.unwrap();
    s.set_message_settings(ann, &mine).await.unwrap();
    let both = s.message_settings_of(&[ann, bob]).await.unwrap();
    assert_eq!(both, vec![(ann, mine), (bob, MessageSettings::default())]);

    let d = conversation(s, ann, &[(eve, ParticipantState::Ignored)]).await;
    say(s, d, ann, "pitch", T0 + 3, true).await;
    let sent = s.stranger_messages_since(ann, T0).await.unwrap();
    assert_eq!(sent, vec![(d, "pitch".to_string())]);
    assert!(s
        .stranger_messages_since(ann, T0 + 4)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(s.conversations_started_since(ann, T0).await.unwrap(), 2);
    assert_eq!(
        bodies(&s.held_messages(None, 10).await.unwrap()),
        vec!["pitch"]
    );
    assert!(
        s.messages_after(eve, 0, 10).await.unwrap().is_empty(),
        "ignored and held"
    );

    let a = s
        .create_attachment(&NewAttachment {
            owner_id: ann,
            name: "plan.pdf".into(),
            content_type: "application/octet-stream".into(),
            size: 12,
            key: "abc123".into(),
            image: false,
            created_at: T0,
        })
        .await
        .unwrap();
    assert_eq!(s.attachment(a.id).await.unwrap().unwrap(), a);
    assert!(s.attachment_message(a.id).await.unwrap().is_none());
    let m = s
        .add_message(&NewMessage {
            conversation_id: c,
            sender_id: ann,
            body: String::new(),
            body_html: String::new(),
            automatic: false,
            held: false,
            to_stranger: false,
            attachment_id: Some(a.id),
            created_at: T0 + 5,
        })
        .await
        .unwrap();
    assert_eq!(m.attachment.as_ref(), Some(&a));
    assert_eq!(s.attachment_message(a.id).await.unwrap().unwrap().id, m.id);
}

#[tokio::test]
async fn away_periods_replies_summaries_and_email_batches() {
    let app = TestApp::new().await;
    let s = &app.store;
    let [ann, bob, cyd] = members(s, &["ann", "bob", "cyd"]).await[..] else {
        panic!()
    };
    let away = |starts_at: i64, ends_at: i64, message: &str| NewAway {
        member_id: bob,
        starts_at,
        ends_at,
        message: message.into(),
        message_for_others: None,
        contact_id: Some(cyd),
        created_at: T0,
    };
    let first = s
        .set_away(&away(T0 + HOUR, T0 + 5 * HOUR, "first"))
        .await
        .unwrap();
    let second = s
        .set_away(&away(T0 + HOUR, T0 + 6 * HOUR, "second"))
        .await
        .unwrap();
    assert_eq!(
        s.away(bob, T0).await.unwrap().unwrap().message,
        "second",
        "replaced"
    );
    assert!(s.away_by_id(first.id).await.unwrap().is_none());
    assert!(
        s.aways_at(&[ann, bob], T0).await.unwrap().is_empty(),
        "not yet"
    );
    assert_eq!(
        s.aways_at(&[ann, bob], T0 + 2 * HOUR).await.unwrap().len(),
        1
    );
    assert!(s.claim_auto_reply(second.id, ann).await.unwrap());
    assert!(!s.claim_auto_reply(second.id, ann).await.unwrap());
    assert!(s.claim_auto_reply(second.id, cyd).await.unwrap());
    // Ended early: it is due for its summary once.
    assert!(s.end_away(bob, T0 + 3 * HOUR).await.unwrap());
    assert!(!s.end_away(bob, T0 + 3 * HOUR).await.unwrap());
    let due = s.aways_to_summarize(T0 + 3 * HOUR, 10).await.unwrap();
    assert_eq!(
        due.iter().map(|a| a.id).collect::<Vec<_>>(),
        vec![second.id]
    );
    s.mark_away_summarized(second.id, T0 + 3 * HOUR)
        .await
        .unwrap();
    assert!(s
        .aways_to_summarize(T0 + 9 * HOUR, 10)
        .await
        .unwrap()
        .is_empty());
    // A coming one is cancelled outright.
    s.set_away(&away(T0 + 10 * HOUR, T0 + 12 * HOUR, "later"))
        .await
        .unwrap();
    assert!(s.end_away(bob, T0 + 9 * HOUR).await.unwrap());
    assert!(s.away(bob, T0 + 9 * HOUR).await.unwrap().is_none());

    let c = conversation(s, ann, &[(bob, ParticipantState::Active)]).await;
    say(s, c, ann, "a", T0 + HOUR + 1, false).await;
    say(s, c, ann, "b", T0 + 2 * HOUR, false).await;
    let sum = s.away_summary(bob, T0 + HOUR, T0 + 3 * HOUR).await.unwrap();
    assert_eq!(
        (
            sum.messages,
            sum.conversations,
            sum.invitations,
            sum.mentions
        ),
        (2, 1, 0, 0)
    );

    // Emails: what is old enough, once; nothing for a muted conversation.
    let due = s.unread_for_email(T0 + 2 * HOUR, 10).await.unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!((due[0].member_id, due[0].count), (bob, 2));
    s.mark_emailed(c, bob, due[0].through).await.unwrap();
    assert!(s
        .unread_for_email(T0 + 9 * HOUR, 10)
        .await
        .unwrap()
        .is_empty());
    say(s, c, ann, "c", T0 + 4 * HOUR, false).await;
    s.set_conversation_muted(c, bob, true).await.unwrap();
    assert!(s
        .unread_for_email(T0 + 9 * HOUR, 10)
        .await
        .unwrap()
        .is_empty());
    s.set_conversation_muted(c, bob, false).await.unwrap();
    assert_eq!(
        s.unread_for_email(T0 + 9 * HOUR, 10).await.unwrap()[0].count,
        1
    );
}
