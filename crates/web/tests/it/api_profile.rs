//! `/api/v1/me/*`: profile, positions, education, skills, links, photo, handle, strength.

use guild_testkit::{png, TestApp};
use serde_json::json;

#[tokio::test]
async fn profile_update_validates_everything_and_changes_nothing_on_error() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let r = app.patch("/api/v1/me/profile").token(&ann).json(json!({"headline": "Data engineer", "location": "Utrecht", "about": "Line one\nLine two"})).send().await;
    r.assert_status(200);
    assert_eq!(r.json()["profile"]["headline"], "Data engineer");
    let bad = [
        (
            json!({"headline": "x".repeat(221), "location": "Elsewhere"}),
            "headline",
        ),
        (
            json!({"visibility": "friends", "location": "Elsewhere"}),
            "visibility",
        ),
        (
            json!({"website": "javascript:alert(1)", "location": "Elsewhere"}),
            "website",
        ),
        (
            json!({"website": "JAVASCRIPT://x.com", "location": "Elsewhere"}),
            "website",
        ),
        (
            json!({"contact_email": "nope", "location": "Elsewhere"}),
            "contact_email",
        ),
        (
            json!({"phone": "call me", "location": "Elsewhere"}),
            "phone",
        ),
        (
            json!({"headline": "two\nlines", "location": "Elsewhere"}),
            "headline",
        ),
        (
            json!({"about": "y".repeat(2601), "location": "Elsewhere"}),
            "about",
        ),
    ];
    for (body, field) in bad {
        let r = app
            .patch("/api/v1/me/profile")
            .token(&ann)
            .json(body)
            .send()
            .await;
        r.assert_status(422);
        assert!(
            r.json()["error"]["fields"][field].is_string(),
            "{field}: {}",
            r.text()
        );
    }
    let me = app.get("/api/v1/me").token(&ann).send().await.json();
    assert_eq!(
        me["profile"]["location"], "Utrecht",
        "no partial update from a refused request"
    );
    app.patch("/api/v1/me/profile")
        .token(&ann)
        .json(json!({"nickname": "x"}))
        .send()
        .await
        .assert_status(400);
    // an empty string clears
    let r = app
        .patch("/api/v1/me/profile")
        .token(&ann)
        .json(json!({"location": ""}))
        .send()
        .await;
    assert!(r.json()["profile"]["location"].is_null());
    app.patch("/api/v1/me/profile")
        .json(json!({"headline": "anon"}))
        .send()
        .await
        .assert_status(401);
}

#[tokio::test]
async fn changes_others_care_about_become_profile_events() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    app.patch("/api/v1/me/profile")
        .token(&ann)
        .json(json!({"headline": "Founder"}))
        .send()
        .await
        .assert_status(200);
    app.patch("/api/v1/me/profile")
        .token(&ann)
        .json(json!({"headline": "Founder", "about": "same headline: no event"}))
        .send()
        .await
        .assert_status(200);
    app.post("/api/v1/me/positions")
        .token(&ann)
        .json(
            json!({"company": "Initech", "title": "Analyst", "start": "2012-01", "end": "2014-01"}),
        )
        .send()
        .await
        .assert_status(201);
    app.post("/api/v1/me/positions")
        .token(&ann)
        .json(json!({"company": "Acme", "title": "CTO", "start": "2024-05"}))
        .send()
        .await
        .assert_status(201);
    app.post("/api/v1/me/education")
        .token(&ann)
        .json(json!({"school": "Open University", "degree": "MBA", "start_year": 2025}))
        .send()
        .await
        .assert_status(201);
    let events = app.get("/api/v1/me/events").token(&ann).send().await.json();
    let kinds: Vec<&str> = events["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        vec!["new_school", "new_position", "new_headline"],
        "newest first; past position is not news"
    );
    assert_eq!(events["items"][1]["detail"]["company"], "Acme");
}

#[tokio::test]
async fn positions_are_validated_and_only_their_owner_changes_them() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let bo = app.member("bob").await;
    for (body, field) in [
        (
            json!({"company": "Acme", "title": "CTO", "start": "2024-13"}),
            "start",
        ),
        (
            json!({"company": "Acme", "title": "CTO", "start": "May 2024"}),
            "start",
        ),
        (
            json!({"company": "Acme", "title": "CTO", "start": "2024-05", "end": "2023-01"}),
            "end",
        ),
        (
            json!({"company": "", "title": "CTO", "start": "2024-05"}),
            "company",
        ),
        (
            json!({"company": "Acme", "title": "t".repeat(101), "start": "2024-05"}),
            "title",
        ),
        (
            json!({"company": "Acme", "title": "CTO", "start": "2099-01"}),
            "start",
        ),
    ] {
        let r = app
            .post("/api/v1/me/positions")
            .token(&ann)
            .json(body)
            .send()
            .await;
        r.assert_status(422);
        assert!(
            r.json()["error"]["fields"][field].is_string(),
            "{field}: {}",
            r.text()
        );
    }
    let r = app.post("/api/v1/me/positions").token(&ann).json(json!({"company": "Acme", "title": "CTO", "start": "2024-05", "description": "Leading"})).send().await;
    r.assert_status(201);
    let p = r.json()["position"].clone();
    assert_eq!(
        (p["start"].as_str(), p["end"].as_str()),
        (Some("2024-05"), None)
    );
    let id = p["id"].as_str().unwrap().to_string();
    let path = format!("/api/v1/me/positions/{id}");
    app.put(&path)
        .token(&bo)
        .json(json!({"company": "Hacked", "title": "x", "start": "2020-01"}))
        .send()
        .await
        .assert_status(404);
    app.delete(&path).token(&bo).send().await.assert_status(404);
    let me = app.get("/api/v1/me").token(&ann).send().await.json();
    assert_eq!(me["profile"]["positions"][0]["company"], "Acme");
    app.put(&path)
        .token(&ann)
        .json(json!({"company": "Acme Inc", "title": "CTO", "start": "2024-05"}))
        .send()
        .await
        .assert_status(200);
    app.delete(&path)
        .token(&ann)
        .send()
        .await
        .assert_status(204);
    app.delete(&path)
        .token(&ann)
        .send()
        .await
        .assert_status(404);
    app.delete("/api/v1/me/positions/not-a-number")
        .token(&ann)
        .send()
        .await
        .assert_status(404);
}

#[tokio::test]
async fn education_links_and_skills() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let bo = app.member("bob").await;
    let r = app
        .post("/api/v1/me/education")
        .token(&ann)
        .json(json!({"school": "Utrecht University", "start_year": 2012, "end_year": 2010}))
        .send()
        .await;
    r.assert_status(422);
    assert!(r.json()["error"]["fields"]["end_year"].is_string());
    let e = app.post("/api/v1/me/education").token(&ann).json(json!({"school": "Utrecht University", "degree": "MSc", "start_year": 2010, "end_year": 2012})).send().await;
    e.assert_status(201);
    let eid = e.json()["education"]["id"].as_str().unwrap().to_string();
    app.delete(&format!("/api/v1/me/education/{eid}"))
        .token(&bo)
        .send()
        .await
        .assert_status(404);

    let r = app
        .post("/api/v1/me/links")
        .token(&ann)
        .json(json!({"title": "Blog", "url": "data:text/html,<script>x</script>"}))
        .send()
        .await;
    r.assert_status(422);
    let l = app
        .post("/api/v1/me/links")
        .token(&ann)
        .json(json!({"title": "Blog", "url": "https://ann.example/blog"}))
        .send()
        .await;
    l.assert_status(201);
    let lid = l.json()["link"]["id"].as_str().unwrap().to_string();
    app.delete(&format!("/api/v1/me/links/{lid}"))
        .token(&bo)
        .send()
        .await
        .assert_status(404);

    let r = app
        .put("/api/v1/me/skills")
        .token(&ann)
        .json(json!({"skills": ["Rust", "SQL", "rust"]}))
        .send()
        .await;
    r.assert_status(422);
    assert!(r.json()["error"]["fields"]["skills"]
        .as_str()
        .unwrap()
        .contains("twice"));
    let many: Vec<String> = (0..51).map(|i| format!("Skill {i}")).collect();
    app.put("/api/v1/me/skills")
        .token(&ann)
        .json(json!({"skills": many}))
        .send()
        .await
        .assert_status(422);
    let r = app
        .put("/api/v1/me/skills")
        .token(&ann)
        .json(json!({"skills": ["Rust", " SQL ", "Leadership"]}))
        .send()
        .await;
    r.assert_status(200);
    assert_eq!(r.json()["skills"], json!(["Rust", "SQL", "Leadership"]));
    let me = app.get("/api/v1/me").token(&ann).send().await.json();
    assert_eq!(
        me["profile"]["education"][0]["school"],
        "Utrecht University"
    );
    assert_eq!(me["profile"]["links"][0]["url"], "https://ann.example/blog");
    assert_eq!(me["profile"]["skills"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn photos_are_checked_reencoded_and_resized() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let bo = app.member("bob").await;
    let r = app
        .post("/api/v1/me/photo")
        .token(&ann)
        .multipart_file("photo", "me.png", "image/png", &png(900, 600))
        .send()
        .await;
    r.assert_status(200);
    let url = r.json()["photo_url"].as_str().unwrap().to_string();
    let small = r.json()["photo_small_url"].as_str().unwrap().to_string();
    for (u, size) in [(&url, 400), (&small, 100)] {
        let img = app.get(u).send().await;
        img.assert_status(200);
        assert_eq!(img.header("content-type").as_deref(), Some("image/jpeg"));
        let decoded = image::load_from_memory(&img.body).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (size, size));
    }
    // refusals, each with a message, and ann's photo untouched
    let gif = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;";
    for (name, ct, data, needle) in [
        ("a.gif", "image/gif", gif.to_vec(), "not accepted"),
        ("a.txt", "text/plain", b"hello".to_vec(), "not an image"),
        (
            "big.png",
            "image/png",
            {
                let mut v = png(10, 10);
                v.resize(5 * 1024 * 1024 + 10, 0);
                v
            },
            "limit",
        ),
        ("huge.png", "image/png", png(8000, 5001), "megapixels"),
    ] {
        let r = app
            .post("/api/v1/me/photo")
            .token(&ann)
            .multipart_file("photo", name, ct, &data)
            .send()
            .await;
        r.assert_status(422);
        assert!(
            r.json()["error"]["fields"]["photo"]
                .as_str()
                .unwrap()
                .contains(needle),
            "{name}: {}",
            r.text()
        );
    }
    let r = app
        .post("/api/v1/me/photo")
        .token(&ann)
        .multipart_file(
            "photo",
            "x.bin",
            "application/octet-stream",
            &vec![0u8; 7 * 1024 * 1024],
        )
        .send()
        .await;
    assert!(
        r.status.is_client_error(),
        "over the body limit: {}",
        r.status
    );
    let me = app.get("/api/v1/me").token(&ann).send().await.json();
    assert_eq!(me["profile"]["photo_url"], url.as_str());
    // bo's upload changes bo's photo only
    app.post("/api/v1/me/photo")
        .token(&bo)
        .multipart_file("photo", "bo.png", "image/png", &png(100, 100))
        .send()
        .await
        .assert_status(200);
    assert_eq!(
        app.get("/api/v1/me").token(&ann).send().await.json()["profile"]["photo_url"],
        url.as_str()
    );
    app.delete("/api/v1/me/photo")
        .token(&ann)
        .send()
        .await
        .assert_status(204);
    assert!(
        app.get("/api/v1/me").token(&ann).send().await.json()["profile"]["photo_url"].is_null()
    );
    app.get(&url).send().await.assert_status(404);
}

#[tokio::test]
async fn the_strength_meter_rises_and_names_the_next_step() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let s = app.get("/api/v1/me").token(&ann).send().await.json()["strength"].clone();
    assert_eq!(
        (s["level"].as_str(), s["next_key"].as_str()),
        (Some("Beginner"), Some("photo"))
    );
    app.post("/api/v1/me/photo")
        .token(&ann)
        .multipart_file("photo", "me.png", "image/png", &png(200, 200))
        .send()
        .await
        .assert_status(200);
    app.patch("/api/v1/me/profile")
        .token(&ann)
        .json(json!({"headline": "Engineer", "location": "Utrecht"}))
        .send()
        .await
        .assert_status(200);
    let s = app.get("/api/v1/me").token(&ann).send().await.json()["strength"].clone();
    assert_eq!(
        (
            s["level"].as_str(),
            s["done"].as_u64(),
            s["next_key"].as_str()
        ),
        (Some("Intermediate"), Some(3), Some("position"))
    );
    assert_eq!(
        s["next_step"],
        "Add your current position with a description"
    );
}

#[tokio::test]
async fn handles_are_validated_unique_and_move_the_profile() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let _bo = app.member("bob").await;
    for bad in ["admin", "x", "bob", "-ann", "ann smith"] {
        let r = app
            .put("/api/v1/me/handle")
            .token(&ann)
            .json(json!({"handle": bad}))
            .send()
            .await;
        r.assert_status(422);
        assert!(r.json()["error"]["fields"]["handle"].is_string(), "{bad}");
    }
    app.put("/api/v1/me/handle")
        .token(&ann)
        .json(json!({"handle": "Ann-Smith"}))
        .send()
        .await
        .assert_status(200);
    app.get("/api/v1/members/ann-smith")
        .send()
        .await
        .assert_status(200);
    app.get("/api/v1/members/ann")
        .send()
        .await
        .assert_status(404);
}
