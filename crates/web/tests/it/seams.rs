//! Rules that the pages and the API share, checked through both so they cannot drift apart
//! again: reposting, upload limits from the settings, one paging rule on every list, and the
//! upload pipeline (private files never public, unused uploads swept).

use guild_core::DAY_MS;
use guild_testkit::{png, TestApp, TestMember};
use serde_json::json;

async fn post(app: &TestApp, author: &TestMember, body: &str, visibility: &str) -> String {
    let r = app
        .post("/api/v1/posts")
        .token(author)
        .json(json!({"body": body, "visibility": visibility}))
        .send()
        .await;
    r.assert_status(201);
    r.json()["post"]["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn reposting_ones_own_post_is_refused_alike_by_the_page_and_the_api() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    let own = post(&app, &ann, "My own news", "anyone").await;
    let bobs = post(&app, &bob, "Bob's news", "anyone").await;

    // The API refuses, and says why.
    let r = app
        .post(&format!("/api/v1/posts/{own}/reposts"))
        .token(&ann)
        .send()
        .await;
    r.assert_status(403);
    assert_eq!(r.error_code(), "not_repostable");
    let why = r.json()["error"]["message"].as_str().unwrap().to_string();
    assert!(why.contains("your own post"), "{why}");
    let mine = app
        .get(&format!("/api/v1/posts/{own}"))
        .token(&ann)
        .send()
        .await;
    assert_eq!(mine.json()["post"]["can_repost"], false);

    // The page offers no repost on it, and the form action gives the same answer.
    let page = app.get(&format!("/posts/{own}")).session(&ann).send().await;
    page.assert_status(200);
    assert!(!page
        .text()
        .contains(&format!("action=\"/posts/{own}/repost\"")));
    let r = app
        .post(&format!("/posts/{own}/repost"))
        .session(&ann)
        .form(&[("body", "")])
        .send()
        .await;
    r.assert_status(403);
    assert!(r.text().contains(&why), "{}", r.text());
    let count = app
        .get(&format!("/api/v1/members/{}/posts", ann.handle))
        .token(&ann)
        .send()
        .await;
    assert_eq!(count.json()["items"].as_array().unwrap().len(), 1);

    // Someone else's post for anyone: offered by the page, accepted by both.
    assert_eq!(
        app.get(&format!("/api/v1/posts/{bobs}"))
            .token(&ann)
            .send()
            .await
            .json()["post"]["can_repost"],
        true
    );
    let page = app
        .get(&format!("/posts/{bobs}"))
        .session(&ann)
        .send()
        .await;
    assert!(page
        .text()
        .contains(&format!("action=\"/posts/{bobs}/repost\"")));
    app.post(&format!("/posts/{bobs}/repost"))
        .session(&ann)
        .form(&[("body", "")])
        .send()
        .await
        .assert_status(303);
    app.post(&format!("/api/v1/posts/{bobs}/reposts"))
        .token(&ann)
        .send()
        .await
        .assert_status(201);
}

/// 12 MiB: over the 11 MiB body cap that once sat in the web layer whatever the settings said.
const BIG: usize = 12 * 1024 * 1024;

#[tokio::test]
async fn an_attachment_over_11_mib_follows_the_configured_limit() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let big = vec![b'x'; BIG];
    let r = app
        .post("/api/v1/attachments")
        .token(&ann)
        .multipart_file("file", "big.bin", "application/octet-stream", &big)
        .send()
        .await;
    r.assert_status(422);
    assert_eq!(
        r.json()["error"]["fields"]["file"],
        "The file is larger than 10 MB."
    );
    // The page says the same beside its file field.
    let bob = app.member("bob").await;
    app.connect(&ann, &bob).await;
    let r = app
        .post("/messages")
        .session(&ann)
        .multipart(
            &[("to", "bob"), ("body", "the report")],
            &[("file", "big.bin", "application/octet-stream", &big)],
        )
        .send()
        .await;
    r.assert_status(422);
    assert!(r.text().contains("The file is larger than 10 MB."));

    let app = TestApp::with_settings(|s| s.limits.attachment_max_bytes = 16 * 1024 * 1024).await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    app.connect(&ann, &bob).await;
    let r = app
        .post("/api/v1/attachments")
        .token(&ann)
        .multipart_file("file", "big.bin", "application/octet-stream", &big)
        .send()
        .await;
    r.assert_status(201);
    assert_eq!(r.json()["size"], BIG);
    let r = app
        .post("/messages")
        .session(&ann)
        .multipart(
            &[("to", "bob"), ("body", "the report")],
            &[("file", "big.bin", "application/octet-stream", &big)],
        )
        .send()
        .await;
    r.assert_status(303);
    let too_big = vec![b'x'; 17 * 1024 * 1024];
    let r = app
        .post("/api/v1/attachments")
        .token(&ann)
        .multipart_file("file", "big.bin", "application/octet-stream", &too_big)
        .send()
        .await;
    r.assert_status(422);
    assert_eq!(
        r.json()["error"]["fields"]["file"],
        "The file is larger than 16 MB."
    );
}

/// A PNG of noise, which does not compress: as large as a real photo.
fn noise_png(width: u32, height: u32) -> Vec<u8> {
    let mut state: u32 = 7;
    let img = image::RgbImage::from_fn(width, height, |_, _| {
        state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        let [a, b, c, _] = state.to_le_bytes();
        image::Rgb([a, b, c])
    });
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

#[tokio::test]
async fn the_composer_takes_images_as_large_as_the_settings_allow() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    // A photo-sized image, far over the 64 KiB of an ordinary form.
    let picture = noise_png(600, 500);
    assert!(picture.len() > 200 * 1024, "{}", picture.len());
    let r = app
        .post("/posts")
        .session(&ann)
        .multipart(
            &[("body", "From the conference"), ("visibility", "anyone")],
            &[("images", "a.png", "image/png", &picture)],
        )
        .send()
        .await;
    r.assert_status(303);
    let posts = app
        .get(&format!("/api/v1/members/{}/posts", ann.handle))
        .token(&ann)
        .send()
        .await;
    let urls = posts.json()["items"][0]["image_urls"].clone();
    assert_eq!(urls.as_array().unwrap().len(), 1, "{urls}");
    // Five images are refused before any is kept, beside the images field.
    let five: Vec<(&str, &str, &str, &[u8])> = (0..5)
        .map(|_| ("images", "a.png", "image/png", &picture[..]))
        .collect();
    let r = app
        .post("/posts")
        .session(&ann)
        .multipart(&[("body", "Too many"), ("visibility", "anyone")], &five)
        .send()
        .await;
    r.assert_status(422);
    assert!(r.text().contains("at most 4 images"), "{}", r.text());
}

#[tokio::test]
async fn a_tampered_cursor_or_limit_is_refused_on_every_paged_route() {
    let app = TestApp::new().await;
    let ann = app.admin("ann").await;
    let bob = app.member("bob").await;
    app.connect(&ann, &bob).await;
    let p = post(&app, &ann, "Hello #rust", "anyone").await;
    let r = app
        .post("/api/v1/conversations")
        .token(&ann)
        .json(json!({"to": ["bob"], "body": "hi"}))
        .send()
        .await;
    r.assert_status(201);
    let c = r.json()["conversation"]["id"].as_str().unwrap().to_string();
    let routes = [
        "/api/v1/connections".to_string(),
        "/api/v1/me/followers".into(),
        "/api/v1/me/following".into(),
        "/api/v1/members/bob/mutuals".into(),
        "/api/v1/invitations".into(),
        "/api/v1/members".into(),
        format!("/api/v1/posts/{p}/comments"),
        "/api/v1/members/ann/posts".into(),
        "/api/v1/feed".into(),
        "/api/v1/hashtags/rust".into(),
        "/api/v1/notifications".into(),
        "/api/v1/conversations".into(),
        format!("/api/v1/conversations/{c}/messages"),
        "/api/v1/messages/search?q=hi".into(),
        "/api/v1/admin/held-messages".into(),
    ];
    for route in &routes {
        let sep = if route.contains('?') { '&' } else { '?' };
        // Not base64; base64 of text that is no key ("xx", "abc:def").
        for bad in ["%25%25%25", "eHg", "YWJjOmRlZg"] {
            let r = app
                .get(&format!("{route}{sep}cursor={bad}"))
                .token(&ann)
                .send()
                .await;
            r.assert_status(422);
            assert_eq!(r.error_code(), "invalid_input", "{route}");
            assert!(
                r.json()["error"]["fields"]["cursor"].is_string(),
                "{route}: {}",
                r.text()
            );
        }
        let r = app
            .get(&format!("{route}{sep}limit=0"))
            .token(&ann)
            .send()
            .await;
        r.assert_status(422);
        assert!(
            r.json()["error"]["fields"]["limit"].is_string(),
            "{route}: {}",
            r.text()
        );
        // And the first page still reads.
        app.get(route).token(&ann).send().await.assert_status(200);
    }
}

#[tokio::test]
async fn uploads_nothing_used_are_deleted_after_a_day_and_private_files_are_never_public() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let upload = |name: &'static str| {
        app.post("/api/v1/media").token(&ann).multipart_file(
            "image",
            name,
            "image/png",
            &png(40, 30),
        )
    };
    let used = upload("used.png").send().await;
    used.assert_status(201);
    let unused = upload("unused.png").send().await;
    unused.assert_status(201);
    let key = |r: &guild_testkit::Resp| r.json()["key"].as_str().unwrap().to_string();
    let (used_key, unused_key) = (key(&used), key(&unused));
    app.post("/api/v1/posts")
        .token(&ann)
        .json(json!({"body": "With a picture", "images": [used_key]}))
        .send()
        .await
        .assert_status(201);
    // Another member cannot put ann's upload in their post.
    let bob = app.member("bob").await;
    let r = app
        .post("/api/v1/posts")
        .token(&bob)
        .json(json!({"body": "Not mine", "images": [unused_key]}))
        .send()
        .await;
    r.assert_status(422);
    assert!(r.json()["error"]["fields"]["images"].is_string());
    let file = app
        .post("/api/v1/attachments")
        .token(&ann)
        .multipart_file("file", "notes.txt", "text/plain", b"private notes")
        .send()
        .await;
    file.assert_status(201);

    // Within the day, nothing goes.
    let now = guild_core::now_ms();
    assert_eq!(app.guild.sweep_unused_uploads(now).await.unwrap(), 0);
    let image = |k: &str| format!("/media/posts/{k}.jpg");
    // Before a post shows it, only its uploader sees it.
    app.get(&image(&unused_key))
        .session(&ann)
        .send()
        .await
        .assert_status(200);
    app.get(&image(&unused_key)).send().await.assert_status(404);
    // Attachments are not served as public media, whatever the path.
    let stored = app.dir.path().join("media/files");
    let names: Vec<String> = std::fs::read_dir(&stored)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
    app.get(&format!("/media/files/{}", names[0]))
        .send()
        .await
        .assert_status(404);

    // A day later: the unused image and the unsent file are gone, the used image stays.
    assert_eq!(
        app.guild
            .sweep_unused_uploads(now + DAY_MS + 1)
            .await
            .unwrap(),
        2
    );
    app.get(&image(&unused_key)).send().await.assert_status(404);
    app.get(&image(&used_key)).send().await.assert_status(200);
    assert_eq!(std::fs::read_dir(&stored).unwrap().count(), 0);
    let id = file.json()["id"].as_str().unwrap().to_string();
    app.get(&format!("/api/v1/attachments/{id}"))
        .token(&ann)
        .send()
        .await
        .assert_status(404);
    assert_eq!(
        app.guild
            .sweep_unused_uploads(now + 2 * DAY_MS)
            .await
            .unwrap(),
        0
    );
}

#[tokio::test]
async fn pages_state_the_limits_that_core_checks() {
    use guild_core::lengths;
    let app = TestApp::with_settings(|s| {
        s.limits.attachment_max_bytes = 24 * 1024 * 1024;
        s.limits.photo_max_bytes = 3 * 1024 * 1024;
    })
    .await;
    let ann = app.member("ann").await;
    let edit = app.get("/me/edit").session(&ann).send().await.text();
    let headline = format!("maxlength=\"{}\"", lengths::HEADLINE);
    let at = edit.find("name=\"headline\"").unwrap();
    let tag = &edit[edit[..at].rfind('<').unwrap()..at + edit[at..].find('>').unwrap()];
    assert!(tag.contains(&headline), "{tag}");
    assert!(edit.contains("JPEG, PNG or WebP, up to 3 MB"));
    // One character over what the page allows is what the service refuses.
    let r = app
        .patch("/api/v1/me/profile")
        .token(&ann)
        .json(json!({"headline": "h".repeat(lengths::HEADLINE + 1)}))
        .send()
        .await;
    r.assert_status(422);
    let said = r.json()["error"]["fields"]["headline"].to_string();
    assert!(said.contains(&lengths::HEADLINE.to_string()), "{said}");
    app.patch("/api/v1/me/profile")
        .token(&ann)
        .json(json!({"headline": "h".repeat(lengths::HEADLINE)}))
        .send()
        .await
        .assert_status(200);
    let compose = app.get("/messages/new").session(&ann).send().await.text();
    assert!(compose.contains("(optional, up to 24 MB)"), "{compose}");
    assert!(compose.contains(&format!("maxlength=\"{}\"", lengths::MESSAGE)));
}

#[tokio::test]
async fn the_top_bar_shows_counts_read_for_the_page_and_never_a_made_up_one() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    app.post("/api/v1/invitations")
        .token(&bob)
        .json(json!({"to": "ann"}))
        .send()
        .await
        .assert_status(201);
    let badge = |html: &str| {
        let at = html.find("id=\"pending-count\"").unwrap();
        html[at..at + html[at..].find("</span>").unwrap()].to_string()
    };
    let home = app.get("/").session(&ann).send().await.text();
    let b = badge(&home);
    assert!(
        b.contains("aria-label=\"1 pending invitation\"") && !b.contains("hidden"),
        "{b}"
    );
    // An unknown address is answered outside the pages' router: no count was read there,
    // so none is shown (not a "?", not a stale number).
    let lost = app.get("/no/such/page").session(&ann).send().await;
    lost.assert_status(404);
    let b = badge(&lost.text());
    assert!(b.contains("hidden") && !b.contains('?'), "{b}");
}
