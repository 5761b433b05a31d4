//! The home feed for members (the composer, the ranked or most-recent feed with "Why am I
//! seeing this?", infinite scroll through `/feed/more`), hashtag pages and a member's posts.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use guild_core::auth::Viewer;
use guild_core::feed::model::PostKind;
use guild_core::feed::PostView;
use guild_core::CoreError;
use serde::Deserialize;

use super::cards::Card;
use super::form::Form;
use super::format::{age, url_encode};
use super::layout::{render, see_other, Layout};
use super::network::{suggestions_for, SuggestionItem};
use super::post_items::{ComposeForm, PostItem};
use super::strength::Meter;
use crate::error::fail;
use crate::error::PageResult;
use crate::extract::CurrentViewer;
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/feed/more", get(more))
        .route("/hashtags/{tag}", get(hashtag))
        .route("/hashtags/{tag}/{action}", post(follow_hashtag))
        .route("/in/{handle}/posts", get(member_posts))
}

#[derive(Template)]
#[template(path = "feed.html")]
pub struct FeedPage {
    pub layout: Layout,
    pub first_name: String,
    pub form: Form,
    pub recent: bool,
    pub items: Vec<PostItem>,
    pub next: Option<String>,
    pub notice: Option<&'static str>,
    pub suggestions: Vec<SuggestionItem>,
    pub hashtags: Vec<String>,
    /// The profile-strength meter (until the profile is complete).
    pub meter: Option<Meter>,
    /// The left rail's card of the member.
    pub me: MeCard,
    /// The right rail's "News from your network".
    pub news: Vec<NewsItem>,
}

/// The member's own card at the top of the left rail, with their network's numbers.
pub struct MeCard {
    pub card: Card,
    pub connections: usize,
    pub followers: u64,
    /// Members two steps away: whom the member's network reaches.
    pub second_degree: u64,
    /// Views of the member's profile by other members in the last 90 days.
    pub profile_views: i64,
}

/// One line of "News from your network".
pub struct NewsItem {
    pub author: Card,
    /// "started a new position at Acme", an article's title, or the start of a post.
    pub text: String,
    /// Before the text: "" for an update (it reads on from the name), else "posted:" or
    /// "published an article:".
    pub verb: &'static str,
    pub url: String,
    pub age: String,
}

impl From<&PostView> for NewsItem {
    fn from(v: &PostView) -> Self {
        let p = &v.post;
        let text = match &p.title {
            Some(t) => t.clone(),
            None => guild_core::markup::plain_excerpt(&p.body, 90),
        };
        NewsItem {
            author: Card::from(&v.author),
            text,
            verb: match p.kind {
                PostKind::Update => "",
                PostKind::Article => "published an article:",
                _ => "posted:",
            },
            url: v.url(),
            age: age(p.created_at),
        }
    }
}

#[derive(Template)]
#[template(path = "feed_items.html")]
struct FeedItems {
    items: Vec<PostItem>,
    next: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct FeedQuery {
    pub sort: Option<String>,
    pub cursor: Option<String>,
    pub done: Option<String>,
}

/// The signed-in member's home page: composer and feed.
pub async fn home_page(
    state: &AppState,
    v: &Viewer,
    sort: Option<&str>,
    cursor: Option<&str>,
    form: Form,
) -> Result<FeedPage, CoreError> {
    let me = v.require()?.clone();
    let feed = state.home_feed(v, sort, cursor, None).await?;
    let profile = state.my_profile(v).await?;
    let form = if form.v("visibility").is_empty() && !form.failed() {
        Form::of(&ComposeForm {
            visibility: "anyone".into(),
            ..Default::default()
        })
    } else {
        form
    };
    Ok(FeedPage {
        layout: Layout::new("Home", Some(&me)),
        first_name: me
            .name
            .split_whitespace()
            .next()
            .unwrap_or(&me.name)
            .to_string(),
        form,
        recent: feed.sort == guild_core::feed::model::FeedSort::Recent,
        items: feed.items.iter().map(PostItem::from).collect(),
        next: feed.next_cursor,
        notice: None,
        suggestions: suggestions_for(state, v, 3).await,
        hashtags: state.followed_hashtags(v).await?,
        meter: profile.strength.as_ref().map(Meter::from),
        me: MeCard {
            card: profile
                .network
                .person
                .as_ref()
                .map(Card::from)
                .unwrap_or_else(|| Card::of_member(&me)),
            connections: profile.network.connections,
            followers: profile.network.followers,
            second_degree: state.network_stats(v)?.second,
            profile_views: state.my_profile_views(v).await?,
        },
        news: state
            .network_news(v, 4)
            .await?
            .iter()
            .map(NewsItem::from)
            .collect(),
    })
}

pub async fn show_feed(state: &AppState, v: &Viewer, q: FeedQuery) -> PageResult<Response> {
    let mut page = home_page(
        state,
        v,
        q.sort.as_deref(),
        q.cursor.as_deref(),
        Form::default(),
    )
    .await
    .map_err(|e| fail(e, v, "/"))?;
    page.notice = match q.done.as_deref() {
        Some("posted") => Some("Posted."),
        Some("deleted") => Some("The post was deleted."),
        _ => None,
    };
    Ok(render(StatusCode::OK, &page))
}

/// The next page of the feed as a fragment (infinite scroll fetches it).
async fn more(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Query(q): Query<FeedQuery>,
) -> PageResult<Response> {
    let feed = state
        .home_feed(&v, None, q.cursor.as_deref(), None)
        .await
        .map_err(|e| fail(e, &v, "/"))?;
    Ok(render(
        StatusCode::OK,
        &FeedItems {
            items: feed.items.iter().map(PostItem::from).collect(),
            next: feed.next_cursor,
        },
    ))
}

#[derive(Template)]
#[template(path = "hashtag.html")]
struct HashtagPage {
    layout: Layout,
    tag: String,
    following: bool,
    /// Where reaction forms return to.
    back: String,
    items: Vec<PostItem>,
    next: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct CursorQuery {
    cursor: Option<String>,
}

#[derive(Template)]
#[template(path = "member_posts.html")]
struct MemberPostsPage {
    layout: Layout,
    name: String,
    handle: String,
    back: String,
    items: Vec<PostItem>,
    next: Option<String>,
}

/// Everything a member posted that the viewer may read, newest first.
async fn member_posts(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Path(handle): Path<String>,
    Query(q): Query<CursorQuery>,
) -> PageResult<Response> {
    let here = format!("/in/{}/posts", url_encode(&handle));
    let page = state
        .posts_by(&v, &handle, q.cursor.as_deref(), None)
        .await
        .map_err(|e| fail(e, &v, &here))?;
    let member = state
        .view_profile(&v, &handle)
        .await
        .map_err(|e| fail(e, &v, &here))?
        .member;
    Ok(render(
        StatusCode::OK,
        &MemberPostsPage {
            layout: Layout::new(&format!("Posts by {}", member.name), v.member()),
            back: here,
            name: member.name,
            handle: member.handle.to_string(),
            items: page.items.iter().map(PostItem::from).collect(),
            next: page.next_cursor,
        },
    ))
}

async fn hashtag(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Path(tag): Path<String>,
    Query(q): Query<CursorQuery>,
) -> PageResult<Response> {
    let here = format!("/hashtags/{}", url_encode(&tag));
    let h = state
        .hashtag(&v, &tag, q.cursor.as_deref(), None)
        .await
        .map_err(|e| fail(e, &v, &here))?;
    Ok(render(
        StatusCode::OK,
        &HashtagPage {
            layout: Layout::new(&format!("#{}", h.tag), v.member()),
            back: format!("/hashtags/{}", h.tag),
            tag: h.tag,
            following: h.following,
            items: h.posts.iter().map(PostItem::from).collect(),
            next: h.next_cursor,
        },
    ))
}

async fn follow_hashtag(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Path((tag, action)): Path<(String, String)>,
) -> PageResult<Response> {
    let here = format!("/hashtags/{}", url_encode(&tag));
    let on = match action.as_str() {
        "follow" => true,
        "unfollow" => false,
        _ => return Err(fail(CoreError::NotFound, &v, &here)),
    };
    let tag = state
        .follow_hashtag(&v, &tag, on)
        .await
        .map_err(|e| fail(e, &v, &here))?;
    Ok(see_other(&format!("/hashtags/{}", url_encode(&tag)), None))
}
