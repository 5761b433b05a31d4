//! `/api/v1/members`: profiles as each viewer may see them, and the directory.

use guild_testkit::TestApp;
use serde_json::json;

#[tokio::test]
async fn profile_visibility_is_honoured_for_each_viewer() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let bo = app.member("bob").await;
    app.patch("/api/v1/me/profile").token(&ann).json(json!({"headline": "Engineer", "contact_email": "ann@work.example", "phone": "+31 20 123 4567", "contact_visibility": "members"})).send().await.assert_status(200);

    let anon = app.get("/api/v1/members/ann").send().await;
    anon.assert_status(200);
    let a = anon.json();
    assert_eq!(a["member"]["headline"], "Engineer");
    assert!(a["degree"].is_null());
    assert_eq!(a["mutual_count"], 0);
    assert!(
        a["profile"]["contact_email"].is_null(),
        "contact is for members only"
    );
    assert!(!anon.text().contains("ann@work.example"));
    let seen = app
        .get("/api/v1/members/ann")
        .token(&bo)
        .send()
        .await
        .json();
    assert_eq!(seen["profile"]["contact_email"], "ann@work.example");
    assert!(
        !app.get("/api/v1/members/ann")
            .token(&bo)
            .send()
            .await
            .text()
            .contains("ann@example.com"),
        "the account email is never shown"
    );

    app.patch("/api/v1/me/profile")
        .token(&ann)
        .json(json!({"visibility": "members"}))
        .send()
        .await
        .assert_status(200);
    app.get("/api/v1/members/ann")
        .send()
        .await
        .assert_status(401);
    app.get("/api/v1/members/ann")
        .token(&bo)
        .send()
        .await
        .assert_status(200);

    app.patch("/api/v1/me/profile")
        .token(&ann)
        .json(json!({"visibility": "connections", "contact_visibility": "connections"}))
        .send()
        .await
        .assert_status(200);
    let r = app.get("/api/v1/members/ann").token(&bo).send().await;
    r.assert_status(403);
    assert!(!r.text().contains("Engineer"));
    let own = app.get("/api/v1/members/ann").token(&ann).send().await;
    own.assert_status(200);
    assert_eq!(own.json()["profile"]["contact_email"], "ann@work.example");
    app.get("/api/v1/members/nobody-here")
        .send()
        .await
        .assert_status(404);
}

#[tokio::test]
async fn directory_filters_pages_and_hides_what_it_must() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let bo = app.member("bob").await;
    let cy = app.member("cyd").await;
    for (m, company, loc, skill) in [
        (&ann, "Acme", "Utrecht", "Rust"),
        (&bo, "Initech", "Lagos", "Go"),
        (&cy, "Acme", "Lagos", "Rust"),
    ] {
        app.post("/api/v1/me/positions")
            .token(m)
            .json(json!({"company": company, "title": "Engineer", "start": "2020-01"}))
            .send()
            .await
            .assert_status(201);
        app.patch("/api/v1/me/profile")
            .token(m)
            .json(json!({"location": loc}))
            .send()
            .await
            .assert_status(200);
        app.put("/api/v1/me/skills")
            .token(m)
            .json(json!({"skills": [skill]}))
            .send()
            .await
            .assert_status(200);
    }
    app.post("/api/v1/me/education")
        .token(&bo)
        .json(json!({"school": "Lagos Business School"}))
        .send()
        .await
        .assert_status(201);
    let handles = |v: serde_json::Value| {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["handle"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        handles(app.get("/api/v1/members?company=ACME").send().await.json()),
        ["ann", "cyd"]
    );
    assert_eq!(
        handles(
            app.get("/api/v1/members?company=acme&location=lag")
                .send()
                .await
                .json()
        ),
        ["cyd"]
    );
    assert_eq!(
        handles(app.get("/api/v1/members?skill=rust").send().await.json()),
        ["ann", "cyd"]
    );
    assert_eq!(
        handles(
            app.get("/api/v1/members?school=lagos%20business%20school")
                .send()
                .await
                .json()
        ),
        ["bob"]
    );
    assert_eq!(
        handles(app.get("/api/v1/members?q=b").send().await.json()),
        ["bob"]
    );
    // pages of one
    let p1 = app.get("/api/v1/members?limit=1").send().await.json();
    assert_eq!(handles(p1.clone()), ["ann"]);
    let c = p1["next_cursor"].as_str().unwrap();
    let p2 = app
        .get(&format!("/api/v1/members?limit=1&cursor={c}"))
        .send()
        .await
        .json();
    assert_eq!(handles(p2.clone()), ["bob"]);
    let p3 = app
        .get(&format!(
            "/api/v1/members?limit=1&cursor={}",
            p2["next_cursor"].as_str().unwrap()
        ))
        .send()
        .await
        .json();
    assert_eq!(handles(p3.clone()), ["cyd"]);
    assert!(p3["next_cursor"].is_null());
    // bad input
    for q in [
        "limit=0",
        "limit=101",
        "cursor=@@@",
        "limit=abc",
        "sort=name",
    ] {
        let r = app.get(&format!("/api/v1/members?{q}")).send().await;
        assert!(r.status == 400 || r.status == 422, "{q}: {}", r.status);
        assert!(r.json()["error"]["code"].is_string());
    }
    // visibility: members-only profiles are hidden from anonymous visitors, connections-only from others
    app.patch("/api/v1/me/profile")
        .token(&bo)
        .json(json!({"visibility": "members"}))
        .send()
        .await
        .assert_status(200);
    app.patch("/api/v1/me/profile")
        .token(&cy)
        .json(json!({"visibility": "connections"}))
        .send()
        .await
        .assert_status(200);
    assert_eq!(
        handles(app.get("/api/v1/members").send().await.json()),
        ["ann"]
    );
    assert_eq!(
        handles(app.get("/api/v1/members").token(&ann).send().await.json()),
        ["ann", "bob"]
    );
    assert_eq!(
        handles(app.get("/api/v1/members").token(&cy).send().await.json()),
        ["ann", "bob", "cyd"]
    );
}

#[tokio::test]
async fn pending_accounts_are_not_listed() {
    let app = TestApp::new().await;
    app.post("/api/v1/auth/signup").json(json!({"name": "Pending Person", "email": "p@example.com", "password": "long enough pw"})).send().await.assert_status(201);
    assert_eq!(
        app.get("/api/v1/members").send().await.json()["items"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
}
