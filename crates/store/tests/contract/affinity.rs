//! What People You May Know's affinity index reads on both backends: every active member's
//! place, employers and schools (inactive members left out, rows in the order added), the
//! index built from them finding exactly the colleagues the store's query finds, and changes
//! to positions and education announced on the change stream as the member's profile.

use guild_core::accounts::model::NewMember;
use guild_core::network::affinity::AffinityIndex;
use guild_core::network::store::NetworkStore;
use guild_core::profiles::model::{NewEducation, ProfilePatch};
use guild_core::profiles::store::ProfileStore;
use guild_core::store::Store;
use guild_core::stream::model::{ChangeKind as K, ChangeOp as Op};
use guild_core::stream::store::StreamStore;
use guild_testkit::TestApp;

use super::stream::settled;
use super::{new_member, pos};

fn school(name: &str) -> NewEducation {
    NewEducation {
        school: name.into(),
        degree: None,
        field: None,
        start_year: Some(2010),
        end_year: Some(2014),
    }
}

async fn member(s: &dyn Store, handle: &str, active: bool) -> i64 {
    let m = NewMember {
        active,
        ..new_member(handle)
    };
    s.create_member(&m, None).await.unwrap().id
}

#[tokio::test]
async fn the_index_holds_active_members_and_finds_the_stores_colleagues() {
    let app = TestApp::new().await;
    let s = &app.store;
    let a = member(s, "ann", true).await;
    let b = member(s, "bob", true).await;
    let c = member(s, "cyd", true).await;
    let d = member(s, "dan", false).await;
    for (who, company, start) in [
        (b, "Acme", "2019-01"),
        (b, "Initech", "2020-01"),
        (b, "ACME", "2021-01"),
        (c, "Acme", "2020-01"),
        (d, "Acme", "2020-01"),
        (a, "Initech", "2018-01"),
    ] {
        s.add_position(who, &pos(company, start, None), None, 1)
            .await
            .unwrap();
    }
    for who in [a, c, d] {
        s.add_education(who, &school("TU Delft"), None, 1)
            .await
            .unwrap();
    }

    let mut all = s.active_affinities(None).await.unwrap();
    all.sort_by_key(|x| x.member);
    assert_eq!(
        all.iter().map(|x| x.member).collect::<Vec<_>>(),
        vec![a, b, c]
    );
    let bob = &all[1];
    assert_eq!(
        bob.jobs.iter().map(|j| j.0.as_str()).collect::<Vec<_>>(),
        ["Acme", "Initech", "ACME"]
    );
    assert_eq!(bob.jobs[2].1, "acme");
    assert_eq!(all[0].schools[0].0, "TU Delft");
    // Of these members, the active ones; the request-time read takes anyone.
    let some = s.active_affinities(Some(&[b, d])).await.unwrap();
    assert_eq!(some.iter().map(|x| x.member).collect::<Vec<_>>(), vec![b]);
    assert!(s.active_affinities(Some(&[])).await.unwrap().is_empty());
    assert_eq!(s.affinities(&[d]).await.unwrap().len(), 1);

    let index = AffinityIndex::load(all);
    let companies = ["acme".to_string(), "initech".to_string()];
    let schools = ["tu delft".to_string()];
    for limit in [1, 2, 3, 10] {
        for (cs, ss) in [(&companies[..1], &[][..]), (&companies[..], &schools[..])] {
            let mut sql = s.colleagues(cs, ss, limit).await.unwrap();
            sql.sort_unstable();
            assert_eq!(index.colleagues(cs, ss, limit), sql, "limit {limit}");
        }
    }

    // A place set later, read back.
    let patch = ProfilePatch {
        location: Some(Some("Utrecht".into())),
        ..ProfilePatch::default()
    };
    s.update_profile(c, &patch, &[], 2).await.unwrap();
    let cyd = s.active_affinities(Some(&[c])).await.unwrap();
    assert_eq!(cyd[0].location.as_deref(), Some("Utrecht"));
    assert_eq!(cyd[0].location_key.as_deref(), Some("utrecht"));
}

#[tokio::test]
async fn positions_and_education_are_announced_as_the_members_profile() {
    let app = TestApp::new().await;
    let s = &app.store;
    let a = member(s, "ann", true).await;
    let head = s.stream_head().await.unwrap();
    let p = s
        .add_position(a, &pos("Acme", "2020-01", None), None, 1)
        .await
        .unwrap();
    s.update_position(a, p.id, &pos("Initech", "2020-01", None), 2)
        .await
        .unwrap()
        .unwrap();
    assert!(s.delete_position(a, p.id).await.unwrap());
    let e = s
        .add_education(a, &school("TU Delft"), None, 3)
        .await
        .unwrap();
    assert!(s.delete_education(a, e.id).await.unwrap());
    let want = [
        (K::Profile, Op::Insert, Some(a), None),
        (K::Profile, Op::Update, Some(a), None),
        (K::Profile, Op::Delete, Some(a), None),
    ];
    let got = settled(s, head, |g| {
        g.iter().filter(|c| want.contains(c)).count() >= 5
    })
    .await;
    let profile: Vec<_> = got.iter().filter(|c| want.contains(c)).collect();
    assert_eq!(
        profile,
        [&want[0], &want[1], &want[2], &want[0], &want[2]],
        "{got:?}"
    );
}
