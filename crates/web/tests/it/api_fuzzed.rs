//! What fuzzing the API against its document found wrong in the server, each kept from
//! coming back: answers whose shape or status did not match what the document (and the
//! API's conventions) say.

use guild_core::media::UploadKind;
use guild_testkit::TestMember;
use guild_testkit::{png, TestApp};
use serde_json::json;

/// `who` posts "Hello"; its id.
async fn hello(app: &TestApp, who: &TestMember) -> String {
    app.post("/api/v1/posts")
        .token(who)
        .json(json!({"body": "Hello"}))
        .send()
        .await
        .json()["post"]["id"]
        .as_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn the_token_list_is_a_list_page() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let r = app.get("/api/v1/auth/tokens").token(&ann).send().await;
    r.assert_status(200);
    let body = r.json();
    assert!(body["items"].is_array(), "{body}");
    assert!(body["next_cursor"].is_null(), "{body}");
    assert!(body["items"][0]["id"].is_string());
}

/// Ids are strings everywhere in the API, those of positions, education and links included
/// (they were numbers).
#[tokio::test]
async fn profile_item_ids_are_strings() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let p = app
        .post("/api/v1/me/positions")
        .token(&ann)
        .json(json!({"company": "Acme", "title": "CTO", "start": "2020-01"}))
        .send()
        .await;
    p.assert_status(201);
    assert!(p.json()["position"]["id"].is_string());
    let e = app
        .post("/api/v1/me/education")
        .token(&ann)
        .json(json!({"school": "Utrecht University"}))
        .send()
        .await;
    e.assert_status(201);
    assert!(e.json()["education"]["id"].is_string());
    let l = app
        .post("/api/v1/me/links")
        .token(&ann)
        .json(json!({"title": "Blog", "url": "https://ann.example"}))
        .send()
        .await;
    l.assert_status(201);
    assert!(l.json()["link"]["id"].is_string());
    let me = app.get("/api/v1/me").token(&ann).send().await.json();
    for list in ["positions", "education", "links"] {
        assert!(me["profile"][list][0]["id"].is_string(), "{list}");
    }
    let events = app.get("/api/v1/me/events").token(&ann).send().await.json();
    assert!(events["next_cursor"].is_null());
}

/// A refused link names the API's own fields (`title`, `url`), not the page form's
/// (`link_title`, `link_url`); the page keeps its names.
#[tokio::test]
async fn a_refused_link_names_the_fields_of_the_request() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let r = app
        .post("/api/v1/me/links")
        .token(&ann)
        .json(json!({"title": " ", "url": "ftp://ann.example"}))
        .send()
        .await;
    r.assert_status(422);
    let fields = r.json()["error"]["fields"].clone();
    assert!(fields["title"].is_string(), "{fields}");
    assert!(fields["url"].is_string(), "{fields}");
    assert!(fields.get("link_url").is_none(), "{fields}");
}

/// JSON Schema counts `2019.0` as an integer, so the API reads it as 2019; a fraction is
/// still malformed.
#[tokio::test]
async fn a_whole_year_written_with_a_fraction_is_that_year() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let r = app
        .post("/api/v1/me/education")
        .token(&ann)
        .json(json!({"school": "Utrecht University", "start_year": 2010.0, "end_year": 2012}))
        .send()
        .await;
    r.assert_status(201);
    assert_eq!(r.json()["education"]["start_year"], 2010);
    let r = app
        .post("/api/v1/me/education")
        .token(&ann)
        .json(json!({"school": "Utrecht University", "start_year": 2010.5}))
        .send()
        .await;
    r.assert_status(400);
    assert_eq!(r.error_code(), "bad_request");
}

/// The optional bodies: none, or `null`, is no body.
#[tokio::test]
async fn a_null_optional_body_is_no_body() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    app.post("/api/v1/notifications/read")
        .token(&ann)
        .raw_body("application/json", "null")
        .send()
        .await
        .assert_status(204);
    let post = hello(&app, &ann).await;
    let r = app
        .post(&format!("/api/v1/posts/{post}/reposts"))
        .token(&bob)
        .raw_body("application/json", "null")
        .send()
        .await;
    r.assert_status(201);
}

/// An upload form the server cannot read is refused on its file field as not whole, never as
/// "the file is too large"; a form with another field is a malformed request (400: the
/// API's forms have one field); a file over the limit is still refused for its size.
#[tokio::test]
async fn a_broken_upload_form_is_not_too_large_and_only_a_large_file_is() {
    let app = TestApp::with_settings(|s| s.limits.photo_max_bytes = 1024 * 1024).await;
    let ann = app.member("ann").await;
    let field = UploadKind::Photo.field();
    let boundary = "b0undary";
    let broken = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"a\x13b\"\r\n\r\nx\r\n--{boundary}--\r\n"
    );
    let r = app
        .post("/api/v1/me/photo")
        .token(&ann)
        .raw_body(&format!("multipart/form-data; boundary={boundary}"), broken)
        .send()
        .await;
    r.assert_status(422);
    let said = r.json()["error"]["fields"][field].to_string();
    assert!(said.contains("did not arrive whole"), "{said}");
    assert!(!said.contains("MB"), "{said}");
    let r = app
        .post("/api/v1/me/photo")
        .token(&ann)
        .multipart(
            &[("other", "x")],
            &[(field, "me.png", "image/png", &png(8, 8))],
        )
        .send()
        .await;
    r.assert_status(400);
    let r = app
        .post("/api/v1/me/photo")
        .token(&ann)
        .multipart_file(field, "me.png", "image/png", &png(8, 8))
        .send()
        .await;
    r.assert_status(200);
    let big = vec![7u8; 2 * 1024 * 1024];
    let r = app
        .post("/api/v1/me/photo")
        .token(&ann)
        .multipart_file(field, "big.png", "image/png", &big)
        .send()
        .await;
    r.assert_status(422);
    let said = r.json()["error"]["fields"][field].to_string();
    assert!(said.contains("MB"), "{said}");
}

/// A request body is a JSON object, as the document says. serde reads a struct from an array
/// of all its fields in order too, so `["Hello", "anyone", "post", null, [], null]` was a post
/// saying "Hello" and `[[]]` marked no notification read, both answered as successes (found
/// by Schemathesis); now any other JSON value is malformed.
#[tokio::test]
async fn a_body_that_is_not_an_object_is_malformed() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    for (path, body) in [
        (
            "/api/v1/posts",
            r#"["Hello", "anyone", "post", null, [], null]"#,
        ),
        ("/api/v1/posts", r#" ["Hello"]"#),
        ("/api/v1/notifications/read", "[[]]"),
        ("/api/v1/notifications/read", "[null]"),
    ] {
        let r = app
            .post(path)
            .token(&ann)
            .raw_body("application/json", body)
            .send()
            .await;
        r.assert_status(400);
        assert_eq!(r.error_code(), "bad_request", "{path} {body}");
    }
    let r = app
        .put("/api/v1/me/skills")
        .token(&ann)
        .raw_body("application/json", r#"[["Rust"]]"#)
        .send()
        .await;
    r.assert_status(400);
    let posts = app
        .get("/api/v1/members/ann/posts")
        .token(&ann)
        .send()
        .await
        .json();
    assert_eq!(posts["items"], json!([]), "{posts}");
    // An object is read as before, and no body or `null` is still no body where it may be.
    app.post("/api/v1/posts")
        .token(&ann)
        .raw_body("application/json", r#" {"body": "Hello"}"#)
        .send()
        .await
        .assert_status(201);
    app.post("/api/v1/notifications/read")
        .token(&ann)
        .raw_body("application/json", " null ")
        .send()
        .await
        .assert_status(204);
}

/// Schemathesis (stateful, seed 20261207): a repost's own text with a control character
/// (U+0081) was accepted, though the document's pattern and a post's own text refuse it. It
/// is refused on `body` and nothing is written.
#[tokio::test]
async fn a_repost_text_with_a_control_character_is_refused() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    let post = hello(&app, &ann).await;
    let r = app
        .post(&format!("/api/v1/posts/{post}/reposts"))
        .token(&bob)
        .json(json!({"body": "½¯\u{0081}"}))
        .send()
        .await;
    r.assert_status(422);
    assert!(
        r.json()["error"]["fields"]["body"].is_string(),
        "{}",
        r.text()
    );
    let mine = app
        .get("/api/v1/members/bob/posts")
        .token(&bob)
        .send()
        .await
        .json();
    assert_eq!(mine["items"], json!([]), "{mine}");
    // Line breaks are text, not control characters to refuse.
    app.post(&format!("/api/v1/posts/{post}/reposts"))
        .token(&bob)
        .json(json!({"body": "Worth a read:\nsee this"}))
        .send()
        .await
        .assert_status(201);
}
