//! The post pages: one post with its comments, an article's page, editing, and the form
//! actions (write, react, comment, repost, delete). How a post looks is [`super::post_items`].

use askama::Template;
use axum::extract::{Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use guild_core::auth::Viewer;
use guild_core::feed::model::PostKind;
use guild_core::feed::{CommentInput, ComposedPost, PostInput, PostStats};
use guild_core::media::UploadKind;
use guild_core::settings::Limits;
use guild_core::CoreError;
use serde::{Deserialize, Serialize};

use super::feed::home_page;
use super::form::{bad_form, refuse, Form, PageForm};
use super::layout::{render, see_other, Layout};
use super::post_items::{CommentItem, ComposeForm, PostItem};
use crate::error::fail;
use crate::error::PageResult;
use crate::extract::{CurrentViewer, Id};
use crate::AppState;

pub fn router(limits: &Limits) -> Router<AppState> {
    // The composer sends its images with the post: up to four and a cover.
    let composer = UploadKind::PostImage.body_limit(limits, guild_core::feed::MAX_IMAGES + 1);
    Router::new()
        .route(
            "/posts",
            post(create).layer(axum::extract::DefaultBodyLimit::max(composer)),
        )
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

#[derive(Template)]
#[template(path = "post.html")]
struct PostPage {
    layout: Layout,
    post: PostItem,
    article: bool,
    stats: Option<PostStats>,
    comments: Vec<CommentItem>,
    more_comments: Option<String>,
    form: Form,
    notice: Option<&'static str>,
}

impl PostPage {
    /// "12.5 %", or nothing below the minimum of impressions.
    fn rate_text(&self) -> Option<String> {
        let rate = self.stats.as_ref()?.engagement_rate?;
        Some(guild_core::feed::engagement::percent(rate))
    }
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
        post: PostItem::from(&view),
        article,
        stats,
        comments: page.items.iter().map(CommentItem::from).collect(),
        more_comments: page.next_cursor,
        form,
        notice,
    })
}

async fn show(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Id(id): Id,
    Query(q): Query<ShowQuery>,
) -> PageResult<Response> {
    let here = format!("/posts/{id}");
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

async fn show_edit(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Id(id): Id,
) -> PageResult<Response> {
    let here = format!("/posts/{id}/edit");
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
    Id(id): Id,
    PageForm(f): PageForm<ComposeForm>,
) -> PageResult<Response> {
    let here = format!("/posts/{id}/edit");
    let current = state.post(&v, id).await.map_err(|e| fail(e, &v, &here))?;
    let input = PostInput {
        kind: None,
        images: current.post.images.clone(),
        cover: current.post.cover.clone(),
        ..f.input()
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

/// Reads the composer: its text fields and its image files, kept as sent for core to check
/// ([`guild_core::Guild::compose_post`]: how many, how large).
async fn read_composer(mut mp: Multipart, limits: &Limits) -> Result<ComposedPost, CoreError> {
    let mut f = ComposeForm::default();
    let mut images = Vec::new();
    let mut cover = None;
    let too_large = || CoreError::invalid("images", UploadKind::PostImage.too_large(limits));
    while let Some(field) = mp.next_field().await.map_err(|_| too_large())? {
        let name = field.name().unwrap_or("").to_string();
        match name.as_str() {
            "images" | "cover" => {
                let bytes = field.bytes().await.map_err(|_| too_large())?;
                if bytes.is_empty() {
                    continue;
                }
                if name == "cover" {
                    cover = Some(bytes.to_vec());
                } else {
                    images.push(bytes.to_vec());
                }
            }
            _ => {
                let text = field.text().await.map_err(|_| too_large())?;
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
    Ok(ComposedPost {
        input: f.input(),
        images,
        cover,
    })
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
    let Ok(mp) = mp else {
        return Ok(bad_form(v.member()));
    };
    let composed = match read_composer(mp, &state.settings.limits).await {
        Ok(c) => c,
        Err(e) => return compose_failed(&state, &v, ComposeForm::default(), e).await,
    };
    let typed = ComposeForm::of(&composed.input);
    match state.compose_post(&v, composed).await {
        Ok(p) if p.post.kind == PostKind::Article => {
            Ok(see_other(&format!("{}?done=posted", p.url()), None))
        }
        Ok(_) => Ok(see_other("/?done=posted", None)),
        Err(e) => compose_failed(&state, &v, typed, e).await,
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
    let page = home_page(state, v, None, None, form)
        .await
        .map_err(|e| fail(e, v, "/"))?;
    Ok(r.render(&page))
}

async fn delete(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Id(id): Id,
) -> PageResult<Response> {
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
    Id(id): Id,
    PageForm(f): PageForm<ReactForm>,
) -> PageResult<Response> {
    let here = format!("/posts/{id}");
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
    Id(id): Id,
    PageForm(f): PageForm<RepostForm>,
) -> PageResult<Response> {
    let here = format!("/posts/{id}");
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
    Id(id): Id,
    PageForm(f): PageForm<CommentForm>,
) -> PageResult<Response> {
    let here = format!("/posts/{id}");
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
    Id(id): Id,
    PageForm(f): PageForm<ReactForm>,
) -> PageResult<Response> {
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
    Id(id): Id,
    PageForm(f): PageForm<ReactForm>,
) -> PageResult<Response> {
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
