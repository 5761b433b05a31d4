//! Posts as pages show them ([`PostRow`]), and the post pages: one post with its comments,
//! an article's page, editing, and the form actions (write, react, comment, repost, delete).

use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use guild_core::auth::Viewer;
use guild_core::feed::model::{PostKind, PostVisibility, ReactionKind};
use guild_core::feed::{CommentInput, CommentView, FeedItem, PostInput, PostStats, PostView};
use guild_core::CoreError;
use serde::{Deserialize, Serialize};

use super::cards::Card;
use super::form::{refuse, Form, PageForm};
use super::{date, fail, path_id, render, see_other, Layout};
use crate::error::PageResult;
use crate::extract::CurrentViewer;
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/posts", post(create))
        .route("/posts/{id}", get(show))
        .route("/articles/{id}", get(show))
        .route("/posts/{id}/edit", get(show_edit).post(save_edit))
        .route("/posts/{id}/delete", post(delete))
        .route("/posts/{id}/react", post(react))
        .route("/posts/{id}/repost", post(repost))
        .route("/posts/{id}/comments", post(comment))
        .route("/comments/{id}/delete", post(delete_comment))
        .route("/comments/{id}/react", post(react_comment))
        .route("/articles/new", get(show_new_article))
}

/// A reaction button: its value, its label, and whether it is the viewer's.
pub struct ReactionButton {
    pub kind: &'static str,
    pub label: &'static str,
    pub mine: bool,
}

/// A post, ready for `_posts.html`.
pub struct PostRow {
    pub id: i64,
    pub url: String,
    pub author: Card,
    pub kind: &'static str,
    pub title: Option<String>,
    pub body_html: String,
    pub audience: &'static str,
    pub created: String,
    pub edited: bool,
    pub images: Vec<String>,
    pub cover: Option<String>,
    pub reactions: i64,
    pub comments: i64,
    pub reposts: i64,
    pub impressions: i64,
    pub buttons: Vec<ReactionButton>,
    pub mine: bool,
    pub is_update: bool,
    pub repostable: bool,
    /// A repost: the original it credits.
    pub original: Option<Box<PostRow>>,
    pub original_missing: bool,
    /// Feed only: the one reason, and "Why am I seeing this?".
    pub reason: Option<String>,
    pub why: Vec<String>,
}

impl PostRow {
    pub fn counts_line(&self) -> String {
        let part = |n: i64, one: &str, many: &str| match n {
            0 => None,
            1 => Some(format!("1 {one}")),
            n => Some(format!("{n} {many}")),
        };
        [
            part(self.reactions, "reaction", "reactions"),
            part(self.comments, "comment", "comments"),
            part(self.reposts, "repost", "reposts"),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" · ")
    }
}

impl From<&PostView> for PostRow {
    fn from(v: &PostView) -> Self {
        let p = &v.post;
        let mine = v.my_reaction;
        PostRow {
            id: p.id,
            url: v.url(),
            author: Card::from(&v.author),
            kind: p.kind.as_str(),
            title: p.title.clone(),
            body_html: p.body_html.clone(),
            audience: match p.visibility {
                PostVisibility::Anyone => "Anyone",
                PostVisibility::Connections => "Connections",
            },
            created: date(p.created_at),
            edited: v.edited(),
            images: v.image_urls(),
            cover: v.cover_url(),
            reactions: p.counts.reactions,
            comments: p.counts.comments,
            reposts: p.counts.reposts,
            impressions: p.counts.impressions,
            buttons: ReactionKind::ALL
                .into_iter()
                .map(|k| ReactionButton {
                    kind: k.as_str(),
                    label: k.label(),
                    mine: mine == Some(k),
                })
                .collect(),
            mine: v.mine,
            is_update: p.kind == PostKind::Update,
            repostable: p.visibility == PostVisibility::Anyone && !v.mine,
            original: v.original.as_deref().map(|o| Box::new(PostRow::from(o))),
            original_missing: v.original_missing(),
            reason: None,
            why: Vec::new(),
        }
    }
}

impl From<&FeedItem> for PostRow {
    fn from(i: &FeedItem) -> Self {
        let mut row = PostRow::from(&i.post);
        row.reason = Some(i.reason.clone());
        row.why = i.why.lines.iter().skip(1).cloned().collect();
        row
    }
}

pub struct CommentRow {
    pub id: i64,
    pub author: Card,
    pub body_html: String,
    pub created: String,
    pub edited: bool,
    pub reactions: i64,
    pub liked: bool,
    pub can_delete: bool,
    pub is_reply: bool,
    /// The thread a reply joins (the top-level comment's id).
    pub thread: i64,
}

impl From<&CommentView> for CommentRow {
    fn from(v: &CommentView) -> Self {
        let c = &v.comment;
        CommentRow {
            id: c.id,
            author: Card::from(&v.author),
            body_html: c.body_html.clone(),
            created: date(c.created_at),
            edited: c.edited_at.is_some(),
            reactions: c.reactions,
            liked: v.my_reaction.is_some(),
            can_delete: v.can_delete,
            is_reply: c.parent_id.is_some(),
            thread: c.parent_id.unwrap_or(c.id),
        }
    }
}

#[derive(Template)]
#[template(path = "post.html")]
struct PostPage {
    layout: Layout,
    post: PostRow,
    article: bool,
    stats: Option<PostStats>,
    comments: Vec<CommentRow>,
    more_comments: Option<String>,
    form: Form,
    notice: Option<&'static str>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ShowQuery {
    done: Option<String>,
    comments: Option<String>,
}

async fn post_page(
    state: &AppState,
    v: &Viewer,
    id: i64,
    form: Form,
    cursor: Option<&str>,
    notice: Option<&'static str>,
) -> Result<PostPage, CoreError> {
    let view = state.post(v, id).await?;
    let stats = if view.mine {
        Some(state.post_stats(v, id).await?)
    } else {
        None
    };
    let page = state.comments(v, id, cursor, Some(50)).await?;
    let article = view.post.kind == PostKind::Article;
    let title = view
        .post
        .title
        .clone()
        .unwrap_or_else(|| format!("Post by {}", view.author.card.name));
    Ok(PostPage {
        layout: Layout::new(&title, v.member()),
        post: PostRow::from(&view),
        article,
        stats,
        comments: page.items.iter().map(CommentRow::from).collect(),
        more_comments: page.next_cursor,
        form,
        notice,
    })
}

async fn show(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Path(raw): Path<String>,
    Query(q): Query<ShowQuery>,
) -> PageResult<Response> {
    let here = format!("/posts/{raw}");
    let id = path_id(&raw).map_err(|e| fail(e, &v, &here))?;
    let notice = match q.done.as_deref() {
        Some("posted") => Some("Posted."),
        Some("edited") => Some("Your changes are saved."),
        Some("reposted") => Some("Reposted."),
        Some("comment-deleted") => Some("The comment was deleted."),
        _ => None,
    };
    let page = post_page(
        &state,
        &v,
        id,
        Form::default(),
        q.comments.as_deref(),
        notice,
    )
    .await
    .map_err(|e| fail(e, &v, &here))?;
    Ok(render(StatusCode::OK, &page))
}

#[derive(Template)]
#[template(path = "post_edit.html")]
struct EditPage {
    layout: Layout,
    id: i64,
    article: bool,
    form: Form,
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ComposeForm {
    pub body: String,
    pub visibility: String,
    pub kind: String,
    pub title: String,
}

async fn show_edit(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Path(raw): Path<String>,
) -> PageResult<Response> {
    let here = format!("/posts/{raw}/edit");
    let id = path_id(&raw).map_err(|e| fail(e, &v, &here))?;
    let view = state.post(&v, id).await.map_err(|e| fail(e, &v, &here))?;
    if !view.mine || view.post.kind == PostKind::Update {
        return Err(fail(CoreError::NotFound, &v, &here));
    }
    let p = &view.post;
    let form = Form::of(&ComposeForm {
        body: p.body.clone(),
        visibility: p.visibility.as_str().into(),
        kind: p.kind.as_str().into(),
        title: p.title.clone().unwrap_or_default(),
    });
    Ok(render(
        StatusCode::OK,
        &EditPage {
            layout: Layout::new("Edit post", v.member()),
            id,
            article: p.kind == PostKind::Article,
            form,
        },
    ))
}

async fn save_edit(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Path(raw): Path<String>,
    PageForm(f): PageForm<ComposeForm>,
) -> PageResult<Response> {
    let here = format!("/posts/{raw}/edit");
    let id = path_id(&raw).map_err(|e| fail(e, &v, &here))?;
    let current = state.post(&v, id).await.map_err(|e| fail(e, &v, &here))?;
    let input = PostInput {
        body: f.body.clone(),
        visibility: Some(f.visibility.clone()).filter(|s| !s.is_empty()),
        kind: None,
        title: Some(f.title.clone()).filter(|s| !s.is_empty()),
        images: current.post.images.clone(),
        cover: current.post.cover.clone(),
    };
    match state.edit_post(&v, id, &input).await {
        Ok(p) => Ok(see_other(&format!("{}?done=edited", p.url()), None)),
        Err(e) => {
            let (r, form) = refuse(Form::of(&f), e, &["body", "visibility", "title"])
                .map_err(|e| fail(e, &v, &here))?;
            Ok(r.render(&EditPage {
                layout: Layout::new("Edit post", v.member()),
                id,
                article: current.post.kind == PostKind::Article,
                form,
            }))
        }
    }
}

/// Reads the composer: its text fields and up to 4 image files (uploaded and re-encoded as
/// they arrive).
async fn read_composer(
    state: &AppState,
    v: &Viewer,
    mut mp: Multipart,
) -> Result<(ComposeForm, Vec<String>, Option<String>), CoreError> {
    let mut f = ComposeForm::default();
    let mut images = Vec::new();
    let mut cover = None;
    let too_big = || CoreError::invalid("images", "The images are larger than 6 MB in all.");
    while let Some(field) = mp.next_field().await.map_err(|_| too_big())? {
        let name = field.name().unwrap_or("").to_string();
        match name.as_str() {
            "images" | "cover" => {
                let bytes = field.bytes().await.map_err(|_| too_big())?;
                if bytes.is_empty() {
                    continue;
                }
                if name == "images" && images.len() >= guild_core::feed::MAX_IMAGES {
                    return Err(CoreError::invalid("images", "A post has at most 4 images."));
                }
                let key = state
                    .upload_image(v, bytes.to_vec())
                    .await
                    .map_err(|e| match e {
                        CoreError::Invalid(mut fe) => {
                            let m = fe.0.remove("image").unwrap_or_default();
                            CoreError::invalid(if name == "cover" { "cover" } else { "images" }, m)
                        }
                        e => e,
                    })?;
                if name == "cover" {
                    cover = Some(key);
                } else {
                    images.push(key);
                }
            }
            _ => {
                let text = field.text().await.map_err(|_| too_big())?;
                match name.as_str() {
                    "body" => f.body = text,
                    "visibility" => f.visibility = text,
                    "kind" => f.kind = text,
                    "title" => f.title = text,
                    _ => {}
                }
            }
        }
    }
    Ok((f, images, cover))
}

#[derive(Template)]
#[template(path = "article_new.html")]
struct ArticlePage {
    layout: Layout,
    form: Form,
}

async fn show_new_article(CurrentViewer(v): CurrentViewer) -> PageResult<Response> {
    v.require().map_err(|e| fail(e, &v, "/articles/new"))?;
    Ok(render(
        StatusCode::OK,
        &ArticlePage {
            layout: Layout::new("Write an article", v.member()),
            form: Form::of(&ComposeForm {
                visibility: "anyone".into(),
                ..ComposeForm::default()
            }),
        },
    ))
}

async fn create(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
    mp: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> PageResult<Response> {
    v.require().map_err(|e| fail(e, &v, "/"))?;
    let mp = mp.map_err(|_| {
        fail(
            CoreError::invalid("body", "The form could not be read."),
            &v,
            "/",
        )
    })?;
    let (f, images, cover) = match read_composer(&state, &v, mp).await {
        Ok(x) => x,
        Err(e) => return compose_failed(&state, &v, ComposeForm::default(), e).await,
    };
    let input = PostInput {
        body: f.body.clone(),
        visibility: Some(f.visibility.clone()).filter(|s| !s.is_empty()),
        kind: Some(f.kind.clone()).filter(|s| !s.is_empty()),
        title: Some(f.title.clone()).filter(|s| !s.trim().is_empty()),
        images,
        cover,
    };
    match state.create_post(&v, &input).await {
        Ok(p) if p.post.kind == PostKind::Article => {
            Ok(see_other(&format!("{}?done=posted", p.url()), None))
        }
        Ok(_) => Ok(see_other("/?done=posted", None)),
        Err(e) => compose_failed(&state, &v, f, e).await,
    }
}

/// A refused post: the article form, or the home page with the composer, shown again with
/// the message beside the field.
async fn compose_failed(
    state: &AppState,
    v: &Viewer,
    f: ComposeForm,
    e: CoreError,
) -> PageResult<Response> {
    let article = f.kind == "article";
    let (r, form) = refuse(
        Form::of(&f),
        e,
        &["body", "visibility", "title", "images", "cover"],
    )
    .map_err(|e| fail(e, v, "/"))?;
    if article {
        return Ok(r.render(&ArticlePage {
            layout: Layout::new("Write an article", v.member()),
            form,
        }));
    }
    let page = super::feed::home_page(state, v, None, None, form)
        .await
        .map_err(|e| fail(e, v, "/"))?;
    Ok(r.render(&page))
}

async fn delete(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Path(raw): Path<String>,
) -> PageResult<Response> {
    let id = path_id(&raw).map_err(|e| fail(e, &v, "/"))?;
    state
        .delete_post(&v, id)
        .await
        .map_err(|e| fail(e, &v, "/"))?;
    Ok(see_other("/?done=deleted", None))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ReactForm {
    kind: String,
    back: String,
}

/// Back to the page the form came from when it is one of ours, else the post.
fn back_to(back: &str, fallback: &str) -> String {
    let safe = super::form::safe_next(Some(back));
    if safe == back {
        safe
    } else {
        fallback.to_string()
    }
}

async fn react(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Path(raw): Path<String>,
    PageForm(f): PageForm<ReactForm>,
) -> PageResult<Response> {
    let here = format!("/posts/{raw}");
    let id = path_id(&raw).map_err(|e| fail(e, &v, &here))?;
    let current = state.post(&v, id).await.map_err(|e| fail(e, &v, &here))?;
    // Choosing the reaction one already has takes it back.
    if current.my_reaction.map(|k| k.as_str()) == Some(f.kind.as_str()) {
        state
            .unreact(&v, id)
            .await
            .map_err(|e| fail(e, &v, &here))?;
    } else {
        state
            .react(&v, id, &f.kind)
            .await
            .map_err(|e| fail(e, &v, &here))?;
    }
    Ok(see_other(
        &format!("{}#post-{id}", back_to(&f.back, &here)),
        None,
    ))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RepostForm {
    body: String,
}

async fn repost(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Path(raw): Path<String>,
    PageForm(f): PageForm<RepostForm>,
) -> PageResult<Response> {
    let here = format!("/posts/{raw}");
    let id = path_id(&raw).map_err(|e| fail(e, &v, &here))?;
    let body = Some(f.body.as_str()).filter(|b| !b.trim().is_empty());
    let p = state
        .repost(&v, id, body)
        .await
        .map_err(|e| fail(e, &v, &here))?;
    Ok(see_other(
        &format!("/posts/{}?done=reposted", p.post.id),
        None,
    ))
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
struct CommentForm {
    body: String,
    parent_id: String,
}

async fn comment(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Path(raw): Path<String>,
    PageForm(f): PageForm<CommentForm>,
) -> PageResult<Response> {
    let here = format!("/posts/{raw}");
    let id = path_id(&raw).map_err(|e| fail(e, &v, &here))?;
    let input = CommentInput {
        body: f.body.clone(),
        parent_id: f.parent_id.trim().parse().ok(),
    };
    match state.add_comment(&v, id, &input).await {
        Ok(c) => Ok(see_other(
            &format!("/posts/{id}#comment-{}", c.comment.id),
            None,
        )),
        Err(e) => {
            let (r, form) = refuse(Form::of(&f), e, &["body"]).map_err(|e| fail(e, &v, &here))?;
            let page = post_page(&state, &v, id, form, None, None)
                .await
                .map_err(|e| fail(e, &v, &here))?;
            Ok(r.render(&page))
        }
    }
}

async fn delete_comment(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Path(raw): Path<String>,
    PageForm(f): PageForm<ReactForm>,
) -> PageResult<Response> {
    let id = path_id(&raw).map_err(|e| fail(e, &v, "/"))?;
    state
        .delete_comment(&v, id)
        .await
        .map_err(|e| fail(e, &v, "/"))?;
    Ok(see_other(
        &format!("{}?done=comment-deleted", back_to(&f.back, "/")),
        None,
    ))
}

async fn react_comment(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Path(raw): Path<String>,
    PageForm(f): PageForm<ReactForm>,
) -> PageResult<Response> {
    let id = path_id(&raw).map_err(|e| fail(e, &v, "/"))?;
    if f.kind.is_empty() {
        state
            .unreact_comment(&v, id)
            .await
            .map_err(|e| fail(e, &v, "/"))?;
    } else {
        state
            .react_comment(&v, id, &f.kind)
            .await
            .map_err(|e| fail(e, &v, "/"))?;
    }
    Ok(see_other(
        &format!("{}#comment-{id}", back_to(&f.back, "/")),
        None,
    ))
}
