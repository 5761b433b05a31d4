//! The store contract: the same tests against SQLite and, with `TEST_DATABASE_URL`, against a
//! real PostgreSQL (the test script runs this file both ways).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use guild_core::accounts::model::*;
use guild_core::accounts::store::AccountStore;
use guild_core::domain::{Email, Handle, Role, Visibility, YearMonth};
use guild_core::profiles::model::*;
use guild_core::profiles::store::{DirectoryStore, ProfileStore};
use guild_core::store::{Store, StoreError};
use guild_testkit::TestApp;

mod affinity;
mod away;
mod comments;
mod conversations;
mod feed;
mod held_and_search;
mod media;
mod messaging;
mod network;
mod notifications;
mod outbox;
mod search;
mod stream;
mod unique_keys;

fn new_member(handle: &str) -> NewMember {
    NewMember {
        handle: Handle::parse(handle).unwrap(),
        name: format!("{} Tester", handle.to_uppercase()),
        email: Email::parse(&format!("{handle}@example.com")).unwrap(),
        password_hash: "$argon2id$fake".into(),
        role: Role::Member,
        active: true,
        created_at: 1_700_000_000_000,
    }
}

fn pos(company: &str, start: &str, end: Option<&str>) -> NewPosition {
    NewPosition {
        company: company.into(),
        title: "Engineer".into(),
        description: Some("Built things".into()),
        location: None,
        start: YearMonth::parse(start).unwrap(),
        end: end.map(|e| YearMonth::parse(e).unwrap()),
    }
}

#[tokio::test]
async fn members_are_unique_by_email_and_handle() {
    let app = TestApp::new().await;
    let s = &app.store;
    let ann = s.create_member(&new_member("ann"), None).await.unwrap();
    assert!(ann.id > 0);
    let mut dup = new_member("ann2");
    dup.email = Email::parse("ann@example.com").unwrap();
    assert!(matches!(
        s.create_member(&dup, None).await,
        Err(StoreError::Conflict("email"))
    ));
    let mut dup = new_member("ann");
    dup.email = Email::parse("other@example.com").unwrap();
    assert!(matches!(
        s.create_member(&dup, None).await,
        Err(StoreError::Conflict("handle"))
    ));
    assert_eq!(s.member_by_handle("ann").await.unwrap().unwrap().id, ann.id);
    assert_eq!(
        s.member_by_email("ann@example.com")
            .await
            .unwrap()
            .unwrap()
            .id,
        ann.id
    );
    assert!(s.member_by_id(ann.id + 1000).await.unwrap().is_none());
    assert_eq!(s.count_members().await.unwrap(), 1);
    // a new member gets an empty public profile
    let p = s.profile(ann.id).await.unwrap();
    assert_eq!((p.visibility, p.headline), (Visibility::Public, None));
}

#[tokio::test]
async fn sessions_expire_and_are_revoked() {
    let app = TestApp::new().await;
    let s = &app.store;
    let ann = s.create_member(&new_member("ann"), None).await.unwrap();
    s.create_session("h1", ann.id, 100, 200).await.unwrap();
    s.create_session("h2", ann.id, 100, 200).await.unwrap();
    assert_eq!(
        s.session_member("h1", 150).await.unwrap().unwrap().id,
        ann.id
    );
    assert!(
        s.session_member("h1", 200).await.unwrap().is_none(),
        "expired"
    );
    s.delete_session("h1").await.unwrap();
    assert!(s.session_member("h1", 150).await.unwrap().is_none());
    s.delete_member_sessions(ann.id).await.unwrap();
    assert!(s.session_member("h2", 150).await.unwrap().is_none());
}

#[tokio::test]
async fn tokens_belong_to_their_member() {
    let app = TestApp::new().await;
    let s = &app.store;
    let ann = s.create_member(&new_member("ann"), None).await.unwrap();
    let bo = s.create_member(&new_member("bob"), None).await.unwrap();
    let id = s.create_token(ann.id, "laptop", "th", 10).await.unwrap();
    assert_eq!(s.token_member("th", 11).await.unwrap().unwrap().id, ann.id);
    assert_eq!(
        s.list_tokens(ann.id).await.unwrap()[0].last_used_at,
        Some(11)
    );
    assert!(s.list_tokens(bo.id).await.unwrap().is_empty());
    assert!(
        !s.revoke_token(bo.id, id, 12).await.unwrap(),
        "bo cannot revoke ann's token"
    );
    assert!(s.token_member("th", 13).await.unwrap().is_some());
    assert!(s.revoke_token(ann.id, id, 14).await.unwrap());
    assert!(s.token_member("th", 15).await.unwrap().is_none());
    assert!(
        !s.revoke_token(ann.id, id, 16).await.unwrap(),
        "already revoked"
    );
}

#[tokio::test]
async fn an_email_token_is_checked_without_being_used() {
    let app = TestApp::new().await;
    let s = &app.store;
    let ann = s.create_member(&new_member("ann"), None).await.unwrap();
    s.create_email_token("r", ann.id, EmailTokenPurpose::Reset, 1000)
        .await
        .unwrap();
    for _ in 0..2 {
        assert!(s
            .email_token_valid("r", EmailTokenPurpose::Reset, 10)
            .await
            .unwrap());
    }
    assert!(!s
        .email_token_valid("r", EmailTokenPurpose::Confirm, 10)
        .await
        .unwrap());
    assert!(
        !s.email_token_valid("r", EmailTokenPurpose::Reset, 1000)
            .await
            .unwrap(),
        "expired"
    );
    assert!(!s
        .email_token_valid("nope", EmailTokenPurpose::Reset, 10)
        .await
        .unwrap());
    s.take_email_token("r", EmailTokenPurpose::Reset, 10)
        .await
        .unwrap();
    assert!(
        !s.email_token_valid("r", EmailTokenPurpose::Reset, 11)
            .await
            .unwrap(),
        "used"
    );
}

#[tokio::test]
async fn a_server_key_is_made_once_and_read_back() {
    let app = TestApp::new().await;
    let s = &app.store;
    assert_eq!(s.server_key("unsubscribe", "first").await.unwrap(), "first");
    assert_eq!(
        s.server_key("unsubscribe", "second").await.unwrap(),
        "first"
    );
    assert_eq!(s.server_key("other", "third").await.unwrap(), "third");
}

#[tokio::test]
async fn email_tokens_work_once_for_their_purpose() {
    let app = TestApp::new().await;
    let s = &app.store;
    let ann = s.create_member(&new_member("ann"), None).await.unwrap();
    s.create_email_token("r", ann.id, EmailTokenPurpose::Reset, 1000)
        .await
        .unwrap();
    assert_eq!(
        s.take_email_token("r", EmailTokenPurpose::Confirm, 10)
            .await
            .unwrap(),
        None,
        "wrong purpose"
    );
    assert_eq!(
        s.take_email_token("r", EmailTokenPurpose::Reset, 10)
            .await
            .unwrap(),
        Some(ann.id)
    );
    assert_eq!(
        s.take_email_token("r", EmailTokenPurpose::Reset, 11)
            .await
            .unwrap(),
        None,
        "used"
    );
    s.create_email_token("old", ann.id, EmailTokenPurpose::Reset, 1000)
        .await
        .unwrap();
    assert_eq!(
        s.take_email_token("old", EmailTokenPurpose::Reset, 1000)
            .await
            .unwrap(),
        None,
        "expired"
    );
}

#[tokio::test]
async fn signup_invites_are_single_use() {
    let app = TestApp::new().await;
    let s = &app.store;
    let admin = s
        .create_member(&new_member("root-admin"), None)
        .await
        .unwrap();
    s.create_signup_invite("inv", admin.id, 0, i64::MAX)
        .await
        .unwrap();
    assert!(s.signup_invite_valid("inv", 1).await.unwrap());
    let mut m = new_member("ann");
    m.created_at = 5;
    s.create_member(&m, Some("inv")).await.unwrap();
    assert!(!s.signup_invite_valid("inv", 6).await.unwrap());
    let mut m = new_member("bob");
    m.created_at = 7;
    assert!(matches!(
        s.create_member(&m, Some("inv")).await,
        Err(StoreError::Conflict("invite"))
    ));
    assert!(
        s.member_by_handle("bob").await.unwrap().is_none(),
        "nothing half-written"
    );
}

#[tokio::test]
async fn profile_patch_sets_clears_and_records_events_atomically() {
    let app = TestApp::new().await;
    let s = &app.store;
    let ann = s.create_member(&new_member("ann"), None).await.unwrap();
    let patch = ProfilePatch {
        headline: Some(Some("Data engineer".into())),
        location: Some(Some("Utrecht, Netherlands".into())),
        visibility: Some(Visibility::Members),
        name: Some("Ann de Vries".into()),
        ..Default::default()
    };
    let ev = NewProfileEvent {
        kind: ProfileEventKind::NewHeadline,
        detail: serde_json::json!({"headline": "Data engineer"}),
    };
    let p = s.update_profile(ann.id, &patch, &[ev], 50).await.unwrap();
    assert_eq!(p.headline.as_deref(), Some("Data engineer"));
    assert_eq!(p.visibility, Visibility::Members);
    assert_eq!(
        s.member_by_id(ann.id).await.unwrap().unwrap().name,
        "Ann de Vries"
    );
    // leave alone vs clear
    let p = s
        .update_profile(
            ann.id,
            &ProfilePatch {
                about: Some(Some("Hi".into())),
                ..Default::default()
            },
            &[],
            60,
        )
        .await
        .unwrap();
    assert_eq!(
        (p.headline.as_deref(), p.about.as_deref()),
        (Some("Data engineer"), Some("Hi"))
    );
    let p = s
        .update_profile(
            ann.id,
            &ProfilePatch {
                headline: Some(None),
                ..Default::default()
            },
            &[],
            70,
        )
        .await
        .unwrap();
    assert_eq!(p.headline, None);
    let events = s.profile_events(ann.id, 10).await.unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].kind, ProfileEventKind::NewHeadline);
    assert_eq!(events[0].detail["headline"], "Data engineer");
}

/// On SQLite, writes queue for the one writer connection and reads run beside it on
/// connections that cannot write; concurrent writes through the store all land.
#[tokio::test]
async fn sqlite_reads_cannot_write_and_concurrent_writes_all_land() {
    let app = TestApp::new().await;
    let s = &app.store;
    if let guild_store::Pool::Sqlite(readers) = &s.reads {
        let refused = sqlx::query("DELETE FROM members").execute(readers).await;
        assert!(refused.is_err(), "a reader wrote");
        let guild_store::Pool::Sqlite(writer) = &s.pool else {
            panic!("one backend for both pools");
        };
        assert_eq!(writer.options().get_max_connections(), 1);
    }
    let ann = s.create_member(&new_member("ann"), None).await.unwrap().id;
    let views: Vec<_> = (0..40)
        .map(|day| {
            let s = s.clone();
            tokio::spawn(async move {
                s.record_profile_views(&[ProfileViewed {
                    member: ann,
                    viewer: ann,
                    day,
                    at: day,
                }])
                .await
            })
        })
        .collect();
    for v in views {
        v.await.unwrap().unwrap();
    }
    assert_eq!(s.profile_view_count(ann, 0).await.unwrap(), 40);
}

/// An hourly limit lets exactly `max` of many attempts made at once through, and a refusal
/// says when the oldest counted attempt was.
#[tokio::test]
async fn a_rate_limit_lets_exactly_its_maximum_through_when_attempts_race() {
    use guild_core::ratelimit::RateStore;
    let app = TestApp::new().await;
    let s = &app.store;
    let tries: Vec<_> = (0..20)
        .map(|k| {
            let s = s.clone();
            tokio::spawn(async move { s.rate_hit("posts:7", 5, 1_000, 2_000 + k).await })
        })
        .collect();
    let mut allowed = 0;
    for t in tries {
        match t.await.unwrap().unwrap() {
            Ok(()) => allowed += 1,
            Err(oldest) => assert!((2_000..2_020).contains(&oldest), "{oldest}"),
        }
    }
    assert_eq!(allowed, 5);
    assert_eq!(s.rate_count("posts:7", 1_000).await.unwrap(), 5);
    // Older attempts fall out of the window; another key is counted apart.
    assert_eq!(
        s.rate_hit("posts:7", 5, 2_100, 2_200).await.unwrap(),
        Ok(())
    );
    assert_eq!(s.rate_hit("posts:8", 1, 0, 2_200).await.unwrap(), Ok(()));
    assert!(s.rate_hit("posts:8", 1, 0, 2_201).await.unwrap().is_err());
    assert_eq!(
        s.rate_hit("posts:9", 0, 0, 2_201).await.unwrap(),
        Err(2_201)
    );
}

#[tokio::test]
async fn profile_views_count_each_viewer_once_a_day_in_a_batch() {
    let app = TestApp::new().await;
    let s = &app.store;
    let ann = s.create_member(&new_member("ann"), None).await.unwrap().id;
    let bob = s.create_member(&new_member("bob"), None).await.unwrap().id;
    let cyd = s.create_member(&new_member("cyd"), None).await.unwrap().id;
    let view = |viewer, day| ProfileViewed {
        member: ann,
        viewer,
        day,
        at: day * 86_400_000 + 5,
    };
    let batch = [
        view(bob, 10),
        view(bob, 10),
        view(cyd, 10),
        view(bob, 11),
        view(cyd + 1_000, 11),
    ];
    s.record_profile_views(&batch).await.unwrap();
    s.record_profile_views(&batch[..2]).await.unwrap();
    assert_eq!(
        s.profile_view_count(ann, 10).await.unwrap(),
        3,
        "bob twice on day 10 is once; a viewer gone is skipped"
    );
    assert_eq!(s.profile_view_count(ann, 11).await.unwrap(), 1);
    assert_eq!(s.profile_view_count(bob, 0).await.unwrap(), 0);
}

#[tokio::test]
async fn positions_education_links_are_owned() {
    let app = TestApp::new().await;
    let s = &app.store;
    let ann = s.create_member(&new_member("ann"), None).await.unwrap();
    let bo = s.create_member(&new_member("bob"), None).await.unwrap();
    let old = s
        .add_position(ann.id, &pos("Initech", "2015-01", Some("2018-06")), None, 1)
        .await
        .unwrap();
    let cur = s
        .add_position(ann.id, &pos("Acme", "2019-03", None), None, 2)
        .await
        .unwrap();
    let list = s.positions(ann.id).await.unwrap();
    assert_eq!(
        list.iter().map(|p| p.id).collect::<Vec<_>>(),
        vec![cur.id, old.id],
        "current first"
    );
    assert_eq!(list[1].end.unwrap().to_string(), "2018-06");
    assert!(s
        .update_position(bo.id, cur.id, &pos("Evil", "2019-03", None), 3)
        .await
        .unwrap()
        .is_none());
    assert!(!s.delete_position(bo.id, cur.id).await.unwrap());
    assert_eq!(s.positions(ann.id).await.unwrap()[0].company, "Acme");
    let upd = s
        .update_position(ann.id, cur.id, &pos("Acme Corp", "2019-03", None), 4)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(upd.company, "Acme Corp");
    assert!(s.delete_position(ann.id, old.id).await.unwrap());

    let e = NewEducation {
        school: "Utrecht University".into(),
        degree: Some("MSc".into()),
        field: None,
        start_year: Some(2010),
        end_year: Some(2012),
    };
    let ed = s.add_education(ann.id, &e, None, 5).await.unwrap();
    assert!(!s.delete_education(bo.id, ed.id).await.unwrap());
    assert_eq!(s.education(ann.id).await.unwrap()[0].start_year, Some(2010));

    let l = s
        .add_link(ann.id, "Blog", "https://ann.example")
        .await
        .unwrap();
    assert!(!s.delete_link(bo.id, l.id).await.unwrap());
    assert!(s.delete_link(ann.id, l.id).await.unwrap());
}

#[tokio::test]
async fn skills_keep_order_and_are_unique_ignoring_case() {
    let app = TestApp::new().await;
    let s = &app.store;
    let ann = s.create_member(&new_member("ann"), None).await.unwrap();
    s.set_skills(ann.id, &["Rust".into(), "SQL".into(), "Go".into()])
        .await
        .unwrap();
    assert_eq!(s.skills(ann.id).await.unwrap(), vec!["Rust", "SQL", "Go"]);
    assert!(matches!(
        s.set_skills(ann.id, &["Rust".into(), "rust".into()]).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(
        s.skills(ann.id).await.unwrap(),
        vec!["Rust", "SQL", "Go"],
        "a failed replace changes nothing"
    );
}

async fn seed(s: &dyn Store, n: usize) {
    let mut all = Vec::new();
    for i in 0..n {
        let mut m = new_member(&format!("member-{i:03}"));
        m.name = format!(
            "{} {}",
            ["Ann", "Bo", "Cy", "Dee"][i % 4],
            ["Smith", "de Vries", "Okafor"][i % 3]
        );
        all.push(SeedMember {
            member: m,
            headline: Some(format!("Person {i}")),
            about: None,
            location: Some(["Utrecht, Netherlands", "Lagos, Nigeria"][i % 2].into()),
            visibility: [
                Visibility::Public,
                Visibility::Members,
                Visibility::Connections,
            ][i % 3],
            positions: vec![pos(["Acme", "Initech"][i % 2], "2020-01", None)],
            education: vec![NewEducation {
                school: "Utrecht University".into(),
                degree: None,
                field: None,
                start_year: None,
                end_year: None,
            }],
            skills: if i % 5 == 0 {
                vec!["Rust".into()]
            } else {
                vec![]
            },
        });
    }
    s.seed_members(&all).await.unwrap();
}

#[tokio::test]
async fn directory_filters_visibility_and_keyset_pages() {
    let app = TestApp::new().await;
    let s = &app.store;
    seed(s, 60).await;
    let everyone = [Visibility::Public, Visibility::Members];
    let q = |f: &dyn Fn(&mut DirectoryQuery)| {
        let mut q = DirectoryQuery {
            visible: everyone.to_vec(),
            limit: 100,
            ..Default::default()
        };
        f(&mut q);
        q
    };
    // 60 members, a third connections-only
    assert_eq!(s.directory(&q(&|_| {})).await.unwrap().len(), 40);
    let public_only = DirectoryQuery {
        visible: vec![Visibility::Public],
        limit: 100,
        ..Default::default()
    };
    assert_eq!(s.directory(&public_only).await.unwrap().len(), 20);
    // filters
    let acme = s
        .directory(&q(&|q| q.company = Some("acme".into())))
        .await
        .unwrap();
    assert!(
        !acme.is_empty()
            && acme
                .iter()
                .all(|c| c.current_company.as_deref() == Some("Acme"))
    );
    let devries = s
        .directory(&q(&|q| q.name = Some("de vr".into())))
        .await
        .unwrap();
    assert!(!devries.is_empty() && devries.iter().all(|c| c.name.contains("de Vries")));
    let lagos = s
        .directory(&q(&|q| q.location = Some("Lagos".into())))
        .await
        .unwrap();
    assert!(
        !lagos.is_empty()
            && lagos
                .iter()
                .all(|c| c.location.as_deref() == Some("Lagos, Nigeria"))
    );
    let rust = s
        .directory(&q(&|q| q.skill = Some("RUST".into())))
        .await
        .unwrap();
    assert_eq!(
        rust.len(),
        8,
        "every 5th member has Rust; 2 of those 12 are connections-only"
    );
    assert_eq!(
        s.directory(&q(&|q| q.school = Some("utrecht university".into())))
            .await
            .unwrap()
            .len(),
        40
    );
    assert!(
        s.directory(&q(&|q| q.name = Some("%".into())))
            .await
            .unwrap()
            .is_empty(),
        "% is literal"
    );
    // keyset pages: disjoint, ordered, complete
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let page = s
            .directory(&q(&|q| {
                q.limit = 7;
                q.after = after.clone();
            }))
            .await
            .unwrap();
        if page.is_empty() {
            break;
        }
        after = page.last().map(|c| (c.sort_key.clone(), c.id));
        seen.extend(page.into_iter().map(|c| (c.sort_key, c.id)));
    }
    assert_eq!(seen.len(), 40);
    assert!(seen.windows(2).all(|w| w[0] < w[1]));
    // the viewer sees their own connections-only entry
    let own = s.member_by_handle("member-002").await.unwrap().unwrap();
    let with_me = s.directory(&q(&|q| q.viewer = Some(own.id))).await.unwrap();
    assert_eq!(with_me.len(), 41);
}

#[tokio::test]
async fn seeding_in_bulk_keeps_every_row_with_its_member() {
    let app = TestApp::new().await;
    let s = &app.store;
    seed(s, 450).await; // more than one multi-row statement per table
    assert_eq!(s.count_members().await.unwrap(), 450);
    for i in [0usize, 199, 200, 449] {
        let m = s
            .member_by_handle(&format!("member-{i:03}"))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            s.positions(m.id).await.unwrap()[0].company,
            ["Acme", "Initech"][i % 2]
        );
        assert_eq!(s.skills(m.id).await.unwrap().len(), usize::from(i % 5 == 0));
        assert_eq!(
            s.profile(m.id).await.unwrap().headline,
            Some(format!("Person {i}"))
        );
    }
}
