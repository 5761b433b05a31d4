//! Messaging, method by method, beside the journeys in `conversations.rs`: the direct
//! conversation, held and automatic messages, releasing and deleting held ones, ignored
//! conversations kept out of the stream and search, search taking wildcards literally, pages
//! of messages and of conversations, unread counts in the visible range, rows of non-members
//! left alone, the email batches, away periods and their summaries, settings, reports,
//! attachments and the spam counters.

use guild_core::accounts::store::AccountStore;
use guild_core::messaging::model::*;
use guild_core::messaging::store::MessageStore;
use guild_store::{Pool, SqlStore};
use guild_testkit::TestApp;

use super::new_member;

pub(super) const T0: i64 = 1_700_000_000_000;
pub(super) const HOUR: i64 = 3_600_000;

pub(super) async fn members(s: &SqlStore, handles: &[&str]) -> Vec<i64> {
    let mut out = Vec::new();
    for h in handles {
        out.push(s.create_member(&new_member(h), None).await.unwrap().id);
    }
    out
}

pub(super) async fn start(
    s: &SqlStore,
    by: i64,
    others: &[(i64, ParticipantState)],
    at: i64,
) -> i64 {
    s.create_conversation(&NewConversation {
        group: others.len() > 1,
        title: None,
        created_by: by,
        others: others.to_vec(),
        created_at: at,
    })
    .await
    .unwrap()
    .id
}

pub(super) fn msg(c: i64, from: i64, body: &str, at: i64) -> NewMessage {
    NewMessage {
        conversation_id: c,
        sender_id: from,
        body: body.into(),
        body_html: format!("<p>{body}</p>"),
        automatic: false,
        held: false,
        to_stranger: false,
        attachment_id: None,
        created_at: at,
    }
}

pub(super) async fn say(s: &SqlStore, c: i64, from: i64, body: &str, at: i64) -> Message {
    s.add_message(&msg(c, from, body, at)).await.unwrap()
}

pub(super) async fn hold(s: &SqlStore, c: i64, from: i64, body: &str, at: i64) -> Message {
    let mut m = msg(c, from, body, at);
    m.held = true;
    m.to_stranger = true;
    s.add_message(&m).await.unwrap()
}

pub(super) fn bodies(ms: &[Message]) -> Vec<&str> {
    ms.iter().map(|m| m.body.as_str()).collect()
}

pub(super) fn ids(rows: &[ConversationEntry]) -> Vec<i64> {
    rows.iter().map(|r| r.conversation.id).collect()
}

pub(super) async fn me(s: &SqlStore, c: i64, member: i64) -> Participant {
    s.participant(c, member).await.unwrap().unwrap()
}

/// One number from a statement run directly against the tables.
pub(super) async fn count(s: &SqlStore, sql: &str) -> i64 {
    match &s.pool {
        Pool::Sqlite(p) => sqlx::query_scalar(sql).fetch_one(p).await.unwrap(),
        Pool::Pg(p) => sqlx::query_scalar(sql).fetch_one(p).await.unwrap(),
    }
}

#[tokio::test]
async fn the_direct_conversation_is_found_either_way_and_only_between_the_two() {
    let app = TestApp::new().await;
    let s = &app.store;
    let [ann, bob, cyd] = members(s, &["ann", "bob", "cyd"]).await[..] else {
        panic!()
    };
    assert_eq!(s.direct_conversation(ann, bob).await.unwrap(), None);
    let g = s
        .create_conversation(&NewConversation {
            group: true,
            title: Some("Trio".into()),
            created_by: ann,
            others: vec![
                (bob, ParticipantState::Active),
                (cyd, ParticipantState::Active),
            ],
            created_at: T0,
        })
        .await
        .unwrap();
    assert_eq!(g.title.as_deref(), Some("Trio"));
    assert!(g.group);
    let d = start(s, ann, &[(bob, ParticipantState::Request)], T0 + 5).await;
    let conv = s.conversation(d).await.unwrap().unwrap();
    assert_eq!(
        conv,
        Conversation {
            id: d,
            group: false,
            title: None,
            created_by: ann,
            created_at: T0 + 5,
            last_message_id: 0,
            last_message_at: T0 + 5,
        },
        "nothing said yet: the list time is the start"
    );
    assert_eq!(s.direct_conversation(ann, bob).await.unwrap(), Some(conv));
    assert_eq!(
        s.direct_conversation(bob, ann).await.unwrap().unwrap().id,
        d
    );
    assert_eq!(s.direct_conversation(ann, cyd).await.unwrap(), None);
    assert_eq!(s.direct_conversation(bob, cyd).await.unwrap(), None);
    let states: Vec<_> = s
        .participants(d)
        .await
        .unwrap()
        .into_iter()
        .map(|p| (p.member_id, p.state))
        .collect();
    assert_eq!(
        states,
        vec![
            (ann, ParticipantState::Active),
            (bob, ParticipantState::Request)
        ]
    );
    assert!(s.conversation(d + 100).await.unwrap().is_none());
}

#[tokio::test]
async fn messages_page_newest_first_within_the_visible_range() {
    let app = TestApp::new().await;
    let s = &app.store;
    let [ann, bob] = members(s, &["ann", "bob"]).await[..] else {
        panic!()
    };
    let c = start(s, ann, &[(bob, ParticipantState::Active)], T0).await;
    let mut all = Vec::new();
    for i in 0..7 {
        all.push(say(s, c, ann, &format!("m{i}"), T0 + i).await.id);
    }
    let everything = Visible {
        member: bob,
        after: 0,
        through: None,
    };
    let mut seen = Vec::new();
    let mut before = None;
    loop {
        let page = s.messages(c, everything, before, 3).await.unwrap();
        if page.is_empty() {
            break;
        }
        assert!(page.len() <= 3);
        before = page.last().map(|m| m.id);
        seen.extend(page.into_iter().map(|m| m.id));
    }
    let mut newest_first = all.clone();
    newest_first.reverse();
    assert_eq!(seen, newest_first);
    // A range: above m1, through m4.
    let range = Visible {
        member: bob,
        after: all[1],
        through: Some(all[4]),
    };
    assert_eq!(
        bodies(&s.messages(c, range, None, 10).await.unwrap()),
        vec!["m4", "m3", "m2"]
    );
    assert_eq!(
        bodies(&s.messages(c, range, Some(all[3]), 10).await.unwrap()),
        vec!["m2"]
    );
    // The stream's catch-up pages oldest first.
    let after = s.messages_after(bob, all[2], 2).await.unwrap();
    assert_eq!(bodies(&after), vec!["m3", "m4"]);
    assert_eq!(s.latest_message_id(bob).await.unwrap(), all[6]);
}

#[tokio::test]
async fn conversation_lists_page_by_last_message_with_ties_broken_by_id() {
    let app = TestApp::new().await;
    let s = &app.store;
    let all = members(s, &["bob", "pat1", "pat2", "pat3", "pat4", "pat5", "pat6"]).await;
    let bob = all[0];
    let mut convs = Vec::new();
    for (i, p) in all[1..].iter().enumerate() {
        let c = start(s, *p, &[(bob, ParticipantState::Active)], T0).await;
        convs.push(c);
        if i < 5 {
            // Two pairs share a time.
            let at = T0 + [10, 20, 20, 30, 30][i];
            say(s, c, *p, "hi", at).await;
        }
    }
    let mut seen = Vec::new();
    let mut before = None;
    loop {
        let page = s
            .conversations(bob, MessageBox::Inbox, before, 2)
            .await
            .unwrap();
        if page.is_empty() {
            break;
        }
        let last = &page[page.len() - 1].conversation;
        before = Some((last.last_message_at, last.id));
        seen.extend(page.iter().map(|r| {
            assert_eq!(r.me.member_id, bob);
            (r.conversation.last_message_at, r.conversation.id)
        }));
    }
    assert_eq!(seen.len(), 5, "the one with nothing said is not listed");
    assert!(seen.windows(2).all(|w| w[0] > w[1]), "{seen:?}");
    assert_eq!(seen[4].1, convs[0]);

    // Left groups stay in the inbox; archived ones move over and page the same way.
    for c in &convs[..3] {
        s.set_conversation_archived(*c, bob, true).await.unwrap();
    }
    let archived = s
        .conversations(bob, MessageBox::Archived, None, 2)
        .await
        .unwrap();
    assert_eq!(ids(&archived), vec![convs[2], convs[1]]);
    let t = &archived[1].conversation;
    let rest = s
        .conversations(
            bob,
            MessageBox::Archived,
            Some((t.last_message_at, t.id)),
            2,
        )
        .await
        .unwrap();
    assert_eq!(ids(&rest), vec![convs[0]]);
    let g = start(
        s,
        all[1],
        &[
            (bob, ParticipantState::Active),
            (all[2], ParticipantState::Active),
        ],
        T0,
    )
    .await;
    let said = say(s, g, all[1], "group", T0 + 40).await;
    s.leave_conversation(g, bob, said.id).await.unwrap();
    let inbox = s
        .conversations(bob, MessageBox::Inbox, None, 10)
        .await
        .unwrap();
    assert_eq!(inbox[0].conversation.id, g);
    assert_eq!(inbox[0].me.state, ParticipantState::Left);
    assert_eq!(inbox[0].me.left_through, Some(said.id));
}

#[tokio::test]
async fn unread_counts_follow_the_visible_range_and_the_read_mark() {
    let app = TestApp::new().await;
    let s = &app.store;
    let [ann, bob, cyd] = members(s, &["ann", "bob", "cyd"]).await[..] else {
        panic!()
    };
    let g = start(
        s,
        ann,
        &[
            (bob, ParticipantState::Active),
            (cyd, ParticipantState::Active),
        ],
        T0,
    )
    .await;
    let quiet = start(s, ann, &[(bob, ParticipantState::Active)], T0).await;
    let m1 = say(s, g, ann, "1", T0 + 1).await;
    let m2 = say(s, g, ann, "2", T0 + 2).await;
    let m3 = say(s, g, ann, "3", T0 + 3).await;
    assert!(s.unread_counts(bob, &[]).await.unwrap().is_empty());
    assert_eq!(
        s.unread_counts(bob, &[g, quiet]).await.unwrap(),
        vec![(g, 3)],
        "only conversations with something unread"
    );
    assert!(s.mark_conversation_read(g, bob, m1.id).await.unwrap());
    assert!(!s.mark_conversation_read(g, bob, m1.id).await.unwrap());
    assert_eq!(s.unread_counts(bob, &[g]).await.unwrap(), vec![(g, 2)]);
    s.clear_conversation(g, bob, m2.id).await.unwrap();
    assert_eq!(s.unread_counts(bob, &[g]).await.unwrap(), vec![(g, 1)]);
    s.clear_conversation(g, bob, m1.id).await.unwrap();
    assert_eq!(me(s, g, bob).await.cleared_through, m2.id, "never back");

    s.leave_conversation(g, cyd, m3.id).await.unwrap();
    say(s, g, ann, "4", T0 + 4).await;
    assert_eq!(
        s.unread_counts(cyd, &[g]).await.unwrap(),
        vec![(g, 3)],
        "nothing after leaving"
    );
    assert_eq!(s.unread_counts(bob, &[g]).await.unwrap(), vec![(g, 2)]);
    assert_eq!(s.unread_totals(bob).await.unwrap(), (1, 0));
    assert_eq!(
        s.unread_totals(cyd).await.unwrap(),
        (0, 0),
        "a group one left is not waiting in the inbox"
    );
    let last = s.last_messages(cyd, &[g, quiet]).await.unwrap();
    assert_eq!(bodies(&last), vec!["3"]);
}

#[tokio::test]
async fn a_non_participants_id_changes_no_one_elses_row() {
    let app = TestApp::new().await;
    let s = &app.store;
    let [ann, bob, cyd, zed] = members(s, &["ann", "bob", "cyd", "zed"]).await[..] else {
        panic!()
    };
    let g = start(
        s,
        ann,
        &[
            (bob, ParticipantState::Active),
            (cyd, ParticipantState::Active),
        ],
        T0,
    )
    .await;
    let d = start(s, ann, &[(bob, ParticipantState::Active)], T0).await;
    let m = say(s, g, bob, "hey", T0 + 1).await;
    let before = s.participants_of(&[g, d]).await.unwrap();
    assert_eq!(
        before
            .iter()
            .map(|p| (p.conversation_id, p.member_id))
            .collect::<Vec<_>>(),
        vec![(g, ann), (g, bob), (g, cyd), (d, ann), (d, bob)]
    );
    assert!(s.participants_of(&[]).await.unwrap().is_empty());

    assert!(!s.mark_conversation_read(g, zed, m.id).await.unwrap());
    s.set_conversation_archived(g, zed, true).await.unwrap();
    s.set_conversation_muted(g, zed, true).await.unwrap();
    s.set_participant_state(g, zed, ParticipantState::Left)
        .await
        .unwrap();
    s.leave_conversation(g, zed, m.id).await.unwrap();
    s.clear_conversation(g, zed, m.id).await.unwrap();
    s.mark_emailed(g, zed, m.id).await.unwrap();
    assert_eq!(s.participants_of(&[g, d]).await.unwrap(), before);
    assert!(s.participant(g, zed).await.unwrap().is_none());

    // One's own row in one conversation only.
    s.set_conversation_muted(d, ann, true).await.unwrap();
    s.set_conversation_archived(d, ann, true).await.unwrap();
    assert!(me(s, d, ann).await.muted && me(s, d, ann).await.archived);
    assert!(!me(s, d, bob).await.muted && !me(s, d, bob).await.archived);
    assert!(!me(s, g, ann).await.muted && !me(s, g, ann).await.archived);
    s.set_conversation_muted(d, ann, false).await.unwrap();
    assert!(!me(s, d, ann).await.muted);
    s.mark_emailed(g, ann, m.id).await.unwrap();
    s.mark_emailed(g, ann, m.id - 1).await.unwrap();
    assert_eq!(me(s, g, ann).await.emailed_through, m.id, "never back");
}

#[tokio::test]
async fn email_batches_skip_what_was_read_emailed_muted_held_requested_or_too_recent() {
    let app = TestApp::new().await;
    let s = &app.store;
    let [ann, bob, cyd] = members(s, &["ann", "bob", "cyd"]).await[..] else {
        panic!()
    };
    let c = start(s, ann, &[(bob, ParticipantState::Active)], T0).await;
    let m1 = say(s, c, ann, "1", T0 + 1).await;
    let m2 = say(s, c, ann, "2", T0 + 2).await;
    hold(s, c, ann, "held", T0 + 3).await;
    let late = say(s, c, ann, "late", T0 + 10 * HOUR).await;
    let r = start(s, cyd, &[(bob, ParticipantState::Request)], T0).await;
    say(s, r, cyd, "a request", T0 + 1).await;

    let due = s.unread_for_email(T0 + HOUR, 10).await.unwrap();
    assert_eq!(
        due,
        vec![UnreadBatch {
            member_id: bob,
            conversation_id: c,
            through: m2.id,
            count: 2,
        }],
        "not the held one, not the late one, not the request, not Ann's own"
    );
    assert_eq!(
        s.unread_for_email(T0 + 2, 10).await.unwrap()[0].through,
        m2.id,
        "at or before"
    );
    s.mark_conversation_read(c, bob, m1.id).await.unwrap();
    assert_eq!(s.unread_for_email(T0 + HOUR, 10).await.unwrap()[0].count, 1);
    s.mark_emailed(c, bob, m2.id).await.unwrap();
    assert!(s.unread_for_email(T0 + HOUR, 10).await.unwrap().is_empty());
    let due = s.unread_for_email(T0 + 11 * HOUR, 10).await.unwrap();
    assert_eq!((due[0].through, due[0].count), (late.id, 1));
    s.set_conversation_muted(c, bob, true).await.unwrap();
    assert!(s
        .unread_for_email(T0 + 11 * HOUR, 10)
        .await
        .unwrap()
        .is_empty());
    s.set_conversation_muted(c, bob, false).await.unwrap();

    // One row per (member, conversation), at most `limit`.
    let e = start(s, cyd, &[(ann, ParticipantState::Active)], T0).await;
    say(s, e, cyd, "for ann", T0 + 5).await;
    let due = s.unread_for_email(T0 + 11 * HOUR, 10).await.unwrap();
    let mut keys: Vec<_> = due
        .iter()
        .map(|b| (b.member_id, b.conversation_id))
        .collect();
    keys.sort();
    assert_eq!(keys, vec![(ann, e), (bob, c)]);
    assert_eq!(
        s.unread_for_email(T0 + 11 * HOUR, 1).await.unwrap().len(),
        1
    );
}

#[tokio::test]
async fn reports_attachments_and_the_spam_counters() {
    let app = TestApp::new().await;
    let s = &app.store;
    let [ann, bob, eve] = members(s, &["ann", "bob", "eve"]).await[..] else {
        panic!()
    };
    let c = start(s, ann, &[(bob, ParticipantState::Active)], T0).await;
    let d = start(s, ann, &[(eve, ParticipantState::Request)], T0 + 10).await;
    start(s, bob, &[(eve, ParticipantState::Request)], T0 + 20).await;

    // Reports, with and without the message.
    let m = say(s, c, ann, "rude", T0 + 1).await;
    s.report_conversation(c, bob, Some(m.id), T0 + 2)
        .await
        .unwrap();
    s.report_conversation(c, bob, None, T0 + 3).await.unwrap();
    assert_eq!(count(s, "SELECT COUNT(*) FROM message_reports").await, 2);
    assert_eq!(
        count(
            s,
            &format!(
                "SELECT COUNT(*) FROM message_reports WHERE message_id = {}",
                m.id
            )
        )
        .await,
        1
    );

    // Attachments: kept as given, loaded with their message in every read.
    let a = s
        .create_attachment(&NewAttachment {
            owner_id: ann,
            name: "photo.jpg".into(),
            content_type: "image/jpeg".into(),
            size: 34_567,
            key: "k/photo".into(),
            image: true,
            created_at: T0 + 4,
        })
        .await
        .unwrap();
    assert!(a.image && a.size == 34_567 && a.key == "k/photo" && a.owner_id == ann);
    assert_eq!(s.attachment(a.id).await.unwrap(), Some(a.clone()));
    assert_eq!(s.attachment(a.id + 100).await.unwrap(), None);
    let mut with = msg(c, ann, "", T0 + 5);
    with.attachment_id = Some(a.id);
    let sent = s.add_message(&with).await.unwrap();
    assert_eq!(sent.attachment.as_ref(), Some(&a));
    assert_eq!(
        s.message(sent.id).await.unwrap().unwrap().attachment,
        Some(a.clone())
    );
    let page = s
        .messages(c, Visible::from(&me(s, c, bob).await), None, 10)
        .await
        .unwrap();
    assert_eq!(page[0].attachment.as_ref(), Some(&a));
    assert_eq!(page[1].attachment, None);
    assert_eq!(
        s.last_messages(bob, &[c]).await.unwrap()[0].attachment,
        Some(a.clone())
    );
    assert_eq!(
        s.attachment_message(a.id).await.unwrap().unwrap().id,
        sent.id
    );

    // The spam rules' counters: the sender's messages to strangers since a time, and the
    // conversations they started.
    let mut pitch = msg(d, ann, "pitch", T0 + 11);
    pitch.to_stranger = true;
    s.add_message(&pitch).await.unwrap();
    let mut theirs = msg(d, eve, "no", T0 + 12);
    theirs.to_stranger = true;
    s.add_message(&theirs).await.unwrap();
    assert_eq!(
        s.stranger_messages_since(ann, T0 + 11).await.unwrap(),
        vec![(d, "pitch".to_string())]
    );
    assert!(s
        .stranger_messages_since(ann, T0 + 12)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(s.conversations_started_since(ann, T0).await.unwrap(), 2);
    assert_eq!(
        s.conversations_started_since(ann, T0 + 10).await.unwrap(),
        1
    );
    assert_eq!(
        s.conversations_started_since(ann, T0 + 11).await.unwrap(),
        0
    );
    assert_eq!(s.conversations_started_since(eve, T0).await.unwrap(), 0);
}

#[tokio::test]
async fn search_folds_letters_beyond_ascii() {
    let app = TestApp::new().await;
    let s = &app.store;
    let ann = s.create_member(&new_member("ann"), None).await.unwrap().id;
    let bob = s.create_member(&new_member("bob"), None).await.unwrap().id;
    let c = s
        .create_conversation(&NewConversation {
            group: false,
            title: None,
            created_by: ann,
            others: vec![(bob, ParticipantState::Active)],
            created_at: 1,
        })
        .await
        .unwrap()
        .id;
    s.add_message(&NewMessage {
        conversation_id: c,
        sender_id: ann,
        body: "École Öffnung".into(),
        body_html: "<p>École Öffnung</p>".into(),
        automatic: false,
        held: false,
        to_stranger: false,
        attachment_id: None,
        created_at: 2,
    })
    .await
    .unwrap();
    for needle in ["école", "öffnung", "ole Ö"] {
        let found = s
            .search_messages(bob, &needle.to_lowercase(), None, 10)
            .await
            .unwrap();
        assert_eq!(found.len(), 1, "{needle}");
    }
}

/// Writing a message: a message shown brings the conversation back from every active
/// member's archive (a held one does not), and the sender has read up to their own message
/// (an automatic reply reads nothing for the away member).
#[tokio::test]
async fn a_message_unarchives_the_conversation_and_marks_it_read_for_its_sender() {
    let app = TestApp::new().await;
    let s = &app.store;
    let [ann, bob, cyd] = members(s, &["ann", "bob", "cyd"]).await[..] else {
        panic!()
    };
    let c = start(
        s,
        ann,
        &[
            (bob, ParticipantState::Active),
            (cyd, ParticipantState::Request),
        ],
        T0,
    )
    .await;
    for who in [ann, bob, cyd] {
        s.set_conversation_archived(c, who, true).await.unwrap();
    }
    let held = hold(s, c, bob, "held", T0 + 1).await;
    assert!(
        me(s, c, ann).await.archived,
        "a held message brings nothing back"
    );
    assert_eq!(me(s, c, bob).await.last_read, held.id);
    let shown = say(s, c, bob, "shown", T0 + 2).await;
    assert!(!me(s, c, ann).await.archived && !me(s, c, bob).await.archived);
    assert!(me(s, c, cyd).await.archived, "a request stays where it was");
    assert_eq!(me(s, c, bob).await.last_read, shown.id);
    assert!(me(s, c, ann).await.last_read < shown.id);
    let mut auto = msg(c, ann, "I am away", T0 + 3);
    auto.automatic = true;
    let auto = s.add_message(&auto).await.unwrap();
    assert!(
        me(s, c, ann).await.last_read < auto.id,
        "an automatic reply reads nothing"
    );
}
