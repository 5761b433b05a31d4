//! The record of uploads: claiming checks the owner and the kind, the first use counts, and
//! the uploads nothing used are found oldest first — never an attachment a message carries —
//! and forgotten with their attachment record.

use guild_core::media::store::{MediaStore, StoredUpload};
use guild_core::media::UploadKind;
use guild_core::messaging::model::{NewAttachment, ParticipantState};
use guild_core::messaging::store::MessageStore;
use guild_testkit::TestApp;

use super::messaging::{members, msg, start, HOUR, T0};

fn upload(key: &str, owner: i64, kind: UploadKind, at: i64) -> StoredUpload {
    StoredUpload {
        key: key.into(),
        owner_id: owner,
        kind,
        bytes: 1_000,
        created_at: at,
        used_at: None,
    }
}

#[tokio::test]
async fn uploads_are_claimed_by_their_owner_and_unused_ones_found_and_forgotten() {
    let app = TestApp::new().await;
    let s = &app.store;
    let ids = members(s, &["ann", "bob"]).await;
    let (ann, bob) = (ids[0], ids[1]);
    for (key, owner, kind, at) in [
        ("img1", ann, UploadKind::PostImage, T0),
        ("img2", ann, UploadKind::PostImage, T0 + 1),
        ("img3", bob, UploadKind::PostImage, T0 + 2),
        ("file1", ann, UploadKind::Attachment, T0 + 3),
        ("file2", ann, UploadKind::Attachment, T0 + 4),
    ] {
        s.record_upload(&upload(key, owner, kind, at))
            .await
            .unwrap();
    }
    let mut photo = upload("pic", ann, UploadKind::Photo, T0);
    photo.used_at = Some(T0);
    s.record_upload(&photo).await.unwrap();

    // Only ann's post images are hers to claim: not bob's, not her attachments.
    let keys = |k: &[&str]| k.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let mut claimed = s
        .claim_uploads(
            ann,
            UploadKind::PostImage,
            &keys(&["img1", "img3", "file1", "none"]),
            T0 + 10,
        )
        .await
        .unwrap();
    claimed.sort();
    assert_eq!(claimed, keys(&["img1"]));
    // Claiming again finds it, and the first use stays the time it was used.
    assert_eq!(
        s.claim_uploads(ann, UploadKind::PostImage, &keys(&["img1"]), T0 + 99)
            .await
            .unwrap(),
        keys(&["img1"])
    );

    // file1 goes out in a message: carried, so never unused, claimed or not.
    let c = start(s, ann, &[(bob, ParticipantState::Active)], T0).await;
    let a = s
        .create_attachment(&NewAttachment {
            owner_id: ann,
            name: "notes.txt".into(),
            content_type: "application/octet-stream".into(),
            size: 1_000,
            key: "file1".into(),
            image: false,
            created_at: T0 + 3,
        })
        .await
        .unwrap();
    let mut with = msg(c, ann, "", T0 + 5);
    with.attachment_id = Some(a.id);
    s.add_message(&with).await.unwrap();
    let lone = s
        .create_attachment(&NewAttachment {
            owner_id: ann,
            name: "draft.txt".into(),
            content_type: "application/octet-stream".into(),
            size: 1_000,
            key: "file2".into(),
            image: false,
            created_at: T0 + 4,
        })
        .await
        .unwrap();

    let unused = s.unused_uploads(T0 + HOUR, 10).await.unwrap();
    let names: Vec<&str> = unused.iter().map(|u| u.key.as_str()).collect();
    assert_eq!(names, ["img2", "img3", "file2"]);
    assert_eq!(unused[0].kind, UploadKind::PostImage);
    assert_eq!(unused[2].kind, UploadKind::Attachment);
    assert_eq!(unused[1].owner_id, bob);
    assert_eq!(s.unused_uploads(T0 + 2, 10).await.unwrap().len(), 1);
    assert_eq!(s.unused_uploads(T0 + HOUR, 1).await.unwrap().len(), 1);

    s.forget_uploads(&keys(&["img2", "file2", "file1"]))
        .await
        .unwrap();
    let left: Vec<String> = s
        .unused_uploads(T0 + HOUR, 10)
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.key)
        .collect();
    assert_eq!(left, keys(&["img3"]));
    // The unsent attachment's record went with it; the sent one's stayed.
    assert_eq!(s.attachment(lone.id).await.unwrap(), None);
    assert_eq!(s.attachment(a.id).await.unwrap(), Some(a));
    s.forget_uploads(&[]).await.unwrap();
}

#[tokio::test]
async fn a_post_image_knows_its_post_and_only_the_owners_images_are_linked() {
    use guild_core::feed::store::FeedStore;
    use guild_core::media::store::UploadUse;
    let app = TestApp::new().await;
    let s = &app.store;
    let ids = members(s, &["ann", "bob"]).await;
    let (ann, bob) = (ids[0], ids[1]);
    for (key, owner, kind) in [
        ("img1", ann, UploadKind::PostImage),
        ("img2", bob, UploadKind::PostImage),
        ("pic", ann, UploadKind::Photo),
    ] {
        s.record_upload(&upload(key, owner, kind, T0))
            .await
            .unwrap();
    }
    let post = s
        .create_post(&super::feed::new_post(ann, T0))
        .await
        .unwrap();
    let keys = ["img1", "img2", "pic", "none"].map(String::from);
    s.show_in_post(ann, post.id, &keys).await.unwrap();
    let used = |owner, kind, post_id| {
        Some(UploadUse {
            owner_id: owner,
            kind,
            post_id,
        })
    };
    assert_eq!(
        s.upload_use("img1").await.unwrap(),
        used(ann, UploadKind::PostImage, Some(post.id))
    );
    // Bob's image and ann's photo are not her post's.
    assert_eq!(
        s.upload_use("img2").await.unwrap(),
        used(bob, UploadKind::PostImage, None)
    );
    assert_eq!(
        s.upload_use("pic").await.unwrap(),
        used(ann, UploadKind::Photo, None)
    );
    assert_eq!(s.upload_use("none").await.unwrap(), None);
}
