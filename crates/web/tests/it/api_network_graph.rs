//! Degrees, mutual connections, "how you're connected", network counts, a connections-only
//! profile, People You May Know and the OpenAPI document, through `/api/v1`.

use guild_testkit::TestApp;
use serde_json::{json, Value};

use crate::api_network::{get_json, handles, invite_id, list, members, profile};

#[tokio::test]
async fn degrees_mutuals_paths_and_counts() {
    let app = TestApp::new().await;
    let m = members(
        &app,
        &["ann", "bob", "cyd", "dan", "eve", "gus", "hal", "ivy"],
    )
    .await;
    let (ann, bob, cyd, dan, eve) = (&m[0], &m[1], &m[2], &m[3], &m[4]);
    let (gus, hal, ivy) = (&m[5], &m[6], &m[7]);
    for (a, b) in [
        (ann, bob),
        (bob, cyd),
        (cyd, dan),
        (dan, eve),
        (gus, hal),
        (hal, ivy),
        (ivy, gus),
    ] {
        app.connect(a, b).await;
    }
    for (h, degree, mutuals) in [
        ("bob", Some(1), 0),
        ("cyd", Some(2), 1),
        ("dan", Some(3), 0),
        ("eve", None, 0),
        ("gus", None, 0),
        ("ann", None, 0),
    ] {
        let p = profile(&app, ann, h).await.json();
        assert_eq!(p["degree"].as_u64(), degree, "{h}: {p}");
        assert_eq!(p["mutual_count"], mutuals, "{h}");
    }
    assert_eq!(profile(&app, ann, "ann").await.json()["relation"], "me");
    let dir = get_json(&app, ann, "/api/v1/members?limit=100").await;
    let degrees: Vec<(String, Option<u64>)> = dir["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["handle"].as_str().unwrap().to_string(),
                i["degree"].as_u64(),
            )
        })
        .collect();
    assert_eq!(
        &degrees[..5],
        [
            ("ann".into(), None),
            ("bob".into(), Some(1)),
            ("cyd".into(), Some(2)),
            ("dan".into(), Some(3)),
            ("eve".into(), None)
        ]
    );
    assert_eq!(dir["items"][2]["mutual_count"], 1);
    assert!(
        app.get("/api/v1/members/cyd").send().await.json()["degree"].is_null(),
        "anonymous"
    );

    assert_eq!(
        list(&app, ann, "/api/v1/members/cyd/mutuals").await,
        ["bob"]
    );
    assert!(list(&app, ann, "/api/v1/members/dan/mutuals")
        .await
        .is_empty());
    assert_eq!(
        list(&app, gus, "/api/v1/members/hal/mutuals").await,
        ["ivy"]
    );
    assert_eq!(profile(&app, gus, "hal").await.json()["mutual_count"], 1);
    app.get("/api/v1/members/nobody-here/mutuals")
        .token(ann)
        .send()
        .await
        .assert_status(404);

    let path = |v: Value| -> Vec<String> {
        v["path"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        path(get_json(&app, ann, "/api/v1/members/dan/path").await),
        ["Ann", "Bob", "Cyd", "Dan"]
    );
    assert_eq!(
        path(get_json(&app, ann, "/api/v1/members/cyd/path").await),
        ["Ann", "Bob", "Cyd"]
    );
    assert_eq!(
        path(get_json(&app, ann, "/api/v1/members/bob/path").await),
        ["Ann", "Bob"]
    );
    assert_eq!(
        path(get_json(&app, eve, "/api/v1/members/bob/path").await),
        ["Eve", "Dan", "Cyd", "Bob"]
    );
    let p = get_json(&app, ann, "/api/v1/members/dan/path").await;
    assert_eq!(p["path"][2]["degree"], 2);
    for h in ["eve", "gus", "ann", "nobody-here"] {
        assert_eq!(
            app.get(&format!("/api/v1/members/{h}/path"))
                .token(ann)
                .send()
                .await
                .status,
            404,
            "{h}"
        );
    }
    assert_eq!(
        path(get_json(&app, gus, "/api/v1/members/hal/path").await),
        ["Gus", "Hal"]
    );

    let stats = |v: Value| {
        (
            v["first"].as_u64().unwrap(),
            v["second"].as_u64().unwrap(),
            v["third"].as_u64().unwrap(),
        )
    };
    assert_eq!(
        stats(get_json(&app, ann, "/api/v1/network/stats").await),
        (1, 1, 1)
    );
    assert_eq!(
        stats(get_json(&app, cyd, "/api/v1/network/stats").await),
        (2, 2, 0)
    );
    assert_eq!(
        stats(get_json(&app, gus, "/api/v1/network/stats").await),
        (2, 0, 0)
    );
}

#[tokio::test]
async fn a_connections_only_profile_opens_to_connections() {
    let app = TestApp::new().await;
    let (ann, bob, cyd) = (
        app.member("ann").await,
        app.member("bob").await,
        app.member("cyd").await,
    );
    app.patch("/api/v1/me/profile")
        .token(&ann)
        .json(json!({"visibility": "connections", "headline": "Private person"}))
        .send()
        .await
        .assert_status(200);
    app.connect(&ann, &cyd).await;
    let r = profile(&app, &bob, "ann").await;
    r.assert_status(403);
    assert!(!r.text().contains("Private person"));
    let r = profile(&app, &cyd, "ann").await;
    r.assert_status(200);
    assert_eq!(r.json()["member"]["headline"], "Private person");
    let cyds = get_json(&app, &cyd, "/api/v1/connections").await;
    assert_eq!(cyds["items"][0]["member"]["headline"], "Private person");
    // Lists about her are closed to non-connections too.
    app.get("/api/v1/members/ann/mutuals")
        .token(&bob)
        .send()
        .await
        .assert_status(404);
    app.delete("/api/v1/connections/ann")
        .token(&cyd)
        .send()
        .await
        .assert_status(204);
    profile(&app, &cyd, "ann").await.assert_status(403);
}

#[tokio::test]
async fn people_you_may_know_explains_itself_and_leaves_out_whom_it_must() {
    let app = TestApp::new().await;
    let m = members(
        &app,
        &[
            "ann", "bob", "cyd", "dan", "eve", "fay", "gus", "hal", "ivy", "jay", "kim",
        ],
    )
    .await;
    let (ann, bob, cyd, dan, eve, fay) = (&m[0], &m[1], &m[2], &m[3], &m[4], &m[5]);
    let (gus, hal, ivy, jay, kim) = (&m[6], &m[7], &m[8], &m[9], &m[10]);
    for (a, b) in [
        (ann, bob),
        (ann, cyd),
        (bob, dan),
        (cyd, dan),
        (bob, fay),
        (fay, kim),
        (cyd, hal),
        (bob, ivy),
        (cyd, jay),
    ] {
        app.connect(a, b).await;
    }
    for (who, start, end) in [
        (ann, "2017-03", "2021-06"),
        (eve, "2019-01", "2023-01"),
        (gus, "2010-01", "2012-01"),
    ] {
        app.post("/api/v1/me/positions")
            .token(who)
            .json(json!({"company": "Acme", "title": "Engineer", "start": start, "end": end}))
            .send()
            .await
            .assert_status(201);
    }
    for who in [ann, fay] {
        app.patch("/api/v1/me/profile")
            .token(who)
            .json(json!({"location": "Utrecht"}))
            .send()
            .await
            .assert_status(200);
    }
    invite_id(&app, ann, hal).await;
    invite_id(&app, ivy, ann).await;
    app.put("/api/v1/blocks/jay")
        .token(ann)
        .send()
        .await
        .assert_status(204);

    let v = get_json(&app, ann, "/api/v1/pymk").await;
    let mut got = handles(&v);
    got.sort();
    // Not connections, not invited or inviting, not blocked, not gus (Acme, but years apart).
    assert_eq!(got, ["dan", "eve", "fay"], "{v}");
    let reasons = |v: &Value, h: &str| -> Vec<String> {
        let item = v["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["member"]["handle"] == h)
            .unwrap_or_else(|| panic!("{h} in {v}"));
        assert!(item["score"].as_f64().unwrap() > 0.0);
        item["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r.as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(reasons(&v, "dan"), ["2 mutual connections"]);
    assert_eq!(reasons(&v, "eve"), ["Both at Acme 2019–2021"]);
    assert_eq!(
        reasons(&v, "fay"),
        ["1 mutual connection", "Also in Utrecht"]
    );
    assert_eq!(handles(&v)[0], "dan", "two mutuals outweigh the rest");
    let dan_item = &v["items"][0]["member"];
    assert_eq!(
        (
            dan_item["degree"].as_u64(),
            dan_item["mutual_count"].as_u64()
        ),
        (Some(2), Some(2))
    );
    assert_eq!(list(&app, ann, "/api/v1/pymk?limit=1").await, ["dan"]);
    app.get("/api/v1/pymk?limit=0")
        .token(ann)
        .send()
        .await
        .assert_status(422);

    app.post("/api/v1/pymk/dan/dismiss")
        .token(ann)
        .send()
        .await
        .assert_status(204);
    app.post("/api/v1/pymk/nobody-here/dismiss")
        .token(ann)
        .send()
        .await
        .assert_status(404);
    assert!(!list(&app, ann, "/api/v1/pymk")
        .await
        .contains(&"dan".to_string()));
    // A new connection changes the list at once; a dismissed member never comes back.
    app.connect(ann, fay).await;
    let mut got = list(&app, ann, "/api/v1/pymk").await;
    got.sort();
    assert_eq!(got, ["eve", "kim"]);
    assert_eq!(
        reasons(&get_json(&app, ann, "/api/v1/pymk").await, "kim"),
        ["1 mutual connection"]
    );
}

#[tokio::test]
async fn openapi_lists_the_network_routes() {
    let app = TestApp::new().await;
    let doc = app.get("/api/v1/openapi.json").send().await;
    doc.assert_status(200);
    let paths = doc.json()["paths"].clone();
    for p in [
        "/api/v1/invitations",
        "/api/v1/invitations/summary",
        "/api/v1/invitations/{id}/accept",
        "/api/v1/invitations/{id}/ignore",
        "/api/v1/invitations/{id}/dont-know",
        "/api/v1/invitations/{id}/withdraw",
        "/api/v1/connections",
        "/api/v1/connections/{handle}",
        "/api/v1/follows/{handle}",
        "/api/v1/blocks/{handle}",
        "/api/v1/members/{handle}/mutuals",
        "/api/v1/members/{handle}/path",
        "/api/v1/network/stats",
        "/api/v1/pymk",
        "/api/v1/pymk/{handle}/dismiss",
        "/api/v1/me/invite-policy",
    ] {
        assert!(
            paths[p].is_object(),
            "{p} missing from the OpenAPI document"
        );
    }
    assert!(
        paths["/api/v1/invitations"]["post"].is_object()
            && paths["/api/v1/invitations"]["get"].is_object()
    );
    assert!(
        paths["/api/v1/blocks/{handle}"]["put"].is_object()
            && paths["/api/v1/blocks/{handle}"]["delete"].is_object()
    );
}
